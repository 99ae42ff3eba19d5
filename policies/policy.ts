/**
 * Small helpers every rule module uses: typed policy config with defaults, and dispatch on
 * resource type tokens.
 *
 * The pack reads a handful of properties by their type tokens instead of importing
 * @pulumi/aws for `validateResourceOfType`: the provider SDK is large, slow to load in the
 * policy process, and would tie the pack to one provider major version.
 */
import type {
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidation,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { controls, databaseSrg, type Control, type ControlId } from "../components/controls";
import { StackView } from "./resources";
import { plainView } from "./unknowns";
import { configuredWaivers, describeWaiver, notAppliedNote, today, waiverFor, waiversInEffectName, waiversProperty } from "./waivers";

/** A policy as a rule module writes it: its control (components/controls.ts) gives severity, tags, framework and url. */
type Declared<P> = Omit<P, "severity" | "tags" | "framework" | "url"> & { readonly control: ControlId };

/** The policy SDK's metadata of a control: tags are the control id and its SRG id, so packs select by either. */
function controlMetadata(id: ControlId): Pick<Policy, "severity" | "tags" | "framework" | "url"> {
    const control: Control = controls[id];
    return {
        severity: control.severity,
        tags: [id, ...(control.srg ? [control.srg.id] : [])],
        ...(control.srg ? { framework: { ...databaseSrg, reference: control.srg.id, specification: control.srg.requirement } } : {}),
        ...(control.url ? { url: control.url } : {}),
    };
}

/** Every policy takes the shared `waivers` config (policies/waivers.ts). */
function withWaivers(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
    return { ...schema, properties: { ...schema?.properties, waivers: waiversProperty as unknown as PolicyConfigSchema["properties"][string] } };
}

/**
 * A resource of another type, or with an active waiver of this policy, is not applicable; one
 * whose waiver is not applied says why in each violation. The type is checked first: most
 * resources of a stack are of types a policy does not read, and that check costs nothing.
 */
function waivable(name: string, validate: ResourceValidation): ResourceValidation {
    const { accepted, reason } = validate as Partial<TypedValidation>;
    return (given, report) => {
        if (accepted && !accepted.has(given.type)) notApplicable(given, reason!);
        const props = plainView(given.props);
        const args = props === given.props ? given : { ...given, props };
        const waiver = waiverFor(name, args.urn, args.props, configuredWaivers(args), today());
        if (waiver?.active) args.notApplicable(describeWaiver(waiver));
        const note = notAppliedNote(waiver);
        return validate(args, note ? (message, urn) => report(message + note, urn) : report);
    };
}

/** Keeps a policy's name as a literal type, so the consumer API can type its per-policy settings. */
export function resourcePolicy<const N extends string>({ control, ...policy }: Declared<ResourceValidationPolicy> & { name: N }): ResourceValidationPolicy & { name: N } {
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
    const remediate = policy.remediateResource;
    return {
        ...policy,
        ...controlMetadata(control),
        configSchema: withWaivers(policy.configSchema),
        validateResource: validations.map((v) => waivable(policy.name, v)),
        // A waived resource is left as it is.
        ...(remediate ? { remediateResource: (args) => (waiverFor(policy.name, args.urn, args.props, configuredWaivers(args), today())?.active ? undefined : remediate(args)) } : {}),
    };
}

/** A stack policy's violation on a resource with an active waiver, its own or its owner's (resources.ts ownerProperties), is dropped (waivers-in-effect lists it). */
export function stackPolicy<const N extends string>({ control, ...policy }: Declared<StackValidationPolicy> & { name: N }): StackValidationPolicy & { name: N } {
    const listing = policy.name === waiversInEffectName;
    const validate: StackValidation = (args, report) => {
        // The runtime builds these resource objects for this one call of this policy: their props can be swapped for plain views.
        for (const r of args.resources) (r as { props: Props }).props = plainView(r.props);
        return policy.validateStack(args, report);
    };
    return {
        ...policy,
        ...controlMetadata(control),
        configSchema: withWaivers(policy.configSchema),
        // The waiver listing reports waivers; it is not itself waivable.
        validateStack: listing ? validate : (args, report) => {
            const view = new StackView(args.resources);
            const [configured, day] = [configuredWaivers(args), today()];
            const waiverOf = (r: PolicyResource) => waiverFor(policy.name, r.urn, r.props, configured, day);
            return validate(args, (message, urn) => {
                const resource = urn === undefined ? undefined : view.byUrn(urn);
                const own = urn === undefined ? undefined : waiverFor(policy.name, urn, resource?.props, configured, day);
                // A resource without an active waiver of its own takes the one of what it belongs to (a rule its group's, an association its instance's).
                const waivers = [own, ...(own?.active || !resource ? [] : view.ownersOf(resource).map(waiverOf))];
                if (waivers.some((w) => w?.active)) return;
                report(message + notAppliedNote(waivers.find((w) => w !== undefined)), urn);
            });
        },
    };
}

/** A config property: its JSON schema (shown by `pulumi policy` and validated by the engine) and default. */
export type Property<T> = PolicyConfigJSONSchema & { readonly default: T };
export type Properties<C> = { readonly [K in keyof C]: Property<C[K]> };

export function schemaOf<C>(properties: Properties<C>): PolicyConfigSchema {
    return { properties: properties as unknown as PolicyConfigSchema["properties"] };
}

/** A config as `getConfig` returned it (its own keys and values) and what it parsed to. */
interface ParsedConfig<Parsed> {
    readonly entries: readonly (readonly [string, unknown])[];
    readonly parsed: Parsed;
}

/** Entries the reader looks through by identity before it compares a config by content. */
const recentConfigs = 16;

/**
 * Returns a reader for a policy's config: the defaults, overlaid with what the engine passes,
 * parsed once per distinct config (policies run once per resource; parsing CIDRs each time
 * would dominate the cost). The engine fills schema defaults itself; the overlay covers callers
 * that pass none, such as tests.
 *
 * The SDK's `getConfig` returns a fresh shallow copy of the policy's config on every call, with
 * the same value objects until the engine configures the pack again: a config whose values are
 * the very ones of a recent call is that call's, found without serializing it. One reader serves
 * every policy that shares a property (each has its own config), hence several recent entries.
 */
export function configReader<C extends object, Parsed>(
    properties: Properties<C>,
    parse: (config: C) => Parsed,
): (args: { getConfig<T extends object>(): T }) => Parsed {
    const defaults = Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, (p as Property<unknown>).default])) as C;
    const byContent = new Map<string, Parsed>();
    const recent: ParsedConfig<Parsed>[] = [];
    const sameValues = (given: Record<string, unknown>, keys: readonly string[], entry: ParsedConfig<Parsed>) =>
        keys.length === entry.entries.length && entry.entries.every(([k, v], i) => keys[i] === k && given[k] === v);
    return (args) => {
        const given = args.getConfig<Record<string, unknown>>();
        const keys = Object.keys(given);
        const seen = recent.find((entry) => sameValues(given, keys, entry));
        if (seen) return seen.parsed;
        const config = { ...defaults, ...given } as C;
        const key = JSON.stringify(config);
        let parsed = byContent.get(key);
        if (parsed === undefined) {
            parsed = parse(config);
            byContent.set(key, parsed);
        }
        recent.unshift({ entries: keys.map((k) => [k, given[k]] as const), parsed });
        recent.length = Math.min(recent.length, recentConfigs);
        return parsed;
    };
}

/** Resource properties as policies receive them: plain data behind the SDK's unknown-checking proxy. */
export type Props = Record<string, any>;

/** Errors `args.notApplicable` threw, per thrower and reason. */
const notApplicableErrors = new WeakMap<object, Map<string, unknown>>();

/**
 * `args.notApplicable(reason)` for the resource policies' per-resource reasons. The SDK builds a
 * new Error (with a stack trace, ~10 µs) on every call, and its runtime reads only the error's
 * type and reason: the first one thrown for a reason is thrown again.
 */
export function notApplicable(args: { notApplicable(reason?: string): never }, reason: string): never {
    let byReason = notApplicableErrors.get(args.notApplicable);
    if (!byReason) notApplicableErrors.set(args.notApplicable, (byReason = new Map()));
    if (byReason.has(reason)) throw byReason.get(reason);
    try {
        args.notApplicable(reason);
    } catch (e) {
        byReason.set(reason, e);
        throw e;
    }
    throw new Error(`internal: notApplicable("${reason}") returned`);
}

/** A validation that reads only some resource types; resourcePolicy reports the others as not applicable. */
interface TypedValidation extends ResourceValidation {
    readonly accepted: ReadonlySet<string>;
    readonly reason: string;
}

/** A validation for the given type tokens; every other resource is reported as not applicable (by resourcePolicy). */
export function forTypes(
    types: readonly string[],
    validate: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
    const typed: ResourceValidation = (args, report) => validate(args.props, args, report);
    return Object.assign(typed, { accepted: new Set(types), reason: `applies to ${types.join(", ")}` }) satisfies TypedValidation;
}

/** The stack name, from a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`): the one place every policy can read it. */
export function stackNameOf(urn: string): string {
    return urn.slice("urn:pulumi:".length, urn.indexOf("::"));
}
