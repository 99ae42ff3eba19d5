/**
 * Reads the engine's event log (`pulumi preview --event-log FILE`): one JSON `EngineEvent` per
 * line, as the CLI writes it (pkg/backend/display/display.go `startEventLogger`, v3.259.0).
 *
 * The Node SDK's `EngineEvent` type lags the engine: the policy summary events, the policy
 * event's `severity` and the summary event's wire name `PolicyPacks` exist only in the engine's
 * apitype (sdk/go/common/apitype/events.go, v3.259.0), so they are declared here from it.
 * The log carries the advisory level as "advisory" (the engine writes apitype's
 * `EnforcementLevel` as it is); the SDK type's "warning" is accepted as well.
 */
import type { EngineEvent, PolicyEvent, SummaryEvent } from "@pulumi/pulumi/automation";

export type Level = "advisory" | "mandatory";

/** A policy violation as the engine logs it. */
export interface LoggedPolicyEvent extends Omit<PolicyEvent, "enforcementLevel"> {
    enforcementLevel: "advisory" | "warning" | "mandatory" | "remediate";
    severity?: "low" | "medium" | "high" | "critical";
}

/** Emitted per resource after Analyze; `passed` excludes policies disabled or not applicable to it. */
export interface PolicyAnalyzeSummaryEvent {
    resourceUrn: string;
    policyPackName: string;
    policyPackVersion: string;
    policyPackVersionTag: string;
    passed?: string[];
    failed?: string[];
}
export type PolicyRemediateSummaryEvent = PolicyAnalyzeSummaryEvent;
export type PolicyAnalyzeStackSummaryEvent = Omit<PolicyAnalyzeSummaryEvent, "resourceUrn">;

export interface LoggedSummaryEvent extends Omit<SummaryEvent, "policyPacks"> {
    /** Pack name (`name|local|path` for a local pack) → version; PascalCase on the wire. */
    PolicyPacks: Record<string, string>;
    isPreview?: boolean;
    result?: "succeeded" | "failed" | "canceled";
}

/** One line of the log. */
export interface LoggedEvent extends Omit<EngineEvent, "policyEvent" | "summaryEvent"> {
    policyEvent?: LoggedPolicyEvent;
    summaryEvent?: LoggedSummaryEvent;
    policyLoadEvent?: Record<string, never>;
    policyAnalyzeSummaryEvent?: PolicyAnalyzeSummaryEvent;
    policyRemediateSummaryEvent?: PolicyRemediateSummaryEvent;
    policyAnalyzeStackSummaryEvent?: PolicyAnalyzeStackSummaryEvent;
}

export interface Violation {
    readonly line: number;
    readonly pack: string;
    readonly policy: string;
    /** The resource's URN; for a stack policy the root stack's, or "" from engines that omit it. */
    readonly urn: string;
    readonly message: string;
    readonly level: Level;
    readonly severity?: string;
}

export interface PackRun {
    readonly name: string;
    version: string;
    /** Policies the summary events name (passed or failed on some resource or the stack). */
    readonly summarized: Set<string>;
}

export interface PolicyLog {
    readonly violations: Violation[];
    /** Every pack the log shows ran, by name. */
    readonly packs: Map<string, PackRun>;
    /** The end-of-run summary event, absent when the run did not finish or the log is cut short. */
    summary?: LoggedSummaryEvent;
}

/** A log that cannot be read, or does not show a finished policy run. */
export class EventLogError extends Error {}

const levels: Readonly<Record<LoggedPolicyEvent["enforcementLevel"], Level>> = {
    advisory: "advisory",
    warning: "advisory",
    mandatory: "mandatory",
    // The engine turns remediate into mandatory before logging a stack policy's violation; count it so too.
    remediate: "mandatory",
};

/** Pulumi's color directives (`<{%fg 1%}>`), left in messages unless the CLI ran with `--color never`. */
const colorDirective = /<\{%[^%]*%\}>/g;

/** A value as the profile errors show it (components/validate.ts formatIssue), cut to 80 characters. */
function shown(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

class LineReader {
    constructor(readonly where: string) {}

    fail(what: string, got: unknown): never {
        throw new EventLogError(`${this.where}: ${what} (got ${shown(got)})`);
    }

    object(field: string, value: unknown): Record<string, unknown> {
        if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(`${field} must be an object`, value);
        return value as Record<string, unknown>;
    }

    string(field: string, value: unknown, optional = false): string {
        if (value === undefined && optional) return "";
        if (typeof value !== "string") this.fail(`${field} must be a string`, value);
        return value;
    }

    names(field: string, value: unknown): string[] {
        if (value === undefined) return [];
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) this.fail(`${field} must be a list of policy names`, value);
        return value as string[];
    }
}

/** The pack name a summary event's `PolicyPacks` key stands for (`name|local|path` for local packs). */
function packNameOfKey(key: string): string {
    const parts = key.split("|");
    return parts.length === 3 && parts[1] === "local" ? parts[0] : key;
}

/** Parses the log's text; `file` names it in errors. Throws EventLogError naming the line, field and value. */
export function parseEventLog(text: string, file: string): PolicyLog {
    const log: PolicyLog = { violations: [], packs: new Map() };
    const pack = (name: string, version: string): PackRun => {
        let run = log.packs.get(name);
        if (run === undefined) log.packs.set(name, (run = { name, version, summarized: new Set() }));
        if (run.version === "") run.version = version;
        return run;
    };
    text.split("\n").forEach((raw, index) => {
        const line = index + 1;
        const r = new LineReader(`${file}:${line}`);
        if (raw.trim() === "") return;
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch (e) {
            r.fail(`not JSON: ${(e as Error).message}`, raw);
        }
        const event = r.object("an engine event", parsed);
        if (event.policyEvent !== undefined) {
            const p = r.object("policyEvent", event.policyEvent);
            const level = r.string("policyEvent.enforcementLevel", p.enforcementLevel);
            if (!Object.hasOwn(levels, level)) r.fail(`policyEvent.enforcementLevel must be one of ${Object.keys(levels).join(", ")}`, level);
            const name = r.string("policyEvent.policyPackName", p.policyPackName);
            pack(name, r.string("policyEvent.policyPackVersion", p.policyPackVersion, true));
            log.violations.push({
                line,
                pack: name,
                policy: r.string("policyEvent.policyName", p.policyName),
                urn: r.string("policyEvent.resourceUrn", p.resourceUrn, true),
                message: r.string("policyEvent.message", p.message).replace(colorDirective, "").trim(),
                level: levels[level as LoggedPolicyEvent["enforcementLevel"]],
                ...(p.severity === undefined || p.severity === "" ? {} : { severity: r.string("policyEvent.severity", p.severity) }),
            });
        }
        for (const kind of ["policyAnalyzeSummaryEvent", "policyRemediateSummaryEvent", "policyAnalyzeStackSummaryEvent"] as const) {
            if (event[kind] === undefined) continue;
            const s = r.object(kind, event[kind]);
            const run = pack(r.string(`${kind}.policyPackName`, s.policyPackName), r.string(`${kind}.policyPackVersion`, s.policyPackVersion, true));
            for (const n of [...r.names(`${kind}.passed`, s.passed), ...r.names(`${kind}.failed`, s.failed)]) run.summarized.add(n);
        }
        if (event.summaryEvent !== undefined) {
            const s = r.object("summaryEvent", event.summaryEvent);
            const packs = s.PolicyPacks === undefined || s.PolicyPacks === null ? {} : r.object("summaryEvent.PolicyPacks", s.PolicyPacks);
            for (const [key, version] of Object.entries(packs)) pack(packNameOfKey(key), r.string(`summaryEvent.PolicyPacks[${JSON.stringify(key)}]`, version));
            log.summary = s as unknown as LoggedSummaryEvent;
        }
    });
    return log;
}
