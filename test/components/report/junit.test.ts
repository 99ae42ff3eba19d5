import { describe, expect, it } from "vitest";
import { convert } from "xmlbuilder2";
import { auditJunit } from "../../../components/report/junit";
import { auditReport } from "../../../components/report/results";
import { requireTool } from "../../helpers/ci";
import { outputs, validateJunit } from "../../helpers/report/audits";

const facts = { target: "admin@db-1.example:2222", mode: "check", version: "0.1.0" } as const;
const hasXmllint = requireTool("xmllint", "libxml2-utils", "audit JUnit schema validation");

type Element = Record<string, unknown>;
const list = (x: unknown): Element[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]) as Element[];

describe("audit --format junit", () => {
    it.skipIf(!hasXmllint).each(["compliant", "nonCompliant", "refused", "unfinished"] as const)("%s: valid against junit-10.xsd", (name) => {
        expect(validateJunit(auditJunit(auditReport(outputs[name], facts)))).toEqual({ code: 0, stderr: "- validates\n" });
    });

    it("one testcase per control and item: failure for fail and would-change, skipped with the justification for waived, error for error", () => {
        const xml = auditJunit(auditReport(outputs.nonCompliant, facts));
        const suites = convert(xml, { format: "object" }) as unknown as { testsuites: Element & { testsuite: Element } };
        expect(suites.testsuites).toMatchObject({ "@tests": "6", "@failures": "3", "@errors": "0" });
        const suite = suites.testsuites.testsuite;
        expect(suite).toMatchObject({ "@name": facts.target, "@tests": "6", "@failures": "3", "@errors": "0", "@skipped": "1", "@version": "0.1.0" });
        expect(list((suite.properties as Element).property).map((p) => [p["@name"], p["@value"]])).toEqual([
            ["target", facts.target], ["mode", "check"], ["verdict", "non-compliant"], ["profile", "gtm-1"], ["token", "release-42"],
        ]);
        const cases = list(suite.testcase).map((c) => [c["@classname"], c["@name"], Object.keys(c).find((k) => !k.startsWith("@")) ?? "pass"]);
        expect(cases).toEqual([
            ["MDBH-FW-003", "sshd", "pass"],
            ["MDBH-SVC-001", "rpcbind.service", "pass"],
            ["MDBH-SVC-001", "cups.service", "skipped"],
            ["MDBH-HOST-003", "atd.service", "failure"],
            ["MDBH-SVC-001", "listen:tcp/111", "failure"],
            ["MDBH-FW-001", "nft:inet mdb_hardening", "failure"],
        ]);
        const waived = list(suite.testcase)[2].skipped as Element;
        expect(waived).toMatchObject({ "@type": "waived", "@message": "printing kept for the lab (until 2027-06-30)" });
        expect(waived["#"]).toContain("source: ");
        // The control byte a hostile host sent is replaced, the markup escaped.
        expect(xml).toContain("a &lt;tag&gt; &amp; \"quotes\" ]]&gt; bell \uFFFD tab");
    });

    it("a refusal is an <error>, and the suite counts it", () => {
        const xml = auditJunit(auditReport(outputs.refused, facts));
        expect(xml).toContain('<testsuite name="admin@db-1.example:2222" tests="1" failures="0" errors="1" skipped="0" version="0.1.0">');
        expect(xml).toContain('<error type="error" message="not controlled by root alone (owner mallory, mode 755); refused">');
        expect(xml).toContain('<property name="reason" value="the host script refused to run (error lines)"/>');
    });
});
