import { describe, expect, it } from "vitest";
import { EventLogError, parseEventLog } from "../../policies/eventLog";
import { policies } from "../../policies/list";
import { buildReport, gateExitCode, summaryText, type ReportOptions } from "../../policies/report";
import { appSg, dbSg, finished, host, mixedRun, ndjson, noise, stackUrn, violation, type Event } from "../helpers/policies/eventLogs";

const ownPolicies = policies.map((p) => p.name);
const options: ReportOptions = { failOn: "mandatory", ownPack: { name: "mdb-hardening", policies: () => ownPolicies } };
const reportOf = (events: Event[], over: Partial<ReportOptions> = {}) => buildReport(parseEventLog(ndjson(events), "events.ndjson"), "events.ndjson", { ...options, ...over });

describe("buildReport", () => {
    it("makes one case per violating policy × resource, and lists the policies the summary events name without violations", () => {
        const report = reportOf(mixedRun);
        expect(report.suites).toHaveLength(1);
        const [suite] = report.suites;
        expect(suite).toMatchObject({ pack: "mdb-hardening", version: "0.1.0", policyList: "log" });
        expect(suite.cases.map((c) => [c.policy, c.urn, c.violations.length, c.failed])).toEqual([
            ["database-host-hardened", host, 1, true],
            ["database-host-no-elastic-ip", stackUrn, 1, true],
            ["license-traffic-between-declared-peers", appSg, 1, false],
            ["no-world-ingress-to-database-ports", dbSg, 2, true],
        ]);
        expect(suite.passing).toEqual(["database-host-imdsv2", "database-host-private-subnet", "jdbc-gateway-not-exposed", "legacy-services-closed"]);
        expect(gateExitCode(report)).toBe(1);
    });

    it("fails advisory cases too with failOn advisory", () => {
        const advisoryOnly = [violation("license-traffic-between-declared-peers", appSg, "advisory", "L.", "x"), finished(undefined, "succeeded")];
        expect(gateExitCode(reportOf(advisoryOnly))).toBe(0);
        const strict = reportOf(advisoryOnly, { failOn: "advisory" });
        expect(strict.suites[0].cases[0].failed).toBe(true);
        expect(gateExitCode(strict)).toBe(1);
    });

    it("without summary events, takes our pack's policies from the module's list and names only the violations of other packs", () => {
        const report = reportOf([
            violation("no-world-ingress-to-database-ports", dbSg, "mandatory", "W.", "x"),
            violation("s3-no-public-read", dbSg, "advisory", "S.", "y", { policyPackName: "aws-guard", policyPackVersion: "3" }),
            finished({ "mdb-hardening|local|policies": "0.1.0", "aws-guard": "v3" }),
        ]);
        expect(report.suites.map((s) => [s.pack, s.version, s.policyList, s.cases.length, s.passing.length])).toEqual([
            ["aws-guard", "3", "violations only", 1, 0],
            ["mdb-hardening", "0.1.0", "module", 1, ownPolicies.length - 1],
        ]);
        expect(report.suites[1].passing).not.toContain("no-world-ingress-to-database-ports");
    });

    it("reads a pack with no violations at all from the summary event alone", () => {
        const report = reportOf([...noise, finished(undefined, "succeeded")]);
        expect(report.suites[0]).toMatchObject({ policyList: "module", cases: [], passing: [...ownPolicies].sort() });
        expect(gateExitCode(report)).toBe(0);
    });

    it("refuses a log that shows no finished run, or no pack", () => {
        const refuse = (events: Event[]) => () => reportOf(events);
        expect(refuse(mixedRun.slice(0, -1))).toThrow(new EventLogError("events.ndjson: no summaryEvent: the run did not finish or the log is cut short, so it cannot show that no policy failed"));
        expect(refuse([...noise, finished({})])).toThrow(new EventLogError("events.ndjson: no policy pack ran (no policy events, none in summaryEvent.PolicyPacks): pass --policy-pack to pulumi preview"));
    });

    it("marks a run that failed without a mandatory violation, or was canceled, as incomplete (exit 3 unless a case fails)", () => {
        expect(reportOf([finished(undefined, "failed")])).toMatchObject({ incomplete: true, result: "failed" });
        expect(gateExitCode(reportOf([finished(undefined, "failed")]))).toBe(3);
        expect(gateExitCode(reportOf([violation("a", dbSg, "advisory", "A.", "x"), finished(undefined, "canceled")]))).toBe(3);
        expect(reportOf(mixedRun).incomplete).toBe(false);
    });
});

describe("summaryText", () => {
    it("gives the totals, then a line per case with what the violation says beyond its policy's description", () => {
        expect(summaryText(reportOf(mixedRun))).toBe([
            "events.ndjson: mdb-hardening 0.1.0: 4 mandatory and 1 advisory violations in 4 policy × resource cases (3 failing the gate at mandatory); 4 policies without violations",
            `  FAIL mandatory database-host-hardened ${host}: db-1 is not inside a hardening component`,
            `  FAIL mandatory database-host-no-elastic-ip ${stackUrn}: eip-1 takes its instance from db-1`,
            `  warn advisory license-traffic-between-declared-peers ${appSg}: egress udp 4002 to 0.0.0.0/0`,
            `  FAIL mandatory no-world-ingress-to-database-ports ${dbSg}: ingress tcp 1972 from 0.0.0.0/0 (superserver) (+1 more)`,
            "",
        ].join("\n"));
    });

    it("names a stack violation without a URN as (stack), says where the policy list came from, and flags an incomplete run", () => {
        const text = summaryText(reportOf([violation("database-host-hardened", undefined, "advisory", "H.", "db-1 is not hardened"), finished(undefined, "failed")]));
        expect(text).toContain("(policies without violations from this module's list: the log has no policy summary events)");
        expect(text).toContain("  warn advisory database-host-hardened (stack): db-1 is not hardened\n");
        expect(text).toContain("events.ndjson: the run failed for a reason other than a policy: resources it did not reach were not checked\n");
    });
});
