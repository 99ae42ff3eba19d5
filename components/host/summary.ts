/**
 * Parses the machine-readable lines the host script prints, each field escaped:
 * `MDBH<TAB>kind<TAB>control<TAB>item<TAB>detail` for the kinds of a check, whose control is an id
 * of the host control table; `MDBH<TAB>data<TAB>part<TAB>item<TAB>detail` and
 * `MDBH<TAB>summary<TAB>profile<TAB>name<TAB>count`.
 */
import { gunzipSync } from "node:zlib";
import { hostControls } from "../controls";

const controlKinds = ["changed", "would-change", "ok", "absent", "finding", "info", "waived", "error"] as const;
const reportKinds = [...controlKinds, "data", "summary"] as const;
export type ReportKind = (typeof reportKinds)[number];
const modes = ["apply", "check", "drift"] as const;
export type HostMode = (typeof modes)[number];

export interface HostReport {
    readonly kind: ReportKind;
    /** The control id (components/controls.ts); on data lines the part, on summary lines the profile. */
    readonly control: string;
    readonly item: string;
    readonly detail: string;
}

export interface HostRun {
    readonly profile: string;
    /** apply changes the host; check and drift (check without the deep checks) change nothing. */
    readonly mode: HostMode;
    /** Number of changes this run made (0 on a run that found everything in place, and in check and drift). */
    readonly changes: number;
    /** Number of changes an apply would make (check and drift; 0 for an apply). */
    readonly wouldChange: number;
    /** Number of unwaived non-compliant things found (reported, not fixed: e.g. a listener not in the profile). */
    readonly findings: number;
    /** The `changed` lines, in run order. */
    readonly changed: readonly HostReport[];
    /** The `would-change` lines: what an apply would change (check and drift). */
    readonly pending: readonly HostReport[];
    /** The unwaived `finding` lines: what is not as the profile wants and was not changed. */
    readonly problems: readonly HostReport[];
    /** The `waived` lines: findings or changes a profile waiver covers, with its justification. */
    readonly waived: readonly HostReport[];
    /** Catalog units and binaries not installed on the host. */
    readonly absent: readonly string[];
    /** Number of checks that found the host already as wanted. */
    readonly verified: number;
    /** check and drift: the token the last `apply TOKEN` recorded (absent when none was). */
    readonly token?: string;
    /** IRIS hosts: the instance's iris.cpf as the run found it (the component audits it against the profile). */
    readonly irisCpf?: string;
}

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

export function parseReports(stdout: string): HostReport[] {
    return stdout
        .split("\n")
        .filter((line) => line.startsWith("MDBH\t"))
        .map((line) => {
            const fields = line.split("\t");
            if (fields.length !== 5) throw new Error(`host script: malformed report line ${JSON.stringify(line)}`);
            const [kind, control, item, detail] = fields.slice(1).map(unescapeField);
            if (!isOneOf(reportKinds, kind)) throw new Error(`host script: unknown report kind in ${JSON.stringify(line)}`);
            if (isOneOf(controlKinds, kind) && !(control in hostControls)) throw new Error(`host script: unknown control ${JSON.stringify(control)} in ${JSON.stringify(line)}`);
            return { kind, control, item, detail };
        });
}

/** Undoes the script's escape_field: `\\ \t \n \r` and `\xHH`. */
function unescapeField(field: string): string {
    return field.replace(/\\(x[0-9a-f]{2}|[\\tnr])/g, (_, code: string) =>
        code.startsWith("x") ? String.fromCharCode(parseInt(code.slice(1), 16)) : ({ "\\": "\\", t: "\t", n: "\n", r: "\r" } as Record<string, string>)[code]);
}

/** The run's summary; throws if the script stopped before printing it (it then printed an error line). */
export function parseSummary(stdout: string): HostRun {
    const reports = parseReports(stdout);
    const error = reports.find((r) => r.kind === "error");
    if (error) throw new Error(`host script refused: ${error.control} ${error.item}: ${error.detail}`);
    const data = (part: string, item: string) => reports.find((r) => r.kind === "data" && r.control === part && r.item === item);
    const mode = data("state", "mode")?.detail ?? "";
    if (!isOneOf(modes, mode)) throw new Error(`host script output names no mode (got ${JSON.stringify(mode)})`);
    const total = (name: string) => {
        const line = reports.find((r) => r.kind === "summary" && r.item === name);
        if (!line) throw new Error("host script output has no summary: it did not run to the end");
        return { profile: line.control, count: Number(line.detail) };
    };
    const counted = total(mode === "apply" ? "changes" : "would-change");
    const token = data("state", "token")?.detail;
    const cpf = data("iris", "iris.cpf");
    const lines = (kind: ReportKind) => reports.filter((r) => r.kind === kind);
    return {
        profile: counted.profile,
        mode,
        changes: mode === "apply" ? counted.count : 0,
        wouldChange: mode === "apply" ? 0 : counted.count,
        findings: total("findings").count,
        changed: lines("changed"),
        pending: lines("would-change"),
        problems: lines("finding"),
        waived: lines("waived"),
        absent: lines("absent").map((r) => r.item),
        verified: lines("ok").length,
        ...(token ? { token } : {}),
        ...(cpf ? { irisCpf: gunzipSync(Buffer.from(cpf.detail, "base64")).toString("utf8") } : {}),
    };
}
