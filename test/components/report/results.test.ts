import { describe, expect, it } from "vitest";
import { controls } from "../../../components/controls";
import { auditReport, verdictExitCode } from "../../../components/report/results";
import { hostile, outputs } from "../../helpers/report/audits";

const facts = { target: "root@10.0.0.5:22", mode: "check", version: "0.1.0" } as const;

describe("audit results", () => {
    it("one result per control and item, with the control's title, severity and source; info lines as notes", () => {
        const r = auditReport(outputs.nonCompliant, facts);
        expect(r).toMatchObject({ tool: { name: "mdb-hardening", version: "0.1.0" }, target: facts.target, mode: "check", profile: "gtm-1", token: "release-42", verdict: "non-compliant" });
        expect(r.reason).toBeUndefined();
        expect(r.results.map((x) => [x.id, x.item, x.status, x.kind])).toEqual([
            ["MDBH-FW-003", "sshd", "pass", "ok"],
            ["MDBH-SVC-001", "rpcbind.service", "pass", "absent"],
            ["MDBH-SVC-001", "cups.service", "waived", "waived"],
            ["MDBH-HOST-003", "atd.service", "would-change", "would-change"],
            ["MDBH-SVC-001", "listen:tcp/111", "fail", "finding"],
            ["MDBH-FW-001", "nft:inet mdb_hardening", "would-change", "would-change"],
        ]);
        const net1 = r.results.find((x) => x.id === "MDBH-FW-001")!;
        expect(net1).toEqual({
            id: "MDBH-FW-001", item: "nft:inet mdb_hardening", status: "would-change", kind: "would-change", detail: "loaded; rule for 1972/tcp differs",
            title: controls["MDBH-FW-001"].title, severity: "high", source: controls["MDBH-FW-001"].source, srg: controls["MDBH-FW-001"].srg.id,
        });
        expect(r.results.find((x) => x.item === "listen:tcp/111")!.detail).toContain(hostile.replace("\\x07", "\x07").replace("\\t", "\t"));
        expect(r.counts).toEqual({ pass: 2, fail: 1, "would-change": 2, waived: 1, error: 0 });
        expect(r.notes).toEqual([{ id: "MDBH-HOST-003", item: "tmp:/var/lib/gtm_tmp", detail: "a shared 1777 directory" }]);
        expect(verdictExitCode(r)).toBe(1);
    });

    it("compliant with waived findings: exit 0", () => {
        const r = auditReport(outputs.compliant, facts);
        expect(r).toMatchObject({ verdict: "compliant", counts: { pass: 2, fail: 0, "would-change": 0, waived: 1, error: 0 } });
        expect(verdictExitCode(r)).toBe(0);
    });

    it("changed lines pass: the control holds after the run, and the kind says it was repaired", () => {
        const r = auditReport(["MDBH\tchanged\tMDBH-HOST-003\tatd.service\tmasked", "MDBH\tsummary\tgtm-1\tchanges\t1", "MDBH\tsummary\tgtm-1\tfindings\t0"].join("\n"), { ...facts, mode: "apply" });
        expect(r.results).toMatchObject([{ status: "pass", kind: "changed", detail: "masked" }]);
        expect(r.verdict).toBe("compliant");
    });

    it("could not check: a refusal (error line) or a run without a summary; exit 3", () => {
        const refused = auditReport(outputs.refused, facts);
        expect(refused).toMatchObject({ verdict: "could-not-check", reason: "the host script refused to run (error lines)", counts: { error: 1 } });
        expect(refused.profile).toBeUndefined();
        expect(verdictExitCode(refused)).toBe(3);
        const unfinished = auditReport(outputs.unfinished, facts);
        expect(unfinished).toMatchObject({ verdict: "could-not-check", reason: "the host script's output has no summary: it did not run to the end" });
        expect(verdictExitCode(unfinished)).toBe(3);
    });

    it("refuses a control that is not in the table, naming it and its line", () => {
        expect(() => auditReport(outputs.unknownControl, facts)).toThrow('host script: unknown control "MDBH-NOPE-999" in "MDBH\\tfinding\\tMDBH-NOPE-999\\tx\\ty"');
    });
});
