/**
 * Per-resource waivers: a resource's `mdb-hardening:waive*` tags (catalog `waiverTags`), or an
 * entry of the `waivers` config every policy shares (for resources that carry no tags, such as
 * inline and standalone rules, EipAssociation and VolumeAttachment: by URN). A waived resource is
 * not applicable to the policy, with the reason; `waivers-in-effect` lists every waiver so none is
 * hidden. A waiver without a reason, with a malformed or past date is not applied, and the
 * violation says why. The date is the last day the waiver holds, compared in UTC.
 */
import { waiverTags } from "../components/catalog";
import { isIsoDate } from "../components/validate";
import type { Property, Props } from "./policy";
import { tagValue } from "./tags";

export interface ConfiguredWaiver {
    readonly urn: string;
    readonly policies: readonly string[];
    readonly reason: string;
    readonly until?: string;
}

export const waiversProperty: Property<ConfiguredWaiver[]> = {
    type: "array",
    items: {
        type: "object",
        properties: {
            urn: { type: "string", minLength: 1 },
            policies: { type: "array", items: { type: "string" }, minItems: 1 },
            reason: { type: "string" },
            until: { type: "string" },
        },
        required: ["urn", "policies", "reason"],
        additionalProperties: false,
    },
    description: "Waivers by resource URN (for resources without tags): the policies waived, the reason, optionally the last day (YYYY-MM-DD).",
    default: [],
};

export type Waiver =
    | { readonly active: true; readonly policy: string; readonly reason: string; readonly until?: string; readonly source: string }
    | { readonly active: false; readonly policy: string; readonly why: string; readonly source: string };

/** The shared `waivers` config of a policy. */
export function configuredWaivers(args: { getConfig<T extends object>(): T }): ConfiguredWaiver[] {
    return args.getConfig<{ waivers?: ConfiguredWaiver[] }>().waivers ?? [];
}

/** What a violation adds when the resource's waiver is not applied; empty otherwise. */
export function notAppliedNote(waiver: Waiver | undefined): string {
    return waiver && !waiver.active ? ` (waiver not applied: ${waiver.why})` : "";
}

const dayMs = 86_400_000;
let cachedDay = { start: 0, end: 0, day: "" };

/** Today as YYYY-MM-DD in UTC (formatted once per day: policies ask for every resource). */
export function today(): string {
    const now = Date.now();
    if (now < cachedDay.start || now >= cachedDay.end) {
        const start = now - (now % dayMs);
        cachedDay = { start, end: start + dayMs, day: new Date(start).toISOString().slice(0, 10) };
    }
    return cachedDay.day;
}

/** The policy that lists waivers; it cannot be waived itself, or a waiver could hide itself. */
export const waiversInEffectName = "waivers-in-effect";

function judge(policy: string, reason: unknown, until: unknown, source: string, day: string): Waiver {
    if (policy === waiversInEffectName) return { active: false, policy, source, why: `${waiversInEffectName} cannot be waived` };
    if (typeof reason !== "string" || reason.trim() === "") return { active: false, policy, source, why: `it has no reason (${waiverTags.reason})` };
    if (until !== undefined) {
        if (typeof until !== "string" || !isIsoDate(until)) return { active: false, policy, source, why: `its date ${JSON.stringify(until)} is not YYYY-MM-DD` };
        if (until < day) return { active: false, policy, source, why: `it expired after ${until}` };
    }
    return { active: true, policy, source, reason: reason.trim(), ...(typeof until === "string" ? { until } : {}) };
}

/** Every waiver on one resource: from its tags and from the config, one per policy named. */
export function waiversOf(urn: string, props: Props | undefined, configured: readonly ConfiguredWaiver[], day: string): Waiver[] {
    const out: Waiver[] = [];
    for (const w of configured) {
        if (w.urn === urn) for (const policy of w.policies) out.push(judge(policy, w.reason, w.until, "config waivers", day));
    }
    const waived = tagValue(props, waiverTags.policies);
    const named = typeof waived === "string" ? waived.split(/\s+/).filter(Boolean) : [];
    for (const policy of named) out.push(judge(policy, tagValue(props, waiverTags.reason), tagValue(props, waiverTags.until), `tag ${waiverTags.policies}`, day));
    return out;
}

/** The waiver of `policy` on a resource: an active one wins over one that is not applied. */
export function waiverFor(policy: string, urn: string, props: Props | undefined, configured: readonly ConfiguredWaiver[], day: string): Waiver | undefined {
    const mine = waiversOf(urn, props, configured, day).filter((w) => w.policy === policy);
    return mine.find((w) => w.active) ?? mine[0];
}

export function describeWaiver(w: Waiver & { active: true }): string {
    return `waived (${w.source}): ${w.reason}${w.until ? ` (until ${w.until})` : ""}`;
}
