/**
 * Cross-field checks of a profile whose fields are each valid: a peer list needs a role or feature
 * that uses it (the peer-rule table says which), and no two listeners share a port.
 */
import { configurableIrisPorts, irisEndpoints, products, type Protocol } from "../catalog";
import { cidrContains } from "../cidr";
import { peerListRefusals, peerRules, ruleApplies } from "../peerRules";
import type { Issues } from "../validate";
import { productionEnvironment, type HostProfile, type PeerList, type Role } from "./model";

export function checkConsistency(issues: Issues, p: HostProfile): void {
    checkPeerLists(issues, p);
    checkPortCollisions(issues, p);
}

/** A peer list only makes sense with a role or feature whose rule uses it. */
function checkPeerLists(issues: Issues, p: HostProfile): void {
    const n = p.network;
    const has = (role: Role) => p.roles.includes(role);
    const lists = Object.keys(peerListRefusals) as (keyof typeof peerListRefusals)[];
    for (const list of lists) {
        if (n[list].length === 0 || peerRules.some((r) => r.list === list && ruleApplies(r, p.roles, p.iris?.features))) continue;
        const why = p.iris
            ? peerListRefusals[list]
            : `is an IRIS setting; ${products[p.product].displayName} has no network listener of its own — declare the application's listener in network.ingress`;
        issues.fail(`network.${list}`, n[list], why);
    }
    if (!p.iris) return;
    const f = p.iris.features;
    if (f.privateWebServer && p.environment === productionEnvironment) {
        issues.fail("iris.features.privateWebServer", true, "the private web server is for development and must not run in production (environment: production); serve the Management Portal through a Web Gateway");
    }
    const needs = (list: PeerList, when: boolean, why: string) => {
        if (when && n[list].length === 0) issues.fail(`network.${list}`, n[list], why);
    };
    needs("licenseClients", has("license-server"), "a license server needs the instances it serves");
    needs("mirrorMembers", (f.mirror && has("database")) || has("arbiter"), "mirroring needs the other members' addresses");
    if (f.ecp && !has("database")) issues.fail("iris.features.ecp", true, "ECP is served by the database role");
    const m = p.iris.mirror;
    if (m?.arbiter && !n.arbiter.some((cidr) => cidrContains(cidr, m.arbiter!.address))) {
        issues.fail("iris.mirror.arbiter.address", m.arbiter.address, "is not in network.arbiter, the list the firewall lets the host reach the arbiter in");
    }
    // A superserver bound to one address refuses the clients that come to the mirror's virtual address.
    if (m?.virtualAddress !== undefined && p.iris.superserverBindAddress !== undefined && m.virtualAddress !== p.iris.superserverBindAddress) {
        issues.fail("iris.superserverBindAddress", p.iris.superserverBindAddress, `binds the superserver to one address, so clients of the mirror's virtual address ${m.virtualAddress} (iris.mirror.virtualAddress) are refused`);
    }
}

/** Every port the profile configures on the host, used or not, with what it belongs to. */
function configuredPorts(p: HostProfile): { name: string; port: number; protocol: Protocol }[] {
    const out: { name: string; port: number; protocol: Protocol }[] = [{ name: "ssh", port: p.network.sshPort, protocol: "tcp" }];
    if (p.iris) {
        const ports = p.iris.ports;
        // All configured IRIS ports count, used or not: the instance's configuration holds them all.
        out.push(
            { name: "superserver", port: ports.superserver, protocol: "tcp" },
            { name: "webServer", port: ports.webServer, protocol: "tcp" },
            { name: "jdbcGateway", port: ports.jdbcGateway, protocol: "tcp" },
            { name: "iscAgent", port: ports.iscAgent, protocol: "tcp" },
            { name: "licenseQueryCallback", port: ports.licenseServer, protocol: "tcp" },
        );
        if (p.roles.includes("license-server")) out.push({ name: "licenseServer", port: ports.licenseServer, protocol: "udp" });
        if (p.iris.features.monitor) out.push({ name: "snmp", port: irisEndpoints.snmp.port, protocol: "udp" }, { name: "agentx", port: irisEndpoints.agentx.port, protocol: "tcp" });
    }
    for (const rule of p.network.ingress) out.push({ name: `ingress ${rule.name}`, port: rule.port, protocol: rule.protocol });
    return out;
}

function checkPortCollisions(issues: Issues, p: HostProfile): void {
    const seen = new Map<string, string>();
    for (const l of configuredPorts(p)) {
        const key = `${l.port}/${l.protocol}`;
        const other = seen.get(key);
        if (other) issues.fail(portField(l.name), l.port, `port collision: ${other} and ${l.name} both use ${key}`);
        else seen.set(key, l.name);
    }
}

function portField(listener: string): string {
    if (listener === "ssh") return "network.sshPort";
    if (listener.startsWith("ingress ")) return `network.ingress (${listener.slice(8)}).port`;
    if (listener === "licenseQueryCallback") return "iris.ports.licenseServer";
    if ((configurableIrisPorts as readonly string[]).includes(listener)) return `iris.ports.${listener}`;
    return listener;
}
