import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { summarize } from "../../../components/host/hostHardening";
import { parseReports, parseSummary } from "../../../components/host/summary";
import { auditCpf } from "../../../components/iris/ports";
import { projectRoot } from "../../helpers/example";
import { iris } from "../../helpers/profiles";

describe("summary", () => {
    const line = (...f: string[]) => ["MDBH", ...f].join("\t");
    it("counts and lists what the run changed and found", () => {
        const out = [
            "noise from a command",
            line("changed", "distribution", "group:gtmusers", "created"),
            line("ok", "services", "atd.service", "masked"),
            line("absent", "services", "cups.service", "not installed"),
            line("finding", "audit", "listen:tcp/111", "listening on 0.0.0.0 but not declared in the profile"),
            line("summary", "gtm-1", "changes", "1"),
            line("summary", "gtm-1", "findings", "1"),
        ].join("\n");
        expect(parseSummary(out)).toEqual({
            mode: "apply",
            profile: "gtm-1",
            changes: 1,
            wouldChange: 0,
            findings: 1,
            pending: [],
            waived: [],
            changed: [{ kind: "changed", control: "distribution", item: "group:gtmusers", detail: "created" }],
            problems: [{ kind: "finding", control: "audit", item: "listen:tcp/111", detail: "listening on 0.0.0.0 but not declared in the profile" }],
            absent: ["cups.service"],
            verified: 1,
        });
    });

    it("reads a check run: what an apply would change, the waived findings and the token of the last apply", () => {
        const out = [
            line("would-change", "MDBH-HOST-001", "atd.service", "would mask"),
            line("waived", "MDBH-NET-004", "cups.service", "printing kept for the lab (until 2027-06-30)"),
            line("data", "state", "token", "release-42"),
            line("summary", "gtm-1", "would-change", "1"),
            line("summary", "gtm-1", "findings", "0"),
            line("summary", "gtm-1", "waived", "1"),
        ].join("\n");
        expect(parseSummary(out, "check")).toMatchObject({
            mode: "check",
            profile: "gtm-1",
            changes: 0,
            wouldChange: 1,
            findings: 0,
            pending: [{ kind: "would-change", control: "MDBH-HOST-001", item: "atd.service", detail: "would mask" }],
            waived: [{ kind: "waived", control: "MDBH-NET-004", item: "cups.service", detail: "printing kept for the lab (until 2027-06-30)" }],
            token: "release-42",
        });
        // The mode's own count is what proves the run finished: a check run's summary has no `changes`.
        expect(() => parseSummary(out, "apply")).toThrow(/did not run to the end/);
    });

    it("returns an IRIS host's iris.cpf, which the component audits against the profile", () => {
        const cpf = readFileSync(path.join(projectRoot, "test/fixtures/cpf/iris-2020.4-shard-linux.cpf"));
        const out = [line("data", "iris", "iris.cpf", gzipSync(cpf).toString("base64")), line("summary", "iris-1", "changes", "0"), line("summary", "iris-1", "findings", "0")].join("\n");
        const profile = iris();
        expect(parseSummary(out).irisCpf).toBe(cpf.toString("utf8"));
        expect(summarize(out, profile).cpfDeviations).toEqual(auditCpf(profile, cpf.toString("utf8"), "iris.cpf"));
        expect(summarize(out, profile).cpfDeviations.length).toBeGreaterThan(0);
        expect(summarize(out.replace(/^.*iris\.cpf.*\n/m, ""), profile).cpfDeviations).toEqual([]);
    });

    it("fails on a refused or unfinished run", () => {
        expect(() => parseSummary(line("error", "preflight", "firewall", "the SSH client applying this (192.0.2.1) is not in network.adminCidrs"))).toThrow(
            "host script refused: preflight firewall: the SSH client applying this (192.0.2.1) is not in network.adminCidrs",
        );
        expect(() => parseSummary(line("changed", "services", "atd.service", "masked"))).toThrow(/did not run to the end/);
        expect(() => parseSummary(line("weird", "a", "b", "c"))).toThrow(/unknown report kind/);
    });
});

describe("report lines", () => {
    it("carry any bytes a path can hold: the script escapes each field and parseReports decodes it", () => {
        const tricky = ["plain", "back\\slash", "tab\there", "new\nline", "cr\rhere", "bell\x07esc\x1bdel\x7f", "MDBH\tsummary\tx\tchanges\t0", "\\x41 stays", "é ünïcode", ""];
        const lib = path.join(projectRoot, "components/host/sh/lib.sh");
        const args = tricky.flatMap((t) => ["ok", "part", t, t]);
        const stdout = execFileSync("bash", ["-c", `source "$0"; while [ $# -gt 0 ]; do say "$1" "$2" "$3" "$4"; shift 4; done`, lib, ...args], { encoding: "utf8", env: { LC_ALL: "C", PATH: process.env.PATH } });
        expect(stdout.split("\n").filter(Boolean)).toHaveLength(tricky.length);
        expect(parseReports(stdout)).toEqual(tricky.map((t) => ({ kind: "ok", control: "part", item: t, detail: t })));
    });

    it("refuses a line with a field too many or too few", () => {
        expect(() => parseReports("MDBH\tok\tpart\titem\tdetail\textra")).toThrow(/malformed report line/);
        expect(() => parseReports("MDBH\tok\tpart\titem")).toThrow(/malformed report line/);
    });
});
