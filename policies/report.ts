/**
 * The CI report of a policy run: per pack, one test case per violating policy × resource and one
 * passing test case per policy without violations, from the engine's event log (eventLog.ts).
 *
 * Which policies ran comes from the log's policy summary events. A log without them (an engine
 * that does not emit them) names only the policies that failed; for our own pack the rest are then
 * taken from this module's policy list, which may include policies the stack's config disabled.
 */
import { EventLogError, type Level, type PolicyLog, type Violation } from "./eventLog";

export interface TestCase {
    readonly policy: string;
    /** The violating resource's URN, "" for a stack policy's violation without one. */
    readonly urn: string;
    readonly violations: readonly Violation[];
    /** Whether it fails the gate (any of its violations at or above `failOn`). */
    readonly failed: boolean;
}

export interface Suite {
    readonly pack: string;
    readonly version: string;
    /** Where the passing policies come from. */
    readonly policyList: "log" | "module" | "violations only";
    readonly cases: readonly TestCase[];
    readonly passing: readonly string[];
}

export interface Report {
    readonly file: string;
    readonly failOn: Level;
    readonly suites: readonly Suite[];
    /** The run's result from its summary event ("succeeded", "failed", "canceled"). */
    readonly result?: string;
    /** Whether an error or a cancel, not a policy, ended the run: resources it did not reach were not checked. */
    readonly incomplete: boolean;
}

export interface ReportOptions {
    /** The lowest level that fails the gate. */
    readonly failOn: Level;
    /** Our pack's name in the log and its policy names, for logs without summary events. */
    readonly ownPack: { readonly name: string; readonly policies: () => readonly string[] };
}

function casesOf(violations: readonly Violation[], failOn: Level): TestCase[] {
    const byCase = new Map<string, Violation[]>();
    for (const v of violations) {
        const key = JSON.stringify([v.policy, v.urn]);
        byCase.set(key, [...(byCase.get(key) ?? []), v]);
    }
    return [...byCase.values()]
        .map((vs) => ({ policy: vs[0].policy, urn: vs[0].urn, violations: vs, failed: vs.some((v) => failOn === "advisory" || v.level === "mandatory") }))
        .sort((a, b) => a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn));
}

/** The report of `log` (read from `file`); throws EventLogError when the log shows no finished policy run. */
export function buildReport(log: PolicyLog, file: string, options: ReportOptions): Report {
    if (log.summary === undefined) throw new EventLogError(`${file}: no summaryEvent: the run did not finish or the log is cut short, so it cannot show that no policy failed`);
    if (log.packs.size === 0) throw new EventLogError(`${file}: no policy pack ran (no policy events, none in summaryEvent.PolicyPacks): pass --policy-pack to pulumi preview`);
    const suites = [...log.packs.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((run): Suite => {
            const cases = casesOf(log.violations.filter((v) => v.pack === run.name), options.failOn);
            const violating = new Set(cases.map((c) => c.policy));
            const policyList = run.summarized.size > 0 ? "log" : run.name === options.ownPack.name ? "module" : "violations only";
            const known = policyList === "log" ? run.summarized : policyList === "module" ? options.ownPack.policies() : [];
            const passing = [...new Set(known)].filter((p) => !violating.has(p)).sort();
            return { pack: run.name, version: run.version, policyList, cases, passing };
        });
    // Mandatory violations fail a run by themselves; a failure without them, or a cancel, means something else ended it.
    const result = log.summary.result;
    const incomplete = result === "canceled" || (result === "failed" && !log.violations.some((v) => v.level === "mandatory"));
    return { file, failOn: options.failOn, suites, incomplete, ...(result === undefined ? {} : { result }) };
}

/**
 * What a violation says beyond its policy's description: @pulumi/policy logs a string violation as
 * "description\nmessage", so the first line is the same for every violation of a policy.
 */
export function detail(v: Violation): string {
    const lines = v.message.split("\n");
    return (lines.length > 1 ? lines.slice(1) : lines).join(" ").trim();
}

/** The CLI's exit code: 1 when any test case fails the gate, else 3 when the run is incomplete, else 0. */
export function gateExitCode(report: Report): 0 | 1 | 3 {
    if (report.suites.some((s) => s.cases.some((c) => c.failed))) return 1;
    return report.incomplete ? 3 : 0;
}

const policyListNote: Readonly<Record<Suite["policyList"], string>> = {
    log: "",
    module: " (policies without violations from this module's list: the log has no policy summary events)",
    "violations only": " (the log has no policy summary events: policies without violations are unknown)",
};

/** A few lines for the CI log: totals per pack, then one line per violating policy × resource. */
export function summaryText(report: Report): string {
    const lines: string[] = [];
    for (const s of report.suites) {
        const count = (level: Level) => s.cases.flatMap((c) => c.violations).filter((v) => v.level === level).length;
        const failing = s.cases.filter((c) => c.failed).length;
        lines.push(`${report.file}: ${s.pack}${s.version ? ` ${s.version}` : ""}: ${count("mandatory")} mandatory and ${count("advisory")} advisory violations`
            + ` in ${s.cases.length} policy × resource cases (${failing} failing the gate at ${report.failOn}); ${s.passing.length} policies without violations${policyListNote[s.policyList]}`);
        for (const c of s.cases) {
            const level = c.violations.some((v) => v.level === "mandatory") ? "mandatory" : "advisory";
            lines.push(`  ${c.failed ? "FAIL" : "warn"} ${level} ${c.policy} ${c.urn || "(stack)"}: ${detail(c.violations[0])}${c.violations.length > 1 ? ` (+${c.violations.length - 1} more)` : ""}`);
        }
    }
    if (report.incomplete) lines.push(`${report.file}: the run ${report.result} for a reason other than a policy: resources it did not reach were not checked`);
    return `${lines.join("\n")}\n`;
}
