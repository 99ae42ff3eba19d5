/** `--format text`: the verdict, the counts, then every result that is not a pass, and the notes. */
import { statuses, type AuditReport } from "./results";

/** Items and details come from the host: control characters are shown escaped, never sent to a terminal. */
export const printable = (s: string) => s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);

export function auditText(report: AuditReport): string {
    const profile = report.profile !== undefined ? `profile ${report.profile}, ` : "";
    const lines = [
        `mdb-hardening audit of ${report.target} (${printable(profile)}${report.mode} mode): ${report.verdict}${report.reason ? `: ${report.reason}` : ""}`,
        `  ${statuses.map((s) => `${report.counts[s]} ${s}`).join(", ")}`,
        ...report.results.filter((r) => r.status !== "pass").map((r) => `${r.status} ${r.id} ${printable(r.item)}: ${printable(r.detail)} (${r.severity}: ${r.title})`),
        ...report.notes.map((n) => `note ${n.id} ${printable(n.item)}: ${printable(n.detail)}`),
    ];
    return `${lines.join("\n")}\n`;
}
