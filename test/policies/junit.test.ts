import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { convert } from "xmlbuilder2";
import { parseEventLog } from "../../policies/eventLog";
import { junitXml } from "../../policies/junit";
import { policies } from "../../policies/list";
import { buildReport } from "../../policies/report";
import { requireTool } from "../helpers/ci";
import { projectRoot } from "../helpers/example";
import { appSg, dbSg, finished, host, mixedRun, ndjson, noise, stackUrn, violation, type Event } from "../helpers/policies/eventLogs";

const xsd = path.join(projectRoot, "test/fixtures/junit/junit-10.xsd");
const ownPolicies = policies.map((p) => p.name);

function junitOf(events: Event[]): string {
    const report = buildReport(parseEventLog(ndjson(events), "events.ndjson"), "events.ndjson", { failOn: "mandatory", ownPack: { name: "mdb-hardening", policies: () => ownPolicies } });
    return junitXml(report);
}

/** xmllint's verdict on `xml` against junit-10.xsd. */
function validate(xml: string) {
    const r = spawnSync("xmllint", ["--noout", "--schema", xsd, "-"], { input: xml, encoding: "utf8" });
    return { code: r.status, stderr: r.stderr };
}

type Element = Record<string, unknown>;
const list = (x: unknown): Element[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]) as Element[];
const parsed = (xml: string) => convert(xml, { format: "object" }) as unknown as { testsuites: Element & { testsuite: unknown } };

const hostile = [
    violation("no-world-ingress-to-database-ports", dbSg, "mandatory", "W.", 'a <tag> & "quotes" ]]> and a bell \u0007 here'),
    violation("legacy-services-closed", appSg, "advisory", "L.", "x", { policyPackName: "other & <pack>", policyPackVersion: "" }),
    finished(undefined, "succeeded"),
];

const runs: [string, Event[]][] = [
    ["violations of several policies, both levels, stack policies", mixedRun],
    ["no violations", [...noise, finished(undefined, "succeeded")]],
    ["markup and control characters in messages and names, a pack without a version", hostile],
];

describe.skipIf(!requireTool("xmllint", "libxml2-utils", "policy-report JUnit schema"))("JUnit XML against the Jenkins xunit plugin's junit-10.xsd", () => {
    it.each(runs)("validates: %s", (_, events) => {
        expect(validate(junitOf(events))).toEqual({ code: 0, stderr: "- validates\n" });
    });

    it("is a schema that refuses what breaks it (a test case without a name)", () => {
        const broken = junitOf(mixedRun).replace('<testcase classname="jdbc-gateway-not-exposed" name="no violations"/>', '<testcase classname="jdbc-gateway-not-exposed"/>');
        expect(validate(broken)).toMatchObject({ code: 3, stderr: expect.stringContaining("The attribute 'name' is required but missing") });
    });
});

describe("junitXml", () => {
    it("has a suite per pack with its counts, a case per violating policy × resource and one per policy without violations", () => {
        const doc = parsed(junitOf(mixedRun)).testsuites;
        expect(doc).toMatchObject({ "@name": "mdb-hardening policy-report", "@tests": "8", "@failures": "3", "@errors": "0" });
        const [suite] = list(doc.testsuite);
        expect(suite).toMatchObject({ "@name": "mdb-hardening", "@version": "0.1.0", "@tests": "8", "@failures": "3", "@errors": "0", "@skipped": "1", properties: { property: { "@name": "policy-list", "@value": "log" } } });
        const cases = list(suite.testcase).map((c) => [c["@classname"], c["@name"], c.failure ? "failure" : c.skipped ? "skipped" : "pass"]);
        expect(cases).toEqual([
            ["database-host-hardened", host, "failure"],
            ["database-host-no-elastic-ip", stackUrn, "failure"],
            ["license-traffic-between-declared-peers", appSg, "skipped"],
            ["no-world-ingress-to-database-ports", dbSg, "failure"],
            ["database-host-imdsv2", "no violations", "pass"],
            ["database-host-private-subnet", "no violations", "pass"],
            ["jdbc-gateway-not-exposed", "no violations", "pass"],
            ["legacy-services-closed", "no violations", "pass"],
        ]);
    });

    it("puts the level in the element's type, the first detail in its message, every violation with its level, severity and log line in its text", () => {
        const [suite] = list(parsed(junitOf(mixedRun)).testsuites.testsuite);
        const world = list(suite.testcase).find((c) => c["@classname"] === "no-world-ingress-to-database-ports")!;
        expect(world.failure).toEqual({
            "@type": "mandatory",
            "@message": "ingress tcp 1972 from 0.0.0.0/0 (superserver)",
            "#": [
                "mandatory (severity critical), log line 5:",
                "Database ports must not be open to the world.",
                "ingress tcp 1972 from 0.0.0.0/0 (superserver)",
                "",
                "mandatory, log line 6:",
                "Database ports must not be open to the world.",
                "ingress tcp 22 from ::/0 (ssh)",
            ].join("\n"),
        });
        expect(list(suite.testcase).find((c) => c["@classname"] === "license-traffic-between-declared-peers")!.skipped).toMatchObject({ "@type": "advisory", "@message": "egress udp 4002 to 0.0.0.0/0" });
    });

    it("escapes markup and replaces characters XML 1.0 cannot carry with U+FFFD", () => {
        const xml = junitOf(hostile);
        expect(xml).not.toContain("\u0007");
        expect(xml).toContain('<failure type="mandatory" message="a &lt;tag&gt; &amp; &quot;quotes&quot; ]]&gt; and a bell \uFFFD here">');
        expect(xml).toContain('\na &lt;tag&gt; &amp; "quotes" ]]&gt; and a bell \uFFFD here</failure>');
        expect(xml).toContain('<testsuite name="other &amp; &lt;pack&gt;" tests="1" failures="0" errors="0" skipped="1">');
    });
});
