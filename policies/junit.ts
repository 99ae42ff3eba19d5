/**
 * JUnit XML of a policy report, valid against the Jenkins xunit plugin's junit-10.xsd (the schema
 * the tests validate it with): a testsuite per pack, a testcase per violating policy × resource
 * (classname: the policy, name: the URN) and one per policy without violations (name
 * "no violations").
 *
 * A case that fails the gate has a `<failure>`; an advisory case below the gate has a
 * `<skipped>`, so CI tools show it without failing the build. junit-10.xsd gives test cases no
 * properties, so the level and severity travel in the element's `type` and text.
 */
import { junitDocument, type JunitCase, type JunitSuite } from "../components/report/junitDocument";
import { detail, type Report, type Suite, type TestCase } from "./report";

function caseText(c: TestCase): string {
    return c.violations.map((v) => `${v.level}${v.severity ? ` (severity ${v.severity})` : ""}, log line ${v.line}:\n${v.message}`).join("\n\n");
}

function violationCase(c: TestCase): JunitCase {
    const level = c.violations.some((v) => v.level === "mandatory") ? "mandatory" : "advisory";
    return { classname: c.policy, name: c.urn || "(stack)", outcome: { element: c.failed ? "failure" : "skipped", type: level, message: detail(c.violations[0]), text: caseText(c) } };
}

function suite(s: Suite): JunitSuite {
    return {
        name: s.pack,
        version: s.version,
        properties: [["policy-list", s.policyList]],
        cases: [...s.cases.map(violationCase), ...s.passing.map((policy) => ({ classname: policy, name: "no violations" }))],
    };
}

export function junitXml(report: Report): string {
    return junitDocument("mdb-hardening policy-report", report.suites.map(suite));
}
