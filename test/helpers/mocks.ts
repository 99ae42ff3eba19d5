/**
 * Pulumi mocks that record every registered resource, with its parent chain (from the URN the
 * mock monitor builds) and, for components, the outputs passed to `registerOutputs`.
 *
 * Call `installMocks()` before importing anything that constructs resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";

export interface Recorded {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    /** Dotted paths of the inputs that arrived as secrets. */
    readonly secretPaths: string[];
    readonly custom: boolean;
}

export interface Registered {
    readonly urn: string;
    /** The parent's type (if any) then this resource's type: the mock monitor's URNs keep one level of parent. */
    readonly typeChain: string[];
    readonly state: unknown;
}

export interface MockRecorder {
    readonly resources: Recorded[];
    /** The alias types each resource registered with, by `type::name`. */
    readonly aliasTypes: Map<string, string[]>;
    /** Resources as the mock monitor holds them once all RPCs are done. */
    registered(): Promise<Registered[]>;
}

const secretSig = "4dabf18193072939515e22adb298388d";

/** Inputs with secrets unwrapped, so tests compare values (secrecy itself is the SDK's business). */
export function reveal(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reveal);
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (secretSig in obj) return reveal(obj.value);
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, reveal(v)]));
    }
    return value;
}

function secretPathsOf(value: unknown, at = ""): string[] {
    if (!value || typeof value !== "object") return [];
    if (secretSig in value) return [at];
    return Object.entries(value).flatMap(([k, v]) => secretPathsOf(v, at ? `${at}.${k}` : k));
}

/** Computed outputs a real provider would fill in. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    if (type === "aws:ec2/instance:Instance") return { privateIp: inputs.privateIp ?? "10.0.0.99", arn: `arn:aws:ec2:eu-west-1:123456789012:instance/${name}` };
    // A host script run that found everything in place.
    if (type === "command:remote:Command") return { stdout: "MDBH\tdata\tstate\tmode\tapply\nMDBH\tok\tMDBH-SVC-001\tatd.service\tmasked\nMDBH\tsummary\tmock\tchanges\t0\nMDBH\tsummary\tmock\tfindings\t0\n", stderr: "" };
    return {};
}

/** As the engine does: outputs named in `additionalSecretOutputs` come back as secrets. */
function markSecret(state: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, names.includes(k) ? { [secretSig]: "1b47061264138c4ac30d75fd1eb44270", value: v } : v]));
}

export async function installMocks(config: Record<string, string> = {}): Promise<MockRecorder> {
    const resources: Recorded[] = [];
    /** additionalSecretOutputs by resource name, read from the registration request (the mock API does not pass options). */
    const secretOutputs = new Map<string, string[]>();
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) => {
                resources.push({ type: args.type, name: args.name, inputs: reveal(args.inputs) as Record<string, unknown>, secretPaths: secretPathsOf(args.inputs), custom: args.custom ?? false });
                const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
                return { id: `${args.name}-id`, state: markSecret(state, secretOutputs.get(args.name) ?? []) };
            },
            call: (args: pulumi.runtime.MockCallArgs) => {
                if (args.token === "aws:ec2/getAmi:getAmi") return { id: "ami-0mock", architecture: "x86_64" };
                throw new Error(`unexpected call ${args.token}`);
            },
        },
        "mdb-hardening",
        "test",
        false,
    );
    const aliasTypes = new Map<string, string[]>();
    type Request = {
        getName(): string;
        getType(): string;
        getAdditionalsecretoutputsList(): string[];
        getAliasesList(): { getSpec(): { getType(): string } | undefined }[];
    };
    const monitor = getMonitor() as unknown as { registerResource(req: Request, callback: unknown): unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
        aliasTypes.set(`${req.getType()}::${req.getName()}`, req.getAliasesList().flatMap((a) => a.getSpec()?.getType() ?? []));
        return register(req, callback);
    };
    return {
        resources,
        aliasTypes,
        registered: async () => {
            await pulumi.runtime.disconnect();
            const monitor = getMonitor() as unknown as { getRegisteredResources(): Map<string, { urn: string; state: unknown }> };
            return [...monitor.getRegisteredResources().values()].map((r) => ({
                urn: r.urn,
                typeChain: r.urn.split("::")[2].split("$"),
                // registerOutputs stores a protobuf Struct; resources store serialized plain state.
                state: typeof (r.state as { toJavaScript?: unknown })?.toJavaScript === "function" ? (r.state as { toJavaScript(): unknown }).toJavaScript() : r.state,
            }));
        },
    };
}

/** Resolves an output's value (mocks run with preview=false, so values are known). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}
