/**
 * The host script's report lines as audit results: one per control and item, with the control's
 * title, severity and source from the control table. Every report format is rendered from this.
 *
 * Line kinds → status: ok and absent (the unit or binary a control wants gone is not installed) →
 * pass; changed → pass (the control holds after the run; `kind` keeps that it was repaired);
 * finding → fail; would-change, waived and error as they are. `info` lines are no verdict: they are
 * kept as notes. Several lines of one control and item make one result with the worst status.
 */
import { hostControls, type Control, type HostControlId, type Severity } from "../controls";
import { parseReports, type HostMode, type HostReport, type ReportKind } from "../host/summary";

export const statuses = ["pass", "fail", "would-change", "waived", "error"] as const;
export type Status = (typeof statuses)[number];

const statusOf: Partial<Record<ReportKind, Status>> = { ok: "pass", absent: "pass", changed: "pass", finding: "fail", "would-change": "would-change", waived: "waived", error: "error" };
/** Which status wins when lines of one control and item disagree. */
const rank: Record<Status, number> = { pass: 0, waived: 1, "would-change": 2, fail: 3, error: 4 };

export interface Result {
    readonly id: string;
    readonly item: string;
    readonly status: Status;
    readonly detail: string;
    /** The line kind behind the status (several lines: the worst one's). */
    readonly kind: ReportKind;
    readonly title: string;
    readonly severity: Severity;
    readonly source: string;
    readonly srg?: string;
    readonly url?: string;
}

export interface Note {
    readonly id: string;
    readonly item: string;
    readonly detail: string;
}

export type Verdict = "compliant" | "non-compliant" | "could-not-check";

export interface AuditReport {
    readonly tool: { readonly name: "mdb-hardening"; readonly version: string };
    /** What was checked: `user@host:port` or `local`. */
    readonly target: string;
    readonly mode: HostMode;
    /** The profile the summary names; undefined when the run did not get that far. */
    readonly profile?: string;
    /** The token of the last `apply TOKEN` on the host, when it printed one. */
    readonly token?: string;
    readonly verdict: Verdict;
    /** Why the run could not check the host (could-not-check only). */
    readonly reason?: string;
    readonly counts: Readonly<Record<Status, number>>;
    readonly results: readonly Result[];
    readonly notes: readonly Note[];
}

export interface RunFacts {
    readonly target: string;
    readonly mode: HostMode;
    readonly version: string;
}

/** parseReports has refused a line whose control is not a host control. */
function control(line: HostReport): Control {
    return hostControls[line.control as HostControlId];
}

function merge(results: Map<string, Result>, line: HostReport, status: Status): void {
    const key = `${line.control}\t${line.item}`;
    const before = results.get(key);
    if (before === undefined) {
        const c = control(line);
        results.set(key, { id: line.control, item: line.item, status, detail: line.detail, kind: line.kind, title: c.title, severity: c.severity, source: c.source, ...(c.srg ? { srg: c.srg.id } : {}), ...(c.url ? { url: c.url } : {}) });
        return;
    }
    const worse = rank[status] > rank[before.status];
    results.set(key, { ...before, detail: `${before.detail}; ${line.detail}`, ...(worse ? { status, kind: line.kind } : {}) });
}

/** The report of one run's output; throws on a malformed line or a control not in the table. */
export function auditReport(stdout: string, facts: RunFacts): AuditReport {
    const lines = parseReports(stdout);
    const results = new Map<string, Result>();
    const notes: Note[] = [];
    for (const line of lines) {
        const status = statusOf[line.kind];
        if (status !== undefined) merge(results, line, status);
        else if (line.kind === "info") {
            control(line);
            notes.push({ id: line.control, item: line.item, detail: line.detail });
        }
    }
    const list = [...results.values()];
    const counts = Object.fromEntries(statuses.map((s) => [s, list.filter((r) => r.status === s).length])) as Record<Status, number>;
    const summary = lines.find((l) => l.kind === "summary" && l.item === "findings");
    const token = lines.find((l) => l.kind === "data" && l.control === "state" && l.item === "token");
    const reason = counts.error > 0 ? "the host script refused to run (error lines)" : summary === undefined ? "the host script's output has no summary: it did not run to the end" : undefined;
    const verdict: Verdict = reason !== undefined ? "could-not-check" : counts.fail + counts["would-change"] > 0 ? "non-compliant" : "compliant";
    return {
        tool: { name: "mdb-hardening", version: facts.version },
        target: facts.target,
        mode: facts.mode,
        ...(summary ? { profile: summary.control } : {}),
        ...(token ? { token: token.detail } : {}),
        verdict,
        ...(reason ? { reason } : {}),
        counts,
        results: list,
        notes,
    };
}

/** The audit's exit code: 0 compliant, 1 would-change or unwaived findings, 3 could not check. */
export function verdictExitCode(report: AuditReport): 0 | 1 | 3 {
    return report.verdict === "compliant" ? 0 : report.verdict === "non-compliant" ? 1 : 3;
}
