import { expect, it } from "vitest";
import { controls } from "../../../components/controls";
import { auditReport } from "../../../components/report/results";
import { auditText } from "../../../components/report/text";
import { outputs } from "../../helpers/report/audits";

it("the text summary: verdict, counts, every result that is not a pass, the notes; control bytes escaped", () => {
    const t = (id: keyof typeof controls) => `${controls[id].severity}: ${controls[id].title}`;
    expect(auditText(auditReport(outputs.nonCompliant, { target: "local", mode: "check", version: "0.1.0" }))).toBe([
        "mdb-hardening audit of local (profile gtm-1, check mode): non-compliant",
        "  2 pass, 1 fail, 2 would-change, 1 waived, 0 error",
        `waived MDBH-SVC-001 cups.service: printing kept for the lab (until 2027-06-30) (${t("MDBH-SVC-001")})`,
        `would-change MDBH-HOST-003 atd.service: would be stopped, disabled and masked (${t("MDBH-HOST-003")})`,
        `fail MDBH-SVC-001 listen:tcp/111: listening on 0.0.0.0 but not declared in the profile; a <tag> & "quotes" ]]> bell \\x07 tab\\x09here (${t("MDBH-SVC-001")})`,
        `would-change MDBH-FW-001 nft:inet mdb_hardening: loaded; rule for 1972/tcp differs (${t("MDBH-FW-001")})`,
        "note MDBH-HOST-003 tmp:/var/lib/gtm_tmp: a shared 1777 directory",
        "",
    ].join("\n"));
    expect(auditText(auditReport(outputs.refused, { target: "root@h:22", mode: "check", version: "0.1.0" })).split("\n")[0]).toBe(
        "mdb-hardening audit of root@h:22 (check mode): could-not-check: the host script refused to run (error lines)");
});
