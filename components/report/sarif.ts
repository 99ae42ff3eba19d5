/**
 * `--format sarif`: a SARIF 2.1.0 log with one run. Its rules are the controls the audit checked
 * (from the control table: title, source in the help text and properties, the SRG id where there is
 * one); its results are the failing ones (fail and would-change), one per control and item, at the
 * level the control's severity maps to. Waived results are not failures and are left out (the
 * json and junit formats list them); error lines make the invocation unsuccessful and are its
 * notifications.
 */
import type { Severity } from "../controls";
import type { AuditReport, Result } from "./results";

export const sarifSchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const level: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
/** GitHub code scanning reads `security-severity` (a CVSS-like score) to rank security results. */
const securitySeverity: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

function rule(r: Result) {
    return {
        id: r.id,
        shortDescription: { text: r.title },
        help: { text: `Source: ${r.source}.${r.srg ? ` DISA Database SRG: ${r.srg}.` : ""}` },
        ...(r.url ? { helpUri: r.url } : {}),
        defaultConfiguration: { level: level[r.severity] },
        properties: { severity: r.severity, source: r.source, "security-severity": securitySeverity[r.severity], tags: ["security"], ...(r.srg ? { srg: r.srg } : {}) },
    };
}

export function auditSarif(report: AuditReport): string {
    const ruleIds = [...new Set(report.results.map((r) => r.id))];
    const rules = ruleIds.map((id) => rule(report.results.find((r) => r.id === id)!));
    const failing = report.results.filter((r) => r.status === "fail" || r.status === "would-change");
    const log = {
        $schema: sarifSchemaUri,
        version: "2.1.0",
        runs: [{
            tool: { driver: { name: report.tool.name, version: report.tool.version, rules } },
            invocations: [{
                executionSuccessful: report.verdict !== "could-not-check",
                toolExecutionNotifications: [
                    ...report.results.filter((r) => r.status === "error").map((r) => ({ level: "error", message: { text: `${r.id} ${r.item}: ${r.detail}` } })),
                    ...(report.reason ? [{ level: "error", message: { text: report.reason } }] : []),
                ],
            }],
            results: failing.map((r) => ({
                ruleId: r.id,
                ruleIndex: ruleIds.indexOf(r.id),
                kind: "fail",
                level: level[r.severity],
                message: { text: `${r.status === "would-change" ? "would change" : "finding"}: ${r.item}: ${r.detail}` },
                locations: [{ logicalLocations: [{ name: r.item, fullyQualifiedName: `${report.target}/${r.item}`, kind: "resource" }] }],
                properties: { status: r.status, item: r.item, target: report.target },
            })),
            properties: { target: report.target, mode: report.mode, verdict: report.verdict, ...(report.profile !== undefined ? { profile: report.profile } : {}), ...(report.token !== undefined ? { token: report.token } : {}) },
        }],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
}
