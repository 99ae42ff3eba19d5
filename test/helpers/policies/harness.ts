/**
 * Runs policies the way the @pulumi/policy 1.21 runtime does (server.js `makeAnalyzeRpcFun`,
 * `makeAnalyzeStackRpcFun`, `makeRemediateRpcFun`), without a policy server:
 *  - props go through the SDK's own deserializer (secrets unwrapped, assets rebuilt) and
 *    unknown-checking proxy, so a preview unknown throws UnknownValueError on access, and that
 *    becomes an advisory "can't run during preview";
 *  - args carry `stackTags`, `getConfig` (the policy's config without its enforcement level)
 *    and `notApplicable` (which throws, and is recorded as the runtime records it);
 *  - levels resolve as the engine does: `all`, then the policy's own config, then its default;
 *    "disabled" skips the policy, "remediate" reports as "mandatory";
 *  - stack resources get `parent`, `dependencies` and `propertyDependencies` as resolved objects.
 */
import type {
    EnforcementLevel,
    Policies,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** Internals of @pulumi/policy 1.21 that its .d.ts strips: the proxy the runtime wraps props in, its sentinels, its (de)serializer. */
interface ProxyInternals {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (...args: never[]) => Error;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
    unknownBooleanValue: string;
}
interface SerializeInternals {
    deserializeProperties(struct: Struct, proxySecrets: boolean): Record<string, any>;
    serializeProperties(props: unknown): Promise<Record<string, unknown>>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const internals: ProxyInternals = require("@pulumi/policy/proxy");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const serialization: SerializeInternals = require("@pulumi/policy/deserialize");

/** Props as the runtime hands them to a policy: sent as a protobuf Struct (undefined fields dropped), deserialized, proxied. */
export function received(props: Record<string, unknown>, proxySecrets = false): Record<string, any> {
    const struct = Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Record<string, never>);
    return internals.unknownCheckingProxy(serialization.deserializeProperties(struct, proxySecrets));
}

/** The SDK's error for a read of a preview unknown. */
export const { UnknownValueError } = internals;

/** Preview unknowns, as the engine sends them. */
export const unknown = {
    string: internals.unknownStringValue,
    array: internals.unknownArrayValue,
    object: internals.unknownObjectValue,
    boolean: internals.unknownBooleanValue,
};

export type PolicySettings = { enforcementLevel?: EnforcementLevel } & Record<string, unknown>;

export interface RunOptions {
    /** Per-policy config as the engine delivers it (`all` sets every level first). */
    readonly config?: Readonly<Record<string, PolicySettings | EnforcementLevel | undefined>>;
    readonly stackTags?: Readonly<Record<string, string>>;
    /** Stack name in the URNs the harness makes. */
    readonly stack?: string;
}

export interface Resource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    /** Stack resources only: names (or URNs) of the parent, dependencies and per-property dependencies. */
    readonly parent?: string;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    readonly urn?: string;
}

export interface Diagnostic {
    readonly policyName: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly urn?: string;
}

export interface Result {
    readonly diagnostics: Diagnostic[];
    readonly notApplicable: { readonly policyName: string; readonly reason?: string }[];
    /** Per policy, the calls that applied (passed, reported or could not run): what "checked" means in the benchmark. */
    readonly checked: Record<string, number>;
}

class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "not applicable");
    }
}

const emptyOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

export function urnOf(r: Pick<Resource, "type" | "name" | "urn">, options: RunOptions = {}): string {
    return r.urn ?? `urn:pulumi:${options.stack ?? "dev"}::mdb-hardening::${r.type}::${r.name}`;
}

function settingsOf(options: RunOptions, policy: { name: string }): PolicySettings {
    const own = options.config?.[policy.name];
    return typeof own === "string" ? { enforcementLevel: own } : { ...own };
}

function levelOf(options: RunOptions, policy: { name: string; enforcementLevel?: EnforcementLevel }): EnforcementLevel {
    const all = options.config?.all;
    return settingsOf(options, policy).enforcementLevel ?? (typeof all === "string" ? all : undefined) ?? policy.enforcementLevel ?? "advisory";
}

function common(options: RunOptions, policy: { name: string }) {
    const { enforcementLevel: _, ...properties } = settingsOf(options, policy);
    return {
        stackTags: new Map(Object.entries(options.stackTags ?? {})) as ReadonlyMap<string, string>,
        getConfig: <T extends object>() => properties as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

export function resourceArgs(policy: { name: string }, r: Resource, options: RunOptions = {}): ResourceValidationArgs {
    const props = received(r.props);
    return {
        type: r.type,
        props,
        urn: urnOf(r, options),
        name: r.name,
        opts: emptyOptions,
        isType: () => false,
        asType: () => undefined,
        ...common(options, policy),
    };
}

/** Stack resources as the runtime builds them: proxied outputs, with links resolved to the objects. */
export function stackResources(resources: readonly Resource[], options: RunOptions = {}): PolicyResource[] {
    const built = resources.map((r) => ({
        source: r,
        resource: {
            type: r.type,
            props: received(r.props),
            urn: urnOf(r, options),
            name: r.name,
            opts: emptyOptions,
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as PolicyResource,
    }));
    const byKey = new Map<string, PolicyResource>();
    for (const { source, resource } of built) byKey.set(source.name, resource).set(resource.urn, resource);
    const resolve = (keys: readonly string[] = []) => keys.map((k) => byKey.get(k)).filter((r): r is PolicyResource => r !== undefined);
    for (const { source, resource } of built) {
        if (source.parent) resource.parent = byKey.get(source.parent);
        resource.dependencies = resolve([...(source.dependencies ?? []), ...Object.values(source.propertyDependencies ?? {}).flat()]);
        resource.propertyDependencies = Object.fromEntries(Object.entries(source.propertyDependencies ?? {}).map(([k, v]) => [k, resolve(v)]));
    }
    return built.map((b) => b.resource);
}

function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
    return "validateStack" in p;
}

/** Runs what the runtime runs around one policy call: violations at the policy's level, unknowns and not-applicable recorded. */
async function guarded(policy: Policies[number], options: RunOptions, result: Result, call: (report: (message: string, urn?: string) => void) => unknown): Promise<void> {
    const level = levelOf(options, policy);
    if (level === "disabled") return;
    const reported: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    try {
        await call((message, urn) => result.diagnostics.push({ policyName: policy.name, message: `${policy.description}\n${message}`, enforcementLevel: reported, urn }));
        result.checked[policy.name] = (result.checked[policy.name] ?? 0) + 1;
    } catch (e) {
        if (e instanceof internals.UnknownValueError) {
            result.diagnostics.push({ policyName: policy.name, message: `can't run policy '${policy.name}' during preview: ${e.message}`, enforcementLevel: "advisory" });
            result.checked[policy.name] = (result.checked[policy.name] ?? 0) + 1;
        } else if (e instanceof NotApplicable) {
            result.notApplicable.push({ policyName: policy.name, reason: e.reason });
        } else {
            throw e;
        }
    }
}

/** Every resource policy against each resource (the `analyze` call per resource), then every stack policy once. */
export async function evaluate(policies: Policies, resources: readonly Resource[], options: RunOptions = {}): Promise<Result> {
    const result: Result = { diagnostics: [], notApplicable: [], checked: {} };
    for (const policy of policies) {
        if (isStackPolicy(policy)) {
            const stack: StackValidationArgs = { resources: stackResources(resources, options), ...common(options, policy) };
            await guarded(policy, options, result, (report) => policy.validateStack(stack, report));
            continue;
        }
        for (const r of resources) {
            const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
            for (const validate of validations) {
                const args = resourceArgs(policy, r, options);
                await guarded(policy, options, result, (report) => validate(args, (message) => report(message, args.urn)));
            }
        }
    }
    return result;
}

/** The remediation call: the remediated props, undefined when nothing changed, or the runtime's diagnostic. */
export async function remediate(policy: ResourceValidationPolicy, r: Resource, options: RunOptions = {}): Promise<Record<string, unknown> | string | undefined> {
    if (!policy.remediateResource) throw new Error(`${policy.name} has no remediation`);
    try {
        // The runtime remediates secrets-preserving props and serializes what comes back.
        const changed = await policy.remediateResource({ ...resourceArgs(policy, r, options), props: received(r.props, true) });
        return changed ? serialization.serializeProperties(changed) : undefined;
    } catch (e) {
        if (e instanceof internals.UnknownValueError) return `can't run remediation '${policy.name}' during preview: ${e.message}`;
        throw e;
    }
}

/** Names of the policies that reported at `level`. */
export function violated(result: Result, level: EnforcementLevel = "mandatory"): string[] {
    return [...new Set(result.diagnostics.filter((d) => d.enforcementLevel === level).map((d) => d.policyName))].sort();
}
