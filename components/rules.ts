/**
 * Derives the network rules a host needs from its profile and the catalog.
 *
 * This is the one derivation both enforcement points use: the AWS security group
 * (components/securityGroup.ts) and the host firewall rendered by the host script.
 * Only what a role or feature in the profile needs is opened: the rows of the peer-rule table
 * (peerRules.ts) that apply, and the rules the profile declares.
 */
import { configurableIrisPorts, endpoints, type ConfigurableIrisPort, type EndpointId, type Protocol } from "./catalog";
import { parseCidr } from "./cidr";
import { peerRules, ruleApplies } from "./peerRules";
import type { DeclaredRule, HostProfile } from "./profile/model";

export type Direction = "ingress" | "egress";

export interface NetworkRule {
    readonly direction: Direction;
    /** Catalog endpoint id, or `custom:<name>` for profile-declared rules. */
    readonly endpoint: string;
    readonly protocol: Protocol;
    readonly port: number;
    /** Peers: sources for ingress, destinations for egress. Never empty. */
    readonly cidrs: readonly string[];
    /** Why the rule exists; uses only characters AWS accepts in rule descriptions. */
    readonly description: string;
}

/**
 * The rules, ingress first, in a stable order. A CIDR already allowed for the same direction,
 * protocol and port by an earlier rule is not repeated (AWS rejects duplicate permissions).
 */
export function deriveRules(profile: HostProfile): NetworkRule[] {
    const covered = new Map<string, Set<string>>();
    const rules: NetworkRule[] = [];
    for (const draft of drafts(profile)) {
        const key = `${draft.direction}/${draft.protocol}/${draft.port}`;
        const seen = covered.get(key) ?? new Set<string>();
        covered.set(key, seen);
        const cidrs = [...new Set(draft.cidrs)].filter((c) => !seen.has(c));
        cidrs.forEach((c) => seen.add(c));
        if (cidrs.length > 0) rules.push({ ...draft, cidrs });
    }
    return rules;
}

/** The drafts of the table's rows that apply, then the profile's declared rules, ingress first. */
function drafts(p: HostProfile): NetworkRule[] {
    const n = p.network;
    const fromTable = peerRules
        .filter((r) => ruleApplies(r, p.roles, p.iris?.features))
        .map((r): NetworkRule => ({ direction: r.direction, endpoint: r.endpoint, protocol: endpoints[r.endpoint].protocol, port: (r.peerPort === "arbiter" ? p.iris?.mirror?.arbiter?.port : undefined) ?? endpointPort(p, r.endpoint), cidrs: n[r.list], description: r.description }));
    const declared = (direction: Direction, rule: DeclaredRule, cidrs: readonly string[]): NetworkRule =>
        ({ direction, endpoint: `custom:${rule.name}`, protocol: rule.protocol, port: rule.port, cidrs, description: `Declared ${direction} ${rule.name}` });
    return [
        ...fromTable.filter((d) => d.direction === "ingress"),
        ...n.ingress.map((rule) => declared("ingress", rule, rule.from)),
        ...fromTable.filter((d) => d.direction === "egress"),
        ...n.egress.map((rule) => declared("egress", rule, rule.to)),
    ];
}

/** The port the profile gives an endpoint: SSH and the configurable IRIS ports are the profile's; the license callback shares the license port. */
function endpointPort(p: HostProfile, endpoint: EndpointId): number {
    if (endpoint === "ssh") return p.network.sshPort;
    const ports = p.iris?.ports;
    if (ports && endpoint === "licenseQueryCallback") return ports.licenseServer;
    if (ports && (configurableIrisPorts as readonly string[]).includes(endpoint)) return ports[endpoint as ConfigurableIrisPort];
    return endpoints[endpoint].port;
}

/** Splits validated CIDRs by address family (AWS and nftables take them separately). */
export function splitByFamily(cidrs: readonly string[]): { v4: string[]; v6: string[] } {
    const v4: string[] = [];
    const v6: string[] = [];
    for (const c of cidrs) {
        const parsed = parseCidr(c);
        if (typeof parsed === "string") throw new Error(`internal: unvalidated CIDR ${c}`);
        (parsed.family === 4 ? v4 : v6).push(c);
    }
    return { v4, v6 };
}
