/**
 * The hardening plan: a validated profile and everything derived from it, computed once per host.
 *
 * Data flows one way: profile → plan → renderers (host script, nftables, security group, merge
 * file) → resources. The renderers read the plan; none of them derives anything again.
 *
 * `hardeningOutput(plan)` is the form components register as their `hardening` output, so a stack
 * policy (which sees a component's registered outputs, not its inputs) can check that a database
 * host carries distribution restriction and service disabling, and `pulumi stack output` shows it.
 * Its field names are a contract with policies and older stacks; it is the one place they are
 * mapped from the part names.
 */
import { defaultOsFamily, expectedDaemons, optionalDaemons, osFamilies, unitsFor, type OsFamily } from "./catalog";
import { endpointStates, type IrisEndpointState } from "./iris/merge";
import type { HostProfile } from "./profile/model";
import { restrictLines, type RestrictLine } from "./restrict";
import { deriveRules, type NetworkRule } from "./rules";

/** The parts of the host script that change something, in the order they apply (schedule: `hardening.schedule` is set). */
const partNames = ["distribution", "services", "firewall", "iris", "schedule"] as const;
export type PartName = (typeof partNames)[number];

export interface ServicesPlan {
    /** Units the services part stops, disables and masks where they exist; socket, path and timer units first. */
    readonly units: readonly string[];
    /** Optional units left running: the profile's keep list, plus snmpd when the IRIS monitor needs it. */
    readonly kept: readonly string[];
    /** Client programs of the disabled daemons, made unusable (`chmod 000`). */
    readonly clientBinaries: readonly string[];
    /** Process names the daemon audit accepts (catalog and profile), cut to the 15 characters `ps` shows. */
    readonly allowedDaemons: readonly string[];
}

export interface HardeningPlan {
    readonly profile: HostProfile;
    readonly osFamily: OsFamily;
    /** The parts the profile switches on, in apply order. */
    readonly parts: readonly PartName[];
    /** Security group and host firewall rules (`deriveRules`). */
    readonly rules: readonly NetworkRule[];
    /** `protocol/port` of every ingress rule: what the listener audit expects. */
    readonly expectedPorts: readonly string[];
    readonly services: ServicesPlan;
    /** restrict.txt lines of a GT.M/YottaDB distribution, each with the oldest release that parses it. */
    readonly restrict: readonly RestrictLine[];
}

/** The plan of a validated profile (components validate first: `validateProfile`). */
export function hardeningPlan(profile: HostProfile, osFamily: OsFamily = defaultOsFamily): HardeningPlan {
    const rules = deriveRules(profile);
    return {
        profile,
        osFamily,
        parts: enabledParts(profile),
        rules,
        expectedPorts: [...new Set(rules.filter((r) => r.direction === "ingress").map((r) => `${r.protocol}/${r.port}`))],
        services: servicesPlan(profile, osFamily),
        restrict: profile.distribution ? restrictLines(profile.distribution) : [],
    };
}

function enabledParts(p: HostProfile): PartName[] {
    const on: Record<PartName, boolean> = {
        distribution: p.hardening.distribution && p.distribution !== undefined,
        services: p.hardening.services,
        firewall: p.hardening.firewall,
        iris: p.hardening.irisConfig,
        schedule: p.hardening.schedule !== undefined,
    };
    return partNames.filter((part) => on[part]);
}

/** The catalog's optional units per family, computed once (every host's plan starts from them). */
const byFamily = (units: (f: OsFamily) => string[]) => new Map(osFamilies.map((f) => [f, units(f)] as const));
const optionalUnits = byFamily((f) => unitsFor(f, optionalDaemons));
const snmpUnits = byFamily((f) => unitsFor(f, optionalDaemons.filter((d) => d.daemon === "snmpd")));

function servicesPlan(p: HostProfile, family: OsFamily): ServicesPlan {
    const kept = new Set(p.services.keep);
    if (p.iris?.features.monitor) {
        for (const unit of snmpUnits.get(family)!) kept.add(unit);
    }
    const units = [...new Set([...optionalUnits.get(family)!, ...p.services.disable])].filter((u) => !kept.has(u));
    return {
        units: p.hardening.services ? triggersFirst(units) : [],
        kept: [...kept],
        clientBinaries: optionalDaemons.filter((d) => !d.units[family].some((u) => kept.has(u))).flatMap((d) => d.clientBinaries ?? []),
        allowedDaemons: [...new Set([...expectedDaemons, ...p.services.allowDaemons].map((d) => d.slice(0, 15)))],
    };
}

/** Socket, path and timer units first: stopping a service before its trigger lets the trigger restart it. */
function triggersFirst(units: string[]): string[] {
    const isTrigger = (u: string) => /\.(socket|path|timer)$/.test(u);
    return [...units.filter(isTrigger), ...units.filter((u) => !isTrigger(u))];
}

/** The registered `hardening` output (see above). */
export interface HardeningOutput {
    readonly profile: string;
    readonly product: HostProfile["product"];
    readonly environment: HostProfile["environment"];
    readonly roles: readonly string[];
    readonly osFamily: OsFamily;
    readonly hostFirewall: { readonly enabled: boolean; readonly rules: number };
    readonly serviceDisabling: { readonly enabled: boolean; readonly units: readonly string[]; readonly kept: readonly string[] };
    readonly distributionRestriction: {
        readonly enabled: boolean;
        readonly path?: string;
        readonly group?: string;
        readonly members?: readonly string[];
    };
    readonly networkRules: readonly NetworkRule[];
    /** IRIS hosts whose merge file the plan applies: what it leaves listening (`endpointStates`), for the services-and-ports policy. */
    readonly irisEndpoints?: readonly IrisEndpointState[];
}

export function hardeningOutput(plan: HardeningPlan): HardeningOutput {
    const { profile, parts } = plan;
    const dist = profile.distribution;
    return {
        profile: profile.name,
        product: profile.product,
        environment: profile.environment,
        roles: profile.roles,
        osFamily: plan.osFamily,
        hostFirewall: { enabled: parts.includes("firewall"), rules: plan.rules.filter((r) => r.direction === "ingress").length },
        serviceDisabling: { enabled: parts.includes("services"), units: plan.services.units, kept: plan.services.kept },
        distributionRestriction: dist && parts.includes("distribution")
            ? { enabled: true, path: dist.path, group: dist.group, members: dist.members }
            : { enabled: false },
        networkRules: plan.rules,
        ...(parts.includes("iris") ? { irisEndpoints: endpointStates(profile) } : {}),
    };
}
