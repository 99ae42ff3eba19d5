/**
 * The hardening plan: what the module will do to a host, as plain data.
 *
 * Components register it as their `hardening` output so a stack policy (which sees a
 * component's registered outputs, not its inputs) can check that a database host carries
 * distribution restriction and service disabling, and so `pulumi stack output` shows it.
 */
import { optionalDaemons, unitsFor, type OsFamily } from "./catalog";
import type { HostProfile } from "./profile";
import { deriveRules, type NetworkRule } from "./rules";

export interface HardeningPlan {
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
}

/** Optional units kept on this host: the profile's keep list, plus snmpd when the IRIS monitor needs it. */
export function keptUnits(profile: HostProfile, family: OsFamily): string[] {
    const kept = new Set(profile.services.keep);
    if (profile.iris?.features.monitor) {
        for (const unit of unitsFor(family, optionalDaemons.filter((d) => d.daemon === "snmpd"))) kept.add(unit);
    }
    return [...kept];
}

/** Units the host script stops, disables and masks where they exist. */
export function unitsToDisable(profile: HostProfile, family: OsFamily): string[] {
    const kept = new Set(keptUnits(profile, family));
    return [...new Set([...unitsFor(family, optionalDaemons), ...profile.services.disable])].filter((u) => !kept.has(u));
}

export function hardeningPlan(profile: HostProfile, family: OsFamily = "debian"): HardeningPlan {
    const rules = deriveRules(profile);
    const dist = profile.distribution;
    return {
        profile: profile.name,
        product: profile.product,
        environment: profile.environment,
        roles: profile.roles,
        osFamily: family,
        hostFirewall: { enabled: profile.hardening.firewall, rules: rules.filter((r) => r.direction === "ingress").length },
        serviceDisabling: {
            enabled: profile.hardening.services,
            units: profile.hardening.services ? unitsToDisable(profile, family) : [],
            kept: keptUnits(profile, family),
        },
        distributionRestriction: dist && profile.hardening.distribution
            ? { enabled: true, path: dist.path, group: dist.group, members: dist.members }
            : { enabled: false },
        networkRules: rules,
    };
}
