/**
 * `--format json`: the audit report as it is, one result per control and item. Its JSON Schema
 * ships in the package (schemas/audit-report.schema.json); `formatVersion` changes with it.
 */
import type { AuditReport } from "./results";

export const jsonFormatVersion = 1;

export function auditJson(report: AuditReport): string {
    return `${JSON.stringify({ formatVersion: jsonFormatVersion, ...report }, null, 2)}\n`;
}
