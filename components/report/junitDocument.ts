/**
 * The JUnit XML shape both reports write (`mdb-hardening audit --format junit` and
 * `policy-report`), valid against the Jenkins xunit plugin's junit-10.xsd: testsuites, one
 * testsuite each with its properties, test cases with at most one outcome element. The counts
 * are computed here from the cases, so they always agree with them.
 */
import { create } from "xmlbuilder2";

export interface JunitOutcome {
    readonly element: "failure" | "skipped" | "error";
    readonly type: string;
    readonly message: string;
    readonly text: string;
}

export interface JunitCase {
    readonly classname: string;
    readonly name: string;
    /** None: the case passed. */
    readonly outcome?: JunitOutcome;
}

export interface JunitSuite {
    readonly name: string;
    readonly version?: string;
    readonly properties: readonly (readonly [string, string])[];
    readonly cases: readonly JunitCase[];
}

const count = (cases: readonly JunitCase[], element: JunitOutcome["element"]) => String(cases.filter((c) => c.outcome?.element === element).length);

export function junitDocument(name: string, suites: readonly JunitSuite[]): string {
    const all = suites.flatMap((s) => s.cases);
    // Messages may hold characters XML 1.0 cannot carry (control bytes); U+FFFD shows where one was.
    const root = create({ version: "1.0", encoding: "UTF-8", invalidCharReplacement: "\uFFFD" }).ele("testsuites", {
        name,
        tests: String(all.length),
        failures: count(all, "failure"),
        errors: count(all, "error"),
    });
    for (const s of suites) {
        const suite = root.ele("testsuite", {
            name: s.name,
            tests: String(s.cases.length),
            failures: count(s.cases, "failure"),
            errors: count(s.cases, "error"),
            skipped: count(s.cases, "skipped"),
            ...(s.version ? { version: s.version } : {}),
        });
        const properties = suite.ele("properties");
        for (const [key, value] of s.properties) properties.ele("property", { name: key, value });
        for (const c of s.cases) {
            const element = suite.ele("testcase", { classname: c.classname, name: c.name });
            if (c.outcome) element.ele(c.outcome.element, { type: c.outcome.type, message: c.outcome.message }).txt(c.outcome.text);
        }
    }
    return `${root.end({ prettyPrint: true })}\n`;
}
