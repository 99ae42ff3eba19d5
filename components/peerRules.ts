/**
 * The peer-rule table: which profile list opens which endpoint, in which direction, for which role
 * or IRIS feature. The one place this is written: `deriveRules` (rules.ts) makes the security-group
 * and host-firewall rules from it, the profile's consistency check refuses a list no enabled row
 * uses, and the README's table is rendered from it (a test compares them).
 *
 * Rows are in the order the rules are emitted (ingress first); that order decides which rule's
 * description a CIDR keeps when two rows admit it to the same port.
 */
import { endpoints, type EndpointId, type IrisFeature, type PeerList, type Role } from "./catalog";

export interface PeerRule {
    readonly list: PeerList;
    readonly direction: "ingress" | "egress";
    /** The catalog endpoint; its port is the profile's (`iris.ports`, `network.sshPort`) where the profile sets one. */
    readonly endpoint: EndpointId;
    /** Who needs the rule: a role (any product when absent: SSH), and an IRIS feature on top. */
    readonly role?: Role;
    readonly feature?: IrisFeature;
    /** `arbiter`: the port is the arbiter's own ISCAgent port (`iris.mirror.arbiter.port`) where the profile gives one. */
    readonly peerPort?: "arbiter";
    /** Why the rule exists; only characters AWS accepts in rule descriptions. */
    readonly description: string;
}

export const peerRules: readonly PeerRule[] = [
    { list: "adminCidrs", direction: "ingress", endpoint: "ssh", description: "SSH from admin networks" },
    { list: "appClients", direction: "ingress", endpoint: "superserver", role: "database", description: "IRIS superserver from application clients" },
    { list: "ecpClients", direction: "ingress", endpoint: "superserver", role: "database", feature: "ecp", description: "IRIS superserver (ECP) from ECP application servers" },
    { list: "mirrorMembers", direction: "ingress", endpoint: "superserver", role: "database", feature: "mirror", description: "IRIS superserver (mirroring) from mirror members" },
    { list: "mirrorMembers", direction: "ingress", endpoint: "iscAgent", role: "database", feature: "mirror", description: "ISCAgent from mirror members" },
    // Validation refuses the private web server in production, so enabled means non-production here.
    { list: "adminCidrs", direction: "ingress", endpoint: "webServer", role: "database", feature: "privateWebServer", description: "IRIS private web server from admin networks (non-production)" },
    { list: "jdbcClients", direction: "ingress", endpoint: "jdbcGateway", role: "database", feature: "jdbcGateway", description: "IRIS JDBC gateway from explicitly allowed clients" },
    { list: "licenseServers", direction: "ingress", endpoint: "licenseQueryCallback", role: "database", description: "License query results from license servers (TCP callback)" },
    { list: "snmpManagers", direction: "ingress", endpoint: "snmp", role: "database", feature: "monitor", description: "SNMP (IRIS monitor service) from SNMP managers" },
    { list: "licenseClients", direction: "ingress", endpoint: "licenseServer", role: "license-server", description: "License requests from IRIS instances" },
    { list: "mirrorMembers", direction: "ingress", endpoint: "iscAgent", role: "arbiter", description: "ISCAgent (arbiter) from mirror members" },
    { list: "licenseServers", direction: "egress", endpoint: "licenseServer", role: "database", description: "License requests to license servers" },
    { list: "ecpDataServers", direction: "egress", endpoint: "superserver", role: "database", feature: "ecp", description: "ECP to data servers" },
    { list: "mirrorMembers", direction: "egress", endpoint: "superserver", role: "database", feature: "mirror", description: "IRIS superserver (mirroring) to mirror members" },
    { list: "mirrorMembers", direction: "egress", endpoint: "iscAgent", role: "database", feature: "mirror", description: "ISCAgent on mirror members" },
    { list: "arbiter", direction: "egress", endpoint: "iscAgent", role: "database", feature: "mirror", peerPort: "arbiter", description: "ISCAgent on the arbiter" },
    { list: "snmpManagers", direction: "egress", endpoint: "snmpTrap", role: "database", feature: "monitor", description: "SNMP traps to SNMP managers" },
    { list: "licenseClients", direction: "egress", endpoint: "licenseQueryCallback", role: "license-server", description: "License query results to IRIS instances (TCP callback)" },
];

/** Why a list is refused when none of its rows applies to the profile (the consistency check). */
export const peerListRefusals: Readonly<Record<Exclude<PeerList, "adminCidrs">, string>> = {
    appClients: "superserver clients need the database role",
    ecpClients: "ECP clients need iris.features.ecp: true",
    ecpDataServers: "ECP data servers need iris.features.ecp: true",
    licenseServers: "license servers are used by the database role",
    licenseClients: "license clients are served by the license-server role",
    mirrorMembers: "mirror members need iris.features.mirror: true or the arbiter role",
    arbiter: "an arbiter is used by mirrored database hosts (iris.features.mirror: true)",
    jdbcClients: "JDBC clients need iris.features.jdbcGateway: true",
    snmpManagers: "SNMP managers need iris.features.monitor: true on a database host",
};

/** Whether a row applies to a host with these roles and IRIS features (none: not IRIS). */
export function ruleApplies(rule: PeerRule, roles: readonly Role[], features: Readonly<Record<IrisFeature, boolean>> | undefined): boolean {
    if (rule.role === undefined) return true;
    if (!features || !roles.includes(rule.role)) return false;
    return rule.feature === undefined || features[rule.feature];
}

/** The README's table of the rows, so the documentation cannot drift from the code. */
export function peerRuleMarkdown(): string {
    const needs = (r: PeerRule) => [r.role ? `${r.role} role` : "always", ...(r.feature ? [`\`iris.features.${r.feature}\``] : [])].join(" + ");
    return [
        "| profile list | direction | endpoint (default port) | needs | rule |",
        "| --- | --- | --- | --- | --- |",
        ...peerRules.map((r) => `| \`${r.list}\` | ${r.direction} | ${r.endpoint} (${endpoints[r.endpoint].port}/${endpoints[r.endpoint].protocol}) | ${needs(r)} | ${r.description} |`),
    ].join("\n");
}
