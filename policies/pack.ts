/**
 * The consumer API: the whole pack in one line, in the style of awsguard.
 *
 * ```typescript
 * new MdbHardeningPolicies({
 *     all: "mandatory",
 *     databaseHostTag: { key: "role", value: "db" },
 *     policies: { "ssh-from-admin-networks-only": { adminCidrs: ["10.20.250.0/24"] } },
 * });
 * new MdbHardeningPolicies({ minimumSeverity: "high" });               // only high and critical
 * new MdbHardeningPolicies({ tags: ["SRG-APP-000142-DB-000094"] });   // only that SRG requirement's
 * ```
 *
 * Settings become the pack's initial config; `--policy-pack-config` and Pulumi Cloud settings
 * still override them (the engine applies schema defaults, then these, then those).
 * Constructing the class starts the policy server, so only an entry file may do it.
 */
import { PolicyPack, type EnforcementLevel, type PolicyPackArgs, type PolicyPackConfig } from "@pulumi/policy";
import { severities, type Severity } from "../components/controls";
import type { ProductionConfig, TagMatch } from "./config";
import { defaultPackName, policies, type PolicyName } from "./list";
import { waiversInEffectName, type ConfiguredWaiver } from "./waivers";

export { defaultPackName, policies, type PolicyName };

/** A policy's enforcement level, or its config (with an optional level). */
export type PolicySetting = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

export interface MdbHardeningArgs {
    /** Level for every policy (each keeps its own default otherwise). */
    readonly all?: EnforcementLevel;
    /** The tag that marks database hosts, for every policy that looks for them. */
    readonly databaseHostTag?: TagMatch;
    /** How production is recognised, for every policy that asks. */
    readonly production?: Partial<ProductionConfig>;
    /** Only policies of this severity or higher run; the others are disabled. */
    readonly minimumSeverity?: Severity;
    /** Only policies carrying one of these tags (a control id such as MDBH-NET-001, or an SRG id) run; the others are disabled. */
    readonly tags?: readonly string[];
    /** Waivers by resource URN, for resources that carry no tags (see README "Waivers"); given to every policy. */
    readonly waivers?: readonly ConfiguredWaiver[];
    /** Per-policy level or config, by policy name; wins over the shared settings above (a policy named here runs even if not selected). */
    readonly policies?: Partial<Record<PolicyName, PolicySetting>>;
}

/** Whether a policy passes the severity and tag selection of `args`; the waiver listing always does, so no exception hides. */
function selected(policy: (typeof policies)[number], args: MdbHardeningArgs): boolean {
    if (policy.name === waiversInEffectName) return true;
    const rank = (s: Severity | undefined) => severities.indexOf(s ?? "low");
    if (args.minimumSeverity && rank(policy.severity) < rank(args.minimumSeverity)) return false;
    return !args.tags || (policy.tags ?? []).some((tag) => args.tags!.includes(tag));
}

export function packArgs(): PolicyPackArgs {
    return {
        policies,
        description: "Enforces the mdb-hardening recommendations for InterSystems IRIS, GT.M and YottaDB hosts on AWS.",
        displayName: "mdb-hardening",
        provider: "aws",
        tags: ["iris", "gtm", "yottadb", "security"],
    };
}

/** The pack's initial config for `args`; throws on an unknown policy or config property. */
export function initialConfig(args: MdbHardeningArgs = {}): PolicyPackConfig {
    const known = new Map<string, readonly string[]>(policies.map((p) => [p.name, Object.keys(p.configSchema?.properties ?? {})]));
    for (const name of Object.keys(args.policies ?? {})) {
        if (!known.has(name)) throw new Error(`mdb-hardening policies: unknown policy "${name}"; known: ${[...known.keys()].join(", ")}`);
    }
    if (args.minimumSeverity && !severities.includes(args.minimumSeverity)) {
        throw new Error(`mdb-hardening policies: minimumSeverity "${args.minimumSeverity}" is not one of ${severities.join(", ")}`);
    }
    const tags = new Set(policies.flatMap((p) => p.tags ?? []));
    const unknownTags = (args.tags ?? []).filter((tag) => !tags.has(tag));
    if (unknownTags.length > 0) throw new Error(`mdb-hardening policies: no policy has the tag ${unknownTags.join(", ")}; tags: ${[...tags].join(", ")}`);
    for (const waiver of args.waivers ?? []) {
        const unknownPolicies = waiver.policies.filter((name) => !known.has(name));
        if (unknownPolicies.length > 0) throw new Error(`mdb-hardening policies: the waiver for ${waiver.urn} names unknown policy ${unknownPolicies.join(", ")}`);
    }
    const config: PolicyPackConfig = args.all ? { all: args.all } : {};
    for (const policy of policies) {
        if (!selected(policy, args) && args.policies?.[policy.name] === undefined) config[policy.name] = "disabled";
    }
    for (const [name, properties] of known) {
        if (config[name] === "disabled") continue;
        const shared: Record<string, unknown> = { ...(args.databaseHostTag ? { databaseHostTag: args.databaseHostTag } : {}), ...(args.waivers ? { waivers: args.waivers } : {}), ...args.production };
        const setting = args.policies?.[name as PolicyName];
        const own = typeof setting === "string" ? { enforcementLevel: setting } : { ...setting };
        const unknown = Object.keys(own).filter((k) => k !== "enforcementLevel" && !properties.includes(k));
        if (unknown.length > 0) throw new Error(`mdb-hardening policies: "${name}" has no config ${unknown.join(", ")}; it takes: ${properties.join(", ") || "none"}`);
        const merged = { ...Object.fromEntries(Object.entries(shared).filter(([k]) => properties.includes(k))), ...own };
        if (Object.keys(merged).length > 0) config[name] = merged;
    }
    return config;
}

/** The pack with all its policies, configured by `args`. */
export class MdbHardeningPolicies extends PolicyPack {
    constructor(args?: MdbHardeningArgs, name = defaultPackName) {
        super(name, packArgs(), initialConfig(args));
    }
}
