/**
 * Engine event logs for the policy-report tests, built from the event types (the Node SDK's
 * `EngineEvent`, completed from the engine's apitype in policies/eventLog.ts) and written as the
 * CLI writes them: one JSON object per line, messages with the engine's color directives.
 */
import type { LoggedEvent, LoggedPolicyEvent, LoggedSummaryEvent, PolicyAnalyzeStackSummaryEvent, PolicyAnalyzeSummaryEvent } from "../../../policies/eventLog";

export const stackUrn = "urn:pulumi:prod::mdb::pulumi:pulumi:Stack::mdb-prod";
export const urnOf = (type: string, name: string) => `urn:pulumi:prod::mdb::${type}::${name}`;
export const dbSg = urnOf("aws:ec2/securityGroup:SecurityGroup", "db-sg");
export const appSg = urnOf("aws:ec2/securityGroup:SecurityGroup", "app-sg");
export const host = urnOf("aws:ec2/instance:Instance", "db-1");

/** What a log line holds without its sequence and timestamp. */
export type Event = Omit<LoggedEvent, "sequence" | "timestamp">;

const pack = { policyPackName: "mdb-hardening", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0" };

/** A violation as the engine logs it (pkg/engine/events.go policyViolationEvent: note color, message, reset, newline). */
export function violation(policyName: string, resourceUrn: string | undefined, enforcementLevel: LoggedPolicyEvent["enforcementLevel"], description: string, message: string, over: Partial<LoggedPolicyEvent> = {}): Event {
    return {
        policyEvent: {
            ...pack,
            ...(resourceUrn === undefined ? {} : { resourceUrn }),
            policyName,
            enforcementLevel,
            message: `<{%fg 12%}>${description}\n${message}<{%reset%}>\n`,
            color: "raw",
            ...over,
        },
    };
}

export function analyzed(resourceUrn: string, passed: string[], failed: string[] = [], over: Partial<PolicyAnalyzeSummaryEvent> = {}): Event {
    return { policyAnalyzeSummaryEvent: { ...pack, resourceUrn, passed, ...(failed.length ? { failed } : {}), ...over } };
}

export function stackAnalyzed(passed: string[], failed: string[] = []): Event {
    const summary: PolicyAnalyzeStackSummaryEvent = { ...pack, passed, ...(failed.length ? { failed } : {}) };
    return { policyAnalyzeStackSummaryEvent: summary };
}

export function finished(policyPacks: Record<string, string> = { "mdb-hardening|local|policies": "0.1.0" }, result: LoggedSummaryEvent["result"] = "failed"): Event {
    return { summaryEvent: { maybeCorrupt: false, durationSeconds: 3, resourceChanges: { create: 4 }, PolicyPacks: policyPacks, isPreview: true, result } };
}

export const noise: Event[] = [
    { preludeEvent: { config: { "aws:region": "eu-west-1" } } },
    { policyLoadEvent: {} },
    { resourcePreEvent: { metadata: { op: "create", urn: dbSg, type: "aws:ec2/securityGroup:SecurityGroup", provider: "" }, planning: true } },
    { diagnosticEvent: { message: "<{%fg 3%}>warning: something<{%reset%}>\n", color: "raw", severity: "warning" } },
];

const worldDescription = "Database ports must not be open to the world.";

/** A preview of a stack with violations of several policies, resource and stack, both levels. */
export const mixedRun: Event[] = [
    ...noise,
    violation("no-world-ingress-to-database-ports", dbSg, "mandatory", worldDescription, "ingress tcp 1972 from 0.0.0.0/0 (superserver)", { severity: "critical" }),
    violation("no-world-ingress-to-database-ports", dbSg, "mandatory", worldDescription, "ingress tcp 22 from ::/0 (ssh)"),
    analyzed(dbSg, ["jdbc-gateway-not-exposed", "legacy-services-closed"], ["no-world-ingress-to-database-ports"]),
    violation("license-traffic-between-declared-peers", appSg, "advisory", "License traffic only between declared peers.", "egress udp 4002 to 0.0.0.0/0"),
    analyzed(appSg, ["jdbc-gateway-not-exposed", "no-world-ingress-to-database-ports"], ["license-traffic-between-declared-peers"]),
    analyzed(host, ["database-host-imdsv2"]),
    violation("database-host-hardened", host, "mandatory", "Database hosts are hardened.", "db-1 is not inside a hardening component"),
    violation("database-host-no-elastic-ip", stackUrn, "mandatory", "No Elastic IP on a database host.", "eip-1 takes its instance from db-1"),
    stackAnalyzed(["database-host-private-subnet"], ["database-host-hardened", "database-host-no-elastic-ip"]),
    finished(),
];

export function ndjson(events: readonly Event[]): string {
    return events.map((e, i) => `${JSON.stringify({ sequence: i + 1, timestamp: 1767225600 + i, ...e })}\n`).join("");
}
