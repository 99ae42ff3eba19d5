/**
 * A Pulumi program's resources, collected under the project's mocks, in the two forms the policy
 * engine uses: inputs (what resource policies see, per registration) and outputs with parent and
 * dependency links (what stack policies see; a component's outputs are what it registered).
 *
 * The mock monitor keeps neither parents nor dependencies, so registrations are observed on
 * their way to it.
 */
import type { Policies } from "@pulumi/policy";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import type * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { installMocks } from "../mocks";
import { evaluate, type Resource, type Result, type RunOptions } from "./harness";

export interface Collected {
    readonly inputs: Resource[];
    readonly outputs: Resource[];
}

type Callback = (err: unknown, response?: resproto.RegisterResourceResponse) => void;
interface Monitor {
    registerResource(req: resproto.RegisterResourceRequest, callback: Callback): void;
}

interface Registration {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly parent?: string;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
}

/** Installs the mocks (with `config`), runs `program`, and returns what the engine would hand the policies. */
export async function collect(program: () => Promise<unknown>, config: Record<string, string> = {}): Promise<Collected> {
    const recorder = await installMocks(config);
    const monitor = getMonitor() as unknown as Monitor;
    const registrations = new Map<string, Registration>();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
        register(req, (err, response) => {
            if (response) {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((deps, property) => (propertyDependencies[property] = deps.getUrnsList()));
                registrations.set(response.getUrn(), {
                    type: req.getType(),
                    name: req.getName(),
                    inputs: req.getObject()?.toJavaScript() ?? {},
                    parent: req.getParent() || undefined,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                });
            }
            callback(err, response);
        });
    await program();
    const states = new Map((await recorder.registered()).map((r) => [r.urn, r.state]));
    const inputs: Resource[] = [];
    const outputs: Resource[] = [];
    for (const [urn, r] of registrations) {
        const state = states.get(urn);
        inputs.push({ urn, type: r.type, name: r.name, props: r.inputs });
        outputs.push({
            urn,
            type: r.type,
            name: r.name,
            props: (state ?? {}) as Record<string, unknown>,
            parent: r.parent,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
        });
    }
    return { inputs, outputs };
}

/** Resource policies over the inputs (one analyze call per resource), stack policies over the outputs. */
export async function evaluateStack(policies: Policies, stack: Collected, options?: RunOptions): Promise<Result> {
    const isStack = (p: Policies[number]) => "validateStack" in p;
    const [perResource, whole] = await Promise.all([
        evaluate(policies.filter((p) => !isStack(p)), stack.inputs, options),
        evaluate(policies.filter(isStack), stack.outputs, options),
    ]);
    return {
        diagnostics: [...perResource.diagnostics, ...whole.diagnostics],
        notApplicable: [...perResource.notApplicable, ...whole.notApplicable],
        checked: { ...perResource.checked, ...whole.checked },
    };
}
