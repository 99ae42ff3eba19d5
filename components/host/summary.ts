/** Parses the machine-readable lines the host script prints (`MDBH<TAB>kind<TAB>part<TAB>item<TAB>detail`, each field escaped). */
import { gunzipSync } from "node:zlib";

const reportKinds = ["changed", "would-change", "ok", "absent", "finding", "info", "data", "error", "waived", "summary"] as const;
export type ReportKind = (typeof reportKinds)[number];

export interface HostReport {
    readonly kind: ReportKind;
    readonly part: string;
    readonly item: string;
    readonly detail: string;
}

export interface HostRun {
    readonly profile: string;
    /** Number of changes this run made (0 on a run that found everything in place). */
    readonly changes: number;
    /** Number of changes a check run found an apply would make. */
    readonly wouldChange: number;
    /** The token the last complete `apply TOKEN` recorded on the host (check runs print it). */
    readonly token?: string;
    /** Number of non-compliant things found (reported, not fixed: e.g. a listener not in the profile). */
    readonly findings: number;
    /** The `changed` lines, in run order. */
    readonly changed: readonly HostReport[];
    /** The `finding` lines: what is not as the profile wants and was not changed. */
    readonly problems: readonly HostReport[];
    /** Catalog units and binaries not installed on the host. */
    readonly absent: readonly string[];
    /** Number of checks that found the host already as wanted. */
    readonly verified: number;
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
            const [kind, part, item, detail] = fields.slice(1).map(unescapeField);
            if (!(reportKinds as readonly string[]).includes(kind)) throw new Error(`host script: unknown report kind in ${JSON.stringify(line)}`);
            return { kind: kind as ReportKind, part, item, detail };
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
    if (error) throw new Error(`host script refused: ${error.part} ${error.item}: ${error.detail}`);
    const total = (item: string) => {
        const line = reports.find((r) => r.kind === "summary" && r.item === item);
        if (!line) throw new Error("host script output has no summary: it did not run to the end");
        return { profile: line.part, count: Number(line.detail) };
    };
    const changes = total("changes");
    const wouldChange = reports.find((r) => r.kind === "summary" && r.item === "would-change");
    const token = reports.find((r) => r.kind === "data" && r.part === "state" && r.item === "token");
    const cpf = reports.find((r) => r.kind === "data" && r.part === "iris" && r.item === "iris.cpf");
    return {
        profile: changes.profile,
        changes: changes.count,
        wouldChange: wouldChange ? Number(wouldChange.detail) : 0,
        ...(token ? { token: token.detail } : {}),
        findings: total("findings").count,
        changed: reports.filter((r) => r.kind === "changed"),
        problems: reports.filter((r) => r.kind === "finding"),
        absent: reports.filter((r) => r.kind === "absent").map((r) => r.item),
        verified: reports.filter((r) => r.kind === "ok").length,
        ...(cpf ? { irisCpf: gunzipSync(Buffer.from(cpf.detail, "base64")).toString("utf8") } : {}),
    };
}
