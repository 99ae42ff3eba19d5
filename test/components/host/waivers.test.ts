/**
 * The profile's waivers as the host script judges them (lib.sh `waiver_holds`, `finding`): the
 * rendered assignments and lib.sh run in bash, the expiry compared with the host's own date.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseReports } from "../../../components/host/summary";
import { validateProfile } from "../../../components/profile";
import { gtmInput } from "../../helpers/profiles";
import { heldText, render } from "../../helpers/render";

function runLib(waivers: unknown[], calls: string): string {
    const script = heldText(render(validateProfile(gtmInput({ waivers }))));
    const libStart = script.indexOf("\n# reads: ");
    const lib = script.slice(libStart, script.indexOf("\n# reads: ", libStart + 1));
    return execFileSync("bash", ["-c", `${script.slice(0, libStart)}\n${lib}\n${calls}\necho "findings=$findings waived=$waived"`], { encoding: "utf8" });
}

describe("waivers on the host", () => {
    const waivers = [
        { control: "MDBH-SVC-003", item: "telnet", justification: "legacy terminal line, ticket 17", expires: "2999-12-31" },
        { control: "MDBH-HOST-006", justification: "whole control waived" },
        { control: "MDBH-HOST-007", item: "lic", justification: "expired one", expires: "2020-01-01" },
    ];

    it("reports a waived control as waived with its justification, an expired waiver as a finding saying so", () => {
        const out = runLib(waivers, [
            "finding MDBH-SVC-003 telnet 'port 23 open'",
            "finding MDBH-SVC-003 rsh 'port 514 open'",
            "finding MDBH-HOST-006 anything 'ssh from 0.0.0.0/0'",
            "finding MDBH-HOST-007 lic 'license port open'",
        ].join("\n"));
        expect(parseReports(out).map((r) => [r.kind, r.item, r.detail])).toEqual([
            ["waived", "telnet", "port 23 open; waived: legacy terminal line, ticket 17 (until 2999-12-31)"],
            ["finding", "rsh", "port 514 open"],
            ["waived", "anything", "ssh from 0.0.0.0/0; waived: whole control waived"],
            ["finding", "lic", "license port open (waiver expired after 2020-01-01: expired one)"],
        ]);
        expect(out).toContain("findings=2 waived=2");
    });

    it("judges the expiry by the host's date when the script runs, so the script is the same before and after", () => {
        const calls = "finding MDBH-SVC-003 telnet 'open'";
        const today = new Date().toISOString().slice(0, 10);
        const lastDay = [{ ...waivers[0], expires: today }];
        expect(parseReports(runLib(lastDay, calls))[0].kind).toBe("waived");
        const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        expect(parseReports(runLib([{ ...waivers[0], expires: yesterday }], calls))[0].kind).toBe("finding");
    });
});
