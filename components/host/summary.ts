/**
 * Parses the machine-readable lines the host script prints (`MDBH<TAB>kind<TAB>control<TAB>item<TAB>detail`,
 * each field escaped; `data` and `summary` lines carry the part or the profile where the others carry
 * the control id).
 */
import { gunzipSync } from "node:zlib";

const reportKinds = ["changed", "would-change", "ok", "absent", "finding", "info", "waived", "data", "error", "summary"] as const;
export type ReportKind = (typeof reportKinds)[number];

/** How the script was run: `apply` changes the host, `check` only says what an apply would change, `drift` is `check` without the deep checks. */
export const hostModes = ["apply", "check", "drift"] as const;
export type HostMode = (typeof hostModes)[number];

export interface HostReport {
    readonly kind: ReportKind;
    /** The control id (components/controls.ts); the part on a `data` line, the profile on a `summary` line. */
    readonly control: string;
    readonly item: string;
    readonly detail: string;
}

export interface HostRun {
    readonly mode: HostMode;
    readonly profile: string;
    /** Number of changes this run made (0 on a run that found everything in place). */
    readonly changes: number;
    /** Number of changes an apply would make (check and drift runs; 0 after an apply). */
    readonly wouldChange: number;
    /** Number of non-compliant things found (reported, not fixed: e.g. a listener not in the profile). */
    readonly findings: number;
    /** The `changed` lines, in run order. */
    readonly changed: readonly HostReport[];
    /** The `would-change` lines, in run order. */
    readonly pending: readonly HostReport[];
    /** The unwaived `finding` lines: what is not as the profile wants and was not changed. */
    readonly problems: readonly HostReport[];
    /** The `waived` lines: findings a profile waiver covers, with its justification. */
    readonly waived: readonly HostReport[];
    /** Catalog units and binaries not installed on the host. */
    readonly absent: readonly string[];
    /** Number of checks that found the host already as wanted. */
    readonly verified: number;
    /** The token the last successful `apply TOKEN` recorded (check and drift runs print it). */
    readonly token?: string;
    /** IRIS hosts: the instance's iris.cpf as the run found it (the component audits it against the profile). */
    readonly irisCpf?: string;
}

export function parseReports(stdout: string): HostReport[] {
    return stdout
        .split("\n")
        .filter((line) => line.startsWith("MDBH\t"))
        .map((line) => {
            const fields = line.split("\t");
            if (fields.length !== 5) throw new Error(`host script: malformed report line ${JSON.stringify(line)}`);
            const [kind, control, item, detail] = fields.slice(1).map(unescapeField);
            if (!(reportKinds as readonly string[]).includes(kind)) throw new Error(`host script: unknown report kind in ${JSON.stringify(line)}`);
            return { kind: kind as ReportKind, control, item, detail };
        });
}

/** Undoes the script's escape_field: `\\ \t \n \r` and `\xHH`. */
function unescapeField(field: string): string {
    return field.replace(/\\(x[0-9a-f]{2}|[\\tnr])/g, (_, code: string) =>
        code.startsWith("x") ? String.fromCharCode(parseInt(code.slice(1), 16)) : ({ "\\": "\\", t: "\t", n: "\n", r: "\r" } as Record<string, string>)[code]);
}

/**
 * The run's summary; throws if the script stopped before printing it (it then printed an error line).
 * `findings` and the mode's own count (`changes` for apply, `would-change` for check and drift) must be
 * there; the other counts are 0 when the script does not print them.
 */
export function parseSummary(stdout: string, mode: HostMode = "apply"): HostRun {
    const reports = parseReports(stdout);
    const error = reports.find((r) => r.kind === "error");
    if (error) throw new Error(`host script refused: ${error.control} ${error.item}: ${error.detail}`);
    const summary = (name: string) => reports.find((r) => r.kind === "summary" && r.item === name);
    const own = summary(mode === "apply" ? "changes" : "would-change");
    const findings = summary("findings");
    if (!own || !findings) throw new Error("host script output has no summary: it did not run to the end");
    const count = (name: string) => Number(summary(name)?.detail ?? 0);
    const token = reports.find((r) => r.kind === "data" && r.control === "state" && r.item === "token");
    const cpf = reports.find((r) => r.kind === "data" && r.control === "iris" && r.item === "iris.cpf");
    const lines = (kind: ReportKind) => reports.filter((r) => r.kind === kind);
    return {
        mode,
        profile: own.control,
        changes: count("changes"),
        wouldChange: count("would-change"),
        findings: count("findings"),
        changed: lines("changed"),
        pending: lines("would-change"),
        problems: lines("finding"),
        waived: lines("waived"),
        absent: lines("absent").map((r) => r.item),
        verified: lines("ok").length,
        ...(token ? { token: token.detail } : {}),
        ...(cpf ? { irisCpf: gunzipSync(Buffer.from(cpf.detail, "base64")).toString("utf8") } : {}),
    };
}
