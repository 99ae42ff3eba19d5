/**
 * Security-group policies: every rule of every security group and rule resource in the stack,
 * inline (`ingress`/`egress` blocks) or standalone (`ec2.SecurityGroupRule`,
 * `vpc.SecurityGroupIngressRule`/`EgressRule`), with port ranges and "all traffic" rules
 * counted as opening every port they cover.
 *
 * A resource policy cannot see what a group is attached to (instances, launch templates,
 * network interfaces, other stacks), so these policies treat every group in a stack they run
 * on as one that may guard a database host. Ports and their meaning come from the catalog.
 */
import { irisEndpoints, sensitivePorts, type IrisEndpointId, type OsEndpointId, type Protocol } from "../components/catalog";
import type { ControlId } from "../components/controls";
import { cidrList, networksOf, portList, privateNetworks, productionOf, productionProperties, productionReason, type ProductionConfig } from "./config";
import {
    catalogEndpoints,
    covers,
    describeEndpoints,
    describeRule,
    onPorts,
    peersOutside,
    ruleTypeList,
    rulesOf,
    worldPeers,
    type Direction,
    type Endpoint,
    type Network,
    type SgRule,
} from "./network";
import { configReader, forTypes, notApplicable, resourcePolicy, schemaOf, type Properties } from "./policy";

/** Rules in one direction that cover at least one endpoint, with the endpoints they cover. */
function coveringRules(rules: readonly SgRule[], direction: Direction, endpoints: readonly Endpoint[]): { rule: SgRule; covered: Endpoint[] }[] {
    return rules
        .filter((rule) => rule.direction === direction)
        .map((rule) => ({ rule, covered: endpoints.filter((e) => covers(rule, e)) }))
        .filter(({ covered }) => covered.length > 0);
}

// ---------------------------------------------------------------------------------------------

interface WorldConfig {
    additionalPorts: { port: number; protocol: Protocol }[];
}
export const worldProperties: Properties<WorldConfig> = {
    additionalPorts: {
        type: "array",
        items: {
            type: "object",
            properties: { port: { type: "integer", minimum: 1, maximum: 65535 }, protocol: { enum: ["tcp", "udp"] } },
            required: ["port", "protocol"],
            additionalProperties: false,
        },
        description: `Ports beyond the catalog defaults to treat as database endpoints (e.g. a superserver moved off ${irisEndpoints.superserver.port}).`,
        default: [],
    },
};
/** SSH is administration, not a database endpoint; `ssh-from-admin-networks-only` governs it. */
const worldEndpoints: readonly Endpoint[] = sensitivePorts.filter((p) => p.name !== "ssh");
export const worldConfig = configReader(worldProperties, (c): Endpoint[] => [
    ...worldEndpoints,
    ...c.additionalPorts.map((p) => ({ name: "configured", port: p.port, protocol: p.protocol })),
]);

/** IRIS document, "IP Protocols"; YottaDB recommendations: "behind layers of defenses that permit only legitimate accesses". */
export const noWorldIngressToDatabasePorts = resourcePolicy({
    name: "no-world-ingress-to-database-ports",
    description: "No security group admits the whole internet (0.0.0.0/0, ::/0) to a database or database-host service port.",
    control: "MDBH-NET-001",
    enforcementLevel: "mandatory",
    remediationSteps: "Replace the /0 source with the networks that need the service (application clients, peers), or remove the rule. Narrow 'all traffic' and port-range rules so they do not cover the port.",
    configSchema: schemaOf(worldProperties),
    validateResource: forTypes(ruleTypeList, (props, args, report) => {
        for (const { rule, covered } of coveringRules(rulesOf(args.type, props), "ingress", worldConfig(args))) {
            const world = worldPeers(rule.peers());
            if (world.length > 0) report(`${describeRule(rule)} admits ${world.join(", ")} to ${describeEndpoints(covered)}.`);
        }
    }),
});

// ---------------------------------------------------------------------------------------------

/** What a policy that admits an endpoint only from configured networks needs to know. */
interface OnlyFrom<N extends string, K extends string> {
    readonly name: N;
    readonly control: ControlId;
    readonly description: string;
    readonly remediationSteps: string;
    readonly endpoint: IrisEndpointId | OsEndpointId;
    /** What the endpoint is, in messages: "the JDBC gateway". */
    readonly what: string;
    readonly ports: string;
    /** The config property listing the networks, its description and default, and who they are in messages. */
    readonly networks: { readonly property: K; readonly description: string; readonly default: readonly string[]; readonly who: string };
}

/** A mandatory policy: ingress to `endpoint` (on its configured ports) only from the configured networks. */
function onlyFrom<const N extends string, const K extends string>(spec: OnlyFrom<N, K>) {
    type Config = { ports: number[] } & Record<K, string[]>;
    const endpoint = catalogEndpoints([spec.endpoint])[0];
    const properties = {
        ports: portList(spec.ports, [endpoint.port]),
        [spec.networks.property]: cidrList(spec.networks.description, spec.networks.default),
    } as Properties<Config>;
    const read = configReader(properties, (c) => ({ endpoints: onPorts(endpoint, c.ports), allowed: networksOf(spec.networks.property, c[spec.networks.property]) }));
    return resourcePolicy({
        name: spec.name,
        control: spec.control,
        description: spec.description,
        enforcementLevel: "mandatory",
        remediationSteps: spec.remediationSteps,
        configSchema: schemaOf(properties),
        validateResource: forTypes(ruleTypeList, (props, args, report) => {
            const { endpoints, allowed } = read(args);
            for (const { rule, covered } of coveringRules(rulesOf(args.type, props), "ingress", endpoints)) {
                const outside = peersOutside(rule.peers(), allowed);
                if (outside.length > 0) report(`${describeRule(rule)} opens ${spec.what} (${describeEndpoints(covered)}) to ${outside.join(", ")}, outside ${spec.networks.who}.`);
            }
        }),
    });
}

/** IRIS document, "IP Protocols" ([SQL] JDBCGatewayPort) and "Gateways"; the catalog keeps the gateway on the host. */
export const jdbcGatewayNotExposed = onlyFrom({
    name: "jdbc-gateway-not-exposed",
    control: "MDBH-NET-002",
    description: "The IRIS JDBC gateway port is not open to other hosts.",
    remediationSteps: "Remove ingress to the JDBC gateway port. If off-host clients really need it, list their CIDRs in this policy's allowedCidrs (and in the profile's network.jdbcClients).",
    endpoint: "jdbcGateway",
    what: "the JDBC gateway",
    ports: `JDBC gateway ports. ${irisEndpoints.jdbcGateway.note}`,
    networks: { property: "allowedCidrs", description: "Off-host JDBC clients that may reach the gateway; empty means the gateway is never reachable.", default: [], who: "the allowed JDBC clients" },
});

// ---------------------------------------------------------------------------------------------

type WebServerConfig = ProductionConfig & { ports: number[] };
const webServerProperties: Properties<WebServerConfig> = {
    ports: portList("Private web server ports.", [irisEndpoints.webServer.port]),
    ...productionProperties,
};
const webServerConfig = configReader(webServerProperties, (c) => ({
    endpoints: onPorts(catalogEndpoints(["webServer"])[0], c.ports),
    production: productionOf(c),
}));

/** IRIS document, "IP Protocols": the private web server "is not recommended for production environments". */
export const privateWebServerClosedInProduction = resourcePolicy({
    name: "private-web-server-closed-in-production",
    description: "In production, no security group opens the IRIS private web server port.",
    control: "MDBH-NET-003",
    enforcementLevel: "mandatory",
    remediationSteps: "Serve the Management Portal through the Web Gateway on a real web server and remove ingress to the private web server port; keep features.privateWebServer off in production profiles.",
    configSchema: schemaOf(webServerProperties),
    validateResource: forTypes(ruleTypeList, (props, args, report) => {
        const { endpoints, production } = webServerConfig(args);
        const open = coveringRules(rulesOf(args.type, props), "ingress", endpoints);
        if (open.length === 0) return;
        const reason = productionReason(production, args, props);
        if (reason === undefined) notApplicable(args, "not production (stack name, stack tags and resource tags say otherwise)");
        for (const { rule, covered } of open) report(`${describeRule(rule)} opens the private web server (${describeEndpoints(covered)}) in production (${reason}).`);
    }),
});

// ---------------------------------------------------------------------------------------------

interface LegacyConfig {
    snmpManagerCidrs: string[];
}
const legacyProperties: Properties<LegacyConfig> = {
    snmpManagerCidrs: cidrList("SNMP managers that may poll the agent when the IRIS monitor service is used (the profile's network.snmpManagers); empty means SNMP is never open.", []),
};
const legacyConfig = configReader(legacyProperties, (c) => networksOf("snmpManagerCidrs", c.snmpManagerCidrs));
const legacyEndpoints = catalogEndpoints(["telnet", "telnetd", "snmp", "agentx", "rpcbindTcp", "rpcbindUdp", "nfsTcp", "nfsUdp"]);
const snmp = catalogEndpoints(["snmp"])[0];

/** "Killing Daemons": portmap, NFS, inetd (telnet) and snmpd off on a server; IRIS document, "SNMP" and "Telnet". */
export const legacyServicesClosed = resourcePolicy({
    name: "legacy-services-closed",
    description: "Telnet, SNMP/AgentX, rpcbind (portmap) and NFS ports are not open to a database host.",
    control: "MDBH-NET-004",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove ingress to these ports; the host hardening disables the daemons behind them. When the IRIS monitor service is used, list the SNMP managers in this policy's snmpManagerCidrs.",
    configSchema: schemaOf(legacyProperties),
    validateResource: forTypes(ruleTypeList, (props, args, report) => {
        const managers = legacyConfig(args);
        for (const { rule, covered } of coveringRules(rulesOf(args.type, props), "ingress", legacyEndpoints)) {
            const peers = rule.peers();
            const closed = covered.filter((e) => e !== snmp);
            const everyone = [...peers.cidrs, ...peers.others];
            if (closed.length > 0 && everyone.length > 0) report(`${describeRule(rule)} opens ${describeEndpoints(closed)} to ${everyone.join(", ")}.`);
            const notManagers = covered.includes(snmp) ? peersOutside(peers, managers) : [];
            if (notManagers.length > 0) report(`${describeRule(rule)} opens ${describeEndpoints([snmp])} to ${notManagers.join(", ")}, which are not configured SNMP managers.`);
        }
    }),
});

// ---------------------------------------------------------------------------------------------

/** YottaDB recommendations: "Restrict access to a system on which YottaDB runs to those who legitimately need it." */
export const sshFromAdminNetworksOnly = onlyFrom({
    name: "ssh-from-admin-networks-only",
    control: "MDBH-NET-005",
    description: "SSH is open only from the configured administration networks.",
    remediationSteps: "Limit SSH ingress to the admin CIDRs (the profile's network.adminCidrs) and list the same CIDRs in this policy's adminCidrs. Rules naming security groups or prefix lists cannot be checked: use CIDRs.",
    endpoint: "ssh",
    what: "SSH",
    ports: "SSH ports (the profile's network.sshPort).",
    networks: {
        property: "adminCidrs",
        description: "Administration networks SSH may come from. The default, private address space, only keeps SSH off the internet: set your admin networks.",
        default: privateNetworks,
        who: "the admin networks",
    },
});

// ---------------------------------------------------------------------------------------------

interface LicenseConfig {
    licenseServerCidrs: string[];
    instanceCidrs: string[];
    ports: number[];
}
const licenseProperties: Properties<LicenseConfig> = {
    licenseServerCidrs: cidrList("The declared license servers (the profiles' network.licenseServers).", privateNetworks),
    instanceCidrs: cidrList("The IRIS instances that use them (the license server profile's network.licenseClients).", privateNetworks),
    ports: portList("License server ports; the query callback uses the same port over TCP.", [irisEndpoints.licenseServer.port]),
};
const [licenseUdp, licenseCallback] = catalogEndpoints(["licenseServer", "licenseQueryCallback"]);
const licenseConfig = configReader(licenseProperties, (c) => {
    const servers = { networks: networksOf("licenseServerCidrs", c.licenseServerCidrs), who: "declared license servers" };
    const instances = { networks: networksOf("instanceCidrs", c.instanceCidrs), who: "IRIS instances" };
    // Who may be at the other end of each kind of license traffic, seen from the host the rule guards.
    return [
        { direction: "ingress", endpoints: onPorts(licenseUdp, c.ports), peers: instances },
        { direction: "egress", endpoints: onPorts(licenseUdp, c.ports), peers: servers },
        { direction: "ingress", endpoints: onPorts(licenseCallback, c.ports), peers: servers },
        { direction: "egress", endpoints: onPorts(licenseCallback, c.ports), peers: instances },
    ] satisfies { direction: Direction; endpoints: Endpoint[]; peers: { networks: Network[]; who: string } }[];
});

/** IRIS document, "IP Protocols" (UDP): instances and the license server talk over UDP, with a TCP callback for queries. */
export const licenseTrafficBetweenDeclaredPeers = resourcePolicy({
    name: "license-traffic-between-declared-peers",
    description: "License traffic (UDP, and its TCP query callback) flows only between IRIS instances and the declared license servers.",
    control: "MDBH-NET-006",
    enforcementLevel: "advisory",
    remediationSteps: "Limit rules on the license port to the license servers and their instances, and declare them in this policy's licenseServerCidrs and instanceCidrs. An allow-all egress rule also covers the license port: replace it with the destinations the host needs.",
    configSchema: schemaOf(licenseProperties),
    validateResource: forTypes(ruleTypeList, (props, args, report) => {
        const rules = rulesOf(args.type, props);
        for (const check of licenseConfig(args)) {
            for (const { rule, covered } of coveringRules(rules, check.direction, check.endpoints)) {
                const outside = peersOutside(rule.peers(), check.peers.networks);
                if (outside.length > 0) report(`${describeRule(rule)} carries ${describeEndpoints(covered)} to or from ${outside.join(", ")}, which are not ${check.peers.who}.`);
            }
        }
    }),
});

export const securityGroupPolicies = [
    noWorldIngressToDatabasePorts,
    jdbcGatewayNotExposed,
    privateWebServerClosedInProduction,
    legacyServicesClosed,
    sshFromAdminNetworksOnly,
    licenseTrafficBetweenDeclaredPeers,
];
