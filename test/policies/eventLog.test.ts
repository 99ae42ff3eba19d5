import { describe, expect, it } from "vitest";
import { EventLogError, parseEventLog } from "../../policies/eventLog";
import { analyzed, dbSg, finished, host, mixedRun, ndjson, noise, stackAnalyzed, stackUrn, violation } from "../helpers/policies/eventLogs";

describe("parseEventLog", () => {
    it("reads violations without the engine's color directives, each with its line, level and severity", () => {
        const log = parseEventLog(ndjson(mixedRun), "events.ndjson");
        expect(log.violations.map((v) => [v.line, v.policy, v.urn, v.level])).toEqual([
            [5, "no-world-ingress-to-database-ports", dbSg, "mandatory"],
            [6, "no-world-ingress-to-database-ports", dbSg, "mandatory"],
            [8, "license-traffic-between-declared-peers", expect.stringContaining("::app-sg"), "advisory"],
            [11, "database-host-hardened", host, "mandatory"],
            [12, "database-host-no-elastic-ip", stackUrn, "mandatory"],
        ]);
        expect(log.violations[0]).toMatchObject({ pack: "mdb-hardening", severity: "critical", message: "Database ports must not be open to the world.\ningress tcp 1972 from 0.0.0.0/0 (superserver)" });
        expect(log.violations[1]).not.toHaveProperty("severity");
        expect(log.summary).toMatchObject({ result: "failed", isPreview: true });
    });

    it("knows each pack that ran from its events and the summary's PolicyPacks (local packs as name|local|path)", () => {
        const log = parseEventLog(ndjson([...mixedRun.slice(0, -1), finished({ "mdb-hardening|local|policies": "v0.1.0", "aws-guard": "v3" })]), "e");
        expect([...log.packs.values()].map((p) => [p.name, p.version, [...p.summarized].sort()])).toEqual([
            ["mdb-hardening", "0.1.0", [
                "database-host-hardened", "database-host-imdsv2", "database-host-no-elastic-ip", "database-host-private-subnet",
                "jdbc-gateway-not-exposed", "legacy-services-closed", "license-traffic-between-declared-peers", "no-world-ingress-to-database-ports",
            ]],
            ["aws-guard", "v3", []],
        ]);
    });

    it("takes advisory as the engine writes it and as the SDK types it, remediate as mandatory, a missing URN as empty", () => {
        const log = parseEventLog(ndjson([
            violation("a", dbSg, "advisory", "A.", "x"),
            violation("b", dbSg, "warning", "B.", "x"),
            violation("c", undefined, "remediate", "C.", "x"),
        ]), "e");
        expect(log.violations.map((v) => [v.policy, v.level, v.urn])).toEqual([["a", "advisory", dbSg], ["b", "advisory", dbSg], ["c", "mandatory", ""]]);
    });

    it("skips blank lines and events it does not use", () => {
        const log = parseEventLog(`\n${ndjson(noise)}\n\n${ndjson([stackAnalyzed(["p"]), analyzed(host, [], ["q"])])}`, "e");
        expect(log.violations).toEqual([]);
        expect([...log.packs.get("mdb-hardening")!.summarized]).toEqual(["p", "q"]);
        expect(log.summary).toBeUndefined();
    });

    const bad = (text: string) => () => parseEventLog(text, "events.ndjson");
    it.each([
        ["a line cut short", `${ndjson(noise.slice(0, 1))}{"sequence":2,"policyEv`, /^events\.ndjson:2: not JSON: .* \(got "\{\\"sequence\\":2,\\"policyEv"\)$/],
        ["a line that is not an object", `${ndjson(noise.slice(0, 1))}[1,2]\n`, 'events.ndjson:2: an engine event must be an object (got [1,2])'],
        ["text", "preview failed\n", /^events\.ndjson:1: not JSON: .*\(got "preview failed"\)$/],
        ["an unknown level", ndjson([violation("a", dbSg, "advisory", "A.", "x", { enforcementLevel: "fatal" as never })]),
            'events.ndjson:1: policyEvent.enforcementLevel must be one of advisory, warning, mandatory, remediate (got "fatal")'],
        ["a violation without its policy", ndjson([violation("a", dbSg, "mandatory", "A.", "x", { policyName: undefined })]), "events.ndjson:1: policyEvent.policyName must be a string (got undefined)"],
        ["a summary with a name that is not a string", ndjson([analyzed(dbSg, [7 as never])]), 'events.ndjson:1: policyAnalyzeSummaryEvent.passed must be a list of policy names (got [7])'],
        ["a pack version that is not a string", ndjson([finished({ p: 1 as never })]), 'events.ndjson:1: summaryEvent.PolicyPacks["p"] must be a string (got 1)'],
    ])("refuses %s, naming the line, the field and the value", (_, text, message) => {
        expect(bad(text)).toThrow(EventLogError);
        expect(bad(text)).toThrow(message);
    });

    it("shortens a long bad line in its message", () => {
        expect(bad(`x${"y".repeat(200)}\n`)).toThrow(/\(got "xy{78}…\)$/);
    });
});
