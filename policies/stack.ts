/**
 * Stack policy: every database host is hardened on the inside, not only fenced in.
 *
 * What a stack policy sees of a component (checked in @pulumi/policy 1.21 server.js
 * `makeAnalyzeStackRpcFun` and the engine's `stepGenerator.AnalyzeResources`): its type token,
 * its URN and parent, and as `props` its outputs, which for a component are exactly what it
 * passed to `registerOutputs`. The Node.js SDK registers a component with no input properties,
 * so anything a component wants a policy to check must be a registered output: the components
 * register the hardening plan (components/plan.ts) as `hardening`.
 *
 * A host counts as hardened by a component when the component is one of its ancestors (the
 * host is its child, as in DatabaseHost), or when a resource inside the component depends on
 * the host (a hardening step that connects to the host's address, as for ExistingHost).
 */
import type { PolicyResource } from "@pulumi/policy";
import { hardeningComponentTypes, products } from "../components/catalog";
import { databaseHostTag, type TagMatch } from "./config";
import { configReader, schemaOf, stackPolicy, type Properties } from "./policy";
import { ancestors, StackView } from "./resources";

interface HardenedConfig {
    databaseHostTag: TagMatch;
    hardeningComponentTypes: string[];
}
const hardenedProperties: Properties<HardenedConfig> = {
    databaseHostTag,
    hardeningComponentTypes: {
        type: "array",
        items: { type: "string" },
        minItems: 1,
        description: "Component types that harden a host and register a `hardening` output.",
        default: [...hardeningComponentTypes],
    },
};
const hardenedConfig = configReader(hardenedProperties, (c) => ({ tag: c.databaseHostTag, types: new Set(c.hardeningComponentTypes) }));

/** Products whose distribution the documents restrict to a group (GT.M and YottaDB: the ones with a distribution directory). */
const restrictedProducts = new Set<string>(Object.values(products).filter((p) => "distVar" in p).map((p) => p.id));

/** Components that harden `host`: its ancestors, and the ancestors of anything that depends on it. */
function hardenersOf(view: StackView, host: PolicyResource, types: ReadonlySet<string>): PolicyResource[] {
    const candidates = [...ancestors(host), ...view.dependentsOf(host).flatMap((d) => [d, ...ancestors(d)])];
    return [...new Set(candidates.filter((r) => types.has(r.type)))];
}

/** What a component's registered hardening plan leaves out; empty when it is complete. */
function missingHardening(component: PolicyResource): string[] {
    const plan = component.props.hardening;
    if (plan === undefined) return ["registers no hardening output"];
    const missing: string[] = [];
    if (plan.serviceDisabling?.enabled !== true) missing.push("does not disable optional services (hardening.serviceDisabling.enabled)");
    if (restrictedProducts.has(plan.product) && plan.distributionRestriction?.enabled !== true) {
        missing.push(`does not restrict the ${plan.product} distribution to its group (hardening.distributionRestriction.enabled)`);
    }
    return missing;
}

/** GT.M/YottaDB recommendations (chgrp -R group $dist; chmod -R o-rwx $dist); "Killing Daemons" (turn off what a server does not need). */
export const databaseHostHardened = stackPolicy({
    name: "database-host-hardened",
    description: "Every database host is hardened by an mdb-hardening component with service disabling on and, for GT.M and YottaDB, the distribution restricted to its group.",
    control: "MDBH-HOST-001",
    enforcementLevel: "mandatory",
    remediationSteps: "Create database hosts with DatabaseHost, or harden an existing one with ExistingHost connected to its address; keep hardening.services on, and hardening.distribution on for GT.M/YottaDB profiles.",
    configSchema: schemaOf(hardenedProperties),
    validateStack: (args, report) => {
        const { tag, types } = hardenedConfig(args);
        const view = new StackView(args.resources);
        const hosts = view.databaseHosts(tag);
        if (hosts.length === 0) args.notApplicable("no database-host instances in the stack");
        for (const host of hosts) {
            const hardeners = hardenersOf(view, host, types);
            if (hardeners.length === 0) {
                report(`${host.name} is not inside a hardening component (${[...types].join(", ")}) and no such component depends on it, so nothing hardens its operating system.`, host.urn);
                continue;
            }
            const gaps = hardeners.map((h) => ({ h, missing: missingHardening(h) }));
            if (gaps.some((g) => g.missing.length === 0)) continue;
            for (const { h, missing } of gaps) report(`${host.name}: ${h.name} (${h.type}) ${missing.join("; ")}.`, host.urn);
        }
    },
});

export const stackPolicies = [databaseHostHardened];
