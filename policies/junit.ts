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
import { create } from "xmlbuilder2";
import { detail, type Report, type Suite, type TestCase } from "./report";

type XMLBuilder = ReturnType<typeof create>;

function caseText(c: TestCase): string {
    return c.violations.map((v) => `${v.level}${v.severity ? ` (severity ${v.severity})` : ""}, log line ${v.line}:\n${v.message}`).join("\n\n");
}

function addCase(suite: XMLBuilder, c: TestCase): void {
    const element = suite.ele("testcase", { classname: c.policy, name: c.urn || "(stack)" });
    const level = c.violations.some((v) => v.level === "mandatory") ? "mandatory" : "advisory";
    element.ele(c.failed ? "failure" : "skipped", { type: level, message: detail(c.violations[0]) }).txt(caseText(c));
}

function addSuite(root: XMLBuilder, s: Suite): void {
    const failures = s.cases.filter((c) => c.failed).length;
    const suite = root.ele("testsuite", {
        name: s.pack,
        tests: String(s.cases.length + s.passing.length),
        failures: String(failures),
        errors: "0",
        skipped: String(s.cases.length - failures),
        ...(s.version ? { version: s.version } : {}),
    });
    suite.ele("properties").ele("property", { name: "policy-list", value: s.policyList });
    for (const c of s.cases) addCase(suite, c);
    for (const policy of s.passing) suite.ele("testcase", { classname: policy, name: "no violations" });
}

export function junitXml(report: Report): string {
    const cases = report.suites.flatMap((s) => s.cases);
    // Messages may hold characters XML 1.0 cannot carry (control bytes); U+FFFD shows where one was.
    const root = create({ version: "1.0", encoding: "UTF-8", invalidCharReplacement: "\uFFFD" }).ele("testsuites", {
        name: "mdb-hardening policy-report",
        tests: String(cases.length + report.suites.reduce((n, s) => n + s.passing.length, 0)),
        failures: String(cases.filter((c) => c.failed).length),
        errors: "0",
    });
    for (const s of report.suites) addSuite(root, s);
    return `${root.end({ prettyPrint: true })}\n`;
}
