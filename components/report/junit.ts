/**
 * `--format junit`: one testsuite for the audited host, one testcase per control and item
 * (classname: the control id, name: the item). fail and would-change are `<failure>`, waived is
 * `<skipped>` with the waiver's justification, error is `<error>`; the control's title, severity
 * and source are in the text (junit-10.xsd gives test cases no properties).
 */
import { junitDocument, type JunitCase, type JunitOutcome } from "./junitDocument";
import type { AuditReport, Result } from "./results";

const element: Record<Result["status"], JunitOutcome["element"] | undefined> = { pass: undefined, fail: "failure", "would-change": "failure", waived: "skipped", error: "error" };

function testCase(r: Result): JunitCase {
    const outcome = element[r.status];
    const text = `${r.status} (${r.kind}): ${r.detail}\n${r.title} (severity ${r.severity})\nsource: ${r.source}${r.srg ? `\n${r.srg}` : ""}`;
    return { classname: r.id, name: r.item, ...(outcome ? { outcome: { element: outcome, type: r.status, message: r.detail, text } } : {}) };
}

export function auditJunit(report: AuditReport): string {
    const properties: [string, string][] = [
        ["target", report.target],
        ["mode", report.mode],
        ["verdict", report.verdict],
        ...(report.profile !== undefined ? [["profile", report.profile] as [string, string]] : []),
        ...(report.token !== undefined ? [["token", report.token] as [string, string]] : []),
        ...(report.reason !== undefined ? [["reason", report.reason] as [string, string]] : []),
    ];
    return junitDocument("mdb-hardening audit", [{ name: report.target, version: report.tool.version, properties, cases: report.results.map(testCase) }]);
}
