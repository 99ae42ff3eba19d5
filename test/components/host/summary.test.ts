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
    it("counts and lists what an apply changed and found", () => {
        const out = [
            "noise from a command",
            line("data", "state", "mode", "apply"),
            line("changed", "MDBH-GTM-001", "group:gtmusers", "created"),
            line("ok", "MDBH-SVC-001", "atd.service", "masked"),
            line("absent", "MDBH-SVC-001", "cups.service", "not installed"),
            line("finding", "MDBH-HOST-006", "listen:tcp/111", "listening on 0.0.0.0 but not declared in the profile"),
            line("summary", "gtm-1", "changes", "1"),
            line("summary", "gtm-1", "findings", "1"),
        ].join("\n");
        expect(parseSummary(out)).toEqual({
            profile: "gtm-1",
            mode: "apply",
            changes: 1,
            wouldChange: 0,
            findings: 1,
            changed: [{ kind: "changed", control: "MDBH-GTM-001", item: "group:gtmusers", detail: "created" }],
            pending: [],
            problems: [{ kind: "finding", control: "MDBH-HOST-006", item: "listen:tcp/111", detail: "listening on 0.0.0.0 but not declared in the profile" }],
            waived: [],
            absent: ["cups.service"],
            verified: 1,
        });
    });

    it("counts what a check would change, with the token the last apply recorded", () => {
        const out = (mode: string, token: string) => [
            line("data", "state", "mode", mode),
            line("would-change", "MDBH-SVC-001", "cups.service", "enabled -> masked"),
            line("waived", "MDBH-HOST-006", "listen:tcp/631", "waived until 2027-06-30: print server kept for the lab"),
            line("data", "state", "token", token),
            line("summary", "gtm-1", "would-change", "1"),
            line("summary", "gtm-1", "findings", "0"),
        ].join("\n");
        for (const mode of ["check", "drift"] as const) {
            expect(parseSummary(out(mode, "build-42"))).toEqual({
                profile: "gtm-1",
                mode,
                changes: 0,
                wouldChange: 1,
                findings: 0,
                changed: [],
                pending: [{ kind: "would-change", control: "MDBH-SVC-001", item: "cups.service", detail: "enabled -> masked" }],
                problems: [],
                waived: [{ kind: "waived", control: "MDBH-HOST-006", item: "listen:tcp/631", detail: "waived until 2027-06-30: print server kept for the lab" }],
                absent: [],
                verified: 0,
                token: "build-42",
            });
        }
        expect(parseSummary(out("check", ""))).not.toHaveProperty("token");
        // A check's summary has no changes line, an apply's no would-change line.
        expect(() => parseSummary(out("apply", ""))).toThrow(/did not run to the end/);
    });

    it("returns an IRIS host's iris.cpf, which the component audits against the profile", () => {
        const cpf = readFileSync(path.join(projectRoot, "test/fixtures/cpf/iris-2020.4-shard-linux.cpf"));
        const out = [line("data", "state", "mode", "apply"), line("data", "iris", "iris.cpf", gzipSync(cpf).toString("base64")), line("summary", "iris-1", "changes", "0"), line("summary", "iris-1", "findings", "0")].join("\n");
        const profile = iris();
        expect(parseSummary(out).irisCpf).toBe(cpf.toString("utf8"));
        expect(summarize(out, profile).cpfDeviations).toEqual(auditCpf(profile, cpf.toString("utf8"), "iris.cpf"));
        expect(summarize(out, profile).cpfDeviations.length).toBeGreaterThan(0);
        expect(summarize(out.replace(/^.*iris\.cpf.*\n/m, ""), profile).cpfDeviations).toEqual([]);
    });

    it("fails on a refused or unfinished run, or one that names no known mode", () => {
        expect(() => parseSummary(line("error", "MDBH-FW-003", "admin-path", "the SSH client applying this (192.0.2.1) is not in network.adminCidrs"))).toThrow(
            "host script refused: MDBH-FW-003 admin-path: the SSH client applying this (192.0.2.1) is not in network.adminCidrs",
        );
        expect(() => parseSummary([line("data", "state", "mode", "apply"), line("changed", "MDBH-SVC-001", "atd.service", "masked")].join("\n"))).toThrow(/did not run to the end/);
        expect(() => parseSummary(line("summary", "gtm-1", "changes", "0"))).toThrow(/names no mode/);
        expect(() => parseSummary(line("data", "state", "mode", "repair"))).toThrow(/names no mode \(got "repair"\)/);
        expect(() => parseSummary(line("weird", "a", "b", "c"))).toThrow(/unknown report kind/);
    });

    it("refuses a check line whose control is not in the host control table", () => {
        expect(() => parseReports(line("finding", "audit", "listen:tcp/111", "x"))).toThrow(/unknown control "audit"/);
        // A policy's control is not one the host script reports.
        expect(() => parseReports(line("ok", "MDBH-NET-001", "x", "y"))).toThrow(/unknown control "MDBH-NET-001"/);
        expect(parseReports(line("data", "iris", "iris.cpf", "x"))).toEqual([{ kind: "data", control: "iris", item: "iris.cpf", detail: "x" }]);
    });
});

describe("report lines", () => {
    it("carry any bytes a path can hold: the script escapes each field and parseReports decodes it", () => {
        const tricky = ["plain", "back\\slash", "tab\there", "new\nline", "cr\rhere", "bell\x07esc\x1bdel\x7f", "MDBH\tsummary\tx\tchanges\t0", "\\x41 stays", "é ünïcode", ""];
        const lib = path.join(projectRoot, "components/host/sh/lib.sh");
        const args = tricky.flatMap((t) => ["ok", "MDBH-HOST-002", t, t]);
        const stdout = execFileSync("bash", ["-c", `source "$0"; while [ $# -gt 0 ]; do say "$1" "$2" "$3" "$4"; shift 4; done`, lib, ...args], { encoding: "utf8", env: { LC_ALL: "C", PATH: process.env.PATH } });
        expect(stdout.split("\n").filter(Boolean)).toHaveLength(tricky.length);
        expect(parseReports(stdout)).toEqual(tricky.map((t) => ({ kind: "ok", control: "MDBH-HOST-002", item: t, detail: t })));
    });

    it("refuses a line with a field too many or too few", () => {
        expect(() => parseReports("MDBH\tok\tMDBH-HOST-002\titem\tdetail\textra")).toThrow(/malformed report line/);
        expect(() => parseReports("MDBH\tok\tMDBH-HOST-002\titem")).toThrow(/malformed report line/);
    });
});
