/**
 * Derives the network rules a host needs from its profile and the catalog.
 *
 * This is the one derivation both enforcement points use: the AWS security group
 * (components/securityGroup.ts) and the host firewall rendered by the host script.
 * Only what a role or feature in the profile needs is opened.
 */
import { irisEndpoints, osEndpoints, type Protocol } from "./catalog";
import type { HostProfile } from "./profile";
import { parseCidr } from "./cidr";

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

type Draft = Omit<NetworkRule, "cidrs"> & { cidrs: readonly string[] };

/**
 * The rules, ingress first, in a stable order. A CIDR already allowed for the same direction,
 * protocol and port by an earlier rule is not repeated (AWS rejects duplicate permissions).
 */
export function deriveRules(profile: HostProfile): NetworkRule[] {
    const drafts = [...ingressDrafts(profile), ...egressDrafts(profile)];
    const covered = new Map<string, Set<string>>();
    const rules: NetworkRule[] = [];
    for (const draft of drafts) {
        const key = `${draft.direction}/${draft.protocol}/${draft.port}`;
        const seen = covered.get(key) ?? new Set<string>();
        covered.set(key, seen);
        const cidrs = [...new Set(draft.cidrs)].filter((c) => !seen.has(c));
        cidrs.forEach((c) => seen.add(c));
        if (cidrs.length > 0) rules.push({ ...draft, cidrs });
    }
    return rules;
}

function ingressDrafts(p: HostProfile): Draft[] {
    const n = p.network;
    const rule = (endpoint: string, protocol: Protocol, port: number, cidrs: readonly string[], description: string): Draft =>
        ({ direction: "ingress", endpoint, protocol, port, cidrs, description });
    const drafts: Draft[] = [rule("ssh", osEndpoints.ssh.protocol, n.sshPort, n.adminCidrs, "SSH from admin networks")];
    const iris = p.iris;
    if (iris) {
        const { ports, features } = iris;
        const tcp = "tcp" as const;
        if (p.roles.includes("database")) {
            drafts.push(rule("superserver", tcp, ports.superserver, n.appClients, "IRIS superserver from application clients"));
            if (features.ecp) drafts.push(rule("superserver", tcp, ports.superserver, n.ecpClients, "IRIS superserver (ECP) from ECP application servers"));
            if (features.mirror) {
                drafts.push(
                    rule("superserver", tcp, ports.superserver, n.mirrorMembers, "IRIS superserver (mirroring) from mirror members"),
                    rule("iscAgent", tcp, ports.iscAgent, n.mirrorMembers, "ISCAgent from mirror members"),
                );
            }
            // Validation refuses the private web server in production, so enabled means non-production here.
            if (features.privateWebServer) drafts.push(rule("webServer", tcp, ports.webServer, n.adminCidrs, "IRIS private web server from admin networks (non-production)"));
            if (features.jdbcGateway) drafts.push(rule("jdbcGateway", tcp, ports.jdbcGateway, n.jdbcClients, "IRIS JDBC gateway from explicitly allowed clients"));
            drafts.push(rule("licenseQueryCallback", irisEndpoints.licenseQueryCallback.protocol, ports.licenseServer, n.licenseServers, "License query results from license servers (TCP callback)"));
            if (features.monitor) drafts.push(rule("snmp", irisEndpoints.snmp.protocol, irisEndpoints.snmp.port, n.snmpManagers, "SNMP (IRIS monitor service) from SNMP managers"));
        }
        if (p.roles.includes("license-server")) {
            drafts.push(rule("licenseServer", irisEndpoints.licenseServer.protocol, ports.licenseServer, n.licenseClients, "License requests from IRIS instances"));
        }
        if (p.roles.includes("arbiter")) {
            drafts.push(rule("iscAgent", tcp, ports.iscAgent, n.mirrorMembers, "ISCAgent (arbiter) from mirror members"));
        }
    }
    for (const custom of n.ingress) drafts.push(rule(`custom:${custom.name}`, custom.protocol, custom.port, custom.from, `Declared ingress ${custom.name}`));
    return drafts;
}

function egressDrafts(p: HostProfile): Draft[] {
    const n = p.network;
    const rule = (endpoint: string, protocol: Protocol, port: number, cidrs: readonly string[], description: string): Draft =>
        ({ direction: "egress", endpoint, protocol, port, cidrs, description });
    const drafts: Draft[] = [];
    const iris = p.iris;
    if (iris) {
        const { ports, features } = iris;
        const tcp = "tcp" as const;
        if (p.roles.includes("database")) {
            drafts.push(rule("licenseServer", irisEndpoints.licenseServer.protocol, ports.licenseServer, n.licenseServers, "License requests to license servers"));
            if (features.ecp) drafts.push(rule("superserver", tcp, ports.superserver, n.ecpDataServers, "ECP to data servers"));
            if (features.mirror) {
                drafts.push(
                    rule("superserver", tcp, ports.superserver, n.mirrorMembers, "IRIS superserver (mirroring) to mirror members"),
                    rule("iscAgent", tcp, ports.iscAgent, n.mirrorMembers, "ISCAgent on mirror members"),
                    rule("iscAgent", tcp, ports.iscAgent, n.arbiter, "ISCAgent on the arbiter"),
                );
            }
            if (features.monitor) drafts.push(rule("snmpTrap", irisEndpoints.snmpTrap.protocol, irisEndpoints.snmpTrap.port, n.snmpManagers, "SNMP traps to SNMP managers"));
        }
        if (p.roles.includes("license-server")) {
            drafts.push(rule("licenseQueryCallback", irisEndpoints.licenseQueryCallback.protocol, ports.licenseServer, n.licenseClients, "License query results to IRIS instances (TCP callback)"));
        }
    }
    for (const custom of n.egress) drafts.push(rule(`custom:${custom.name}`, custom.protocol, custom.port, custom.to, `Declared egress ${custom.name}`));
    return drafts;
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
