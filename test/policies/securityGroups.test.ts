import { describe, expect, it } from "vitest";
import { irisEndpoints, osEndpoints } from "../../components/catalog";
import { ruleTypes } from "../../policies/network";
import {
    jdbcGatewayNotExposed,
    legacyServicesClosed,
    licenseTrafficBetweenDeclaredPeers,
    noWorldIngressToDatabasePorts,
    privateWebServerClosedInProduction,
    sshFromAdminNetworksOnly,
} from "../../policies/securityGroups";
import { evaluate, type Resource, type RunOptions } from "../helpers/policies/harness";
import { securityGroup, tcp, udp } from "../helpers/policies/resources";

const { superserver, webServer, jdbcGateway, licenseServer, snmp, agentx } = irisEndpoints;
const { ssh, rpcbindUdp, nfsTcp, telnetd } = osEndpoints;

async function messages(policy: Parameters<typeof evaluate>[0][number], resource: Resource, options?: RunOptions): Promise<string[]> {
    const result = await evaluate([policy], [resource], options);
    return result.diagnostics.map((d) => d.message.split("\n")[1]);
}

describe("no-world-ingress-to-database-ports", () => {
    const policy = noWorldIngressToDatabasePorts;

    it("flags IPv4 and IPv6 world sources on a database port", async () => {
        expect(await messages(policy, securityGroup("sg", [tcp(superserver.port, "0.0.0.0/0")]))).toEqual([
            "ingress[0] (tcp 1972) admits 0.0.0.0/0 to superserver 1972/tcp.",
        ]);
        expect(await messages(policy, securityGroup("sg", [{ ...tcp(superserver.port), ipv6CidrBlocks: ["::/0"] }]))).toEqual([
            "ingress[0] (tcp 1972) admits ::/0 to superserver 1972/tcp.",
        ]);
    });

    it("counts port ranges and all-traffic rules that cover a database port", async () => {
        const range = await messages(policy, securityGroup("sg", [{ protocol: "udp", fromPort: 4000, toPort: 4005, cidrBlocks: ["0.0.0.0/0"] }]));
        expect(range).toEqual([`ingress[0] (udp 4000-4005) admits 0.0.0.0/0 to licenseServer ${licenseServer.port}/udp.`]);
        for (const protocol of ["-1", "all", "ALL"]) {
            const [message] = await messages(policy, securityGroup("sg", [{ protocol, fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]));
            expect(message).toMatch(/^ingress\[0\] \(all traffic\) admits 0\.0\.0\.0\/0 to superserver 1972\/tcp, webServer 52773\/tcp, /);
        }
        // Protocol numbers: 6 is TCP.
        expect(await messages(policy, securityGroup("sg", [{ protocol: "6", fromPort: 1900, toPort: 2000, cidrBlocks: ["0.0.0.0/0"] }]))).toEqual([
            "ingress[0] (tcp 1900-2000) admits 0.0.0.0/0 to superserver 1972/tcp.",
        ]);
    });

    it("reads standalone rule resources of both kinds", async () => {
        const classic: Resource = { type: ruleTypes.securityGroupRule, name: "r", props: { type: "ingress", ...tcp(webServer.port, "0.0.0.0/0"), securityGroupId: "sg-1" } };
        expect(await messages(policy, classic)).toEqual(["ingress (tcp 52773) admits 0.0.0.0/0 to webServer 52773/tcp."]);
        const vpc: Resource = { type: ruleTypes.ingressRule, name: "r", props: { ipProtocol: "-1", cidrIpv6: "::/0", securityGroupId: "sg-1" } };
        expect((await messages(policy, vpc))[0]).toMatch(/^ingress \(all traffic\) admits ::\/0 to superserver/);
    });

    it("reads aws-native security groups and their rule resources (CloudFormation property names)", async () => {
        const group: Resource = {
            type: ruleTypes.nativeSecurityGroup,
            name: "native",
            props: {
                groupDescription: "db",
                securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 1972, toPort: 1972, cidrIp: "10.1.0.0/24" }, { ipProtocol: "tcp", fromPort: 1972, toPort: 1972, cidrIp: "0.0.0.0/0" }],
                securityGroupEgress: [{ ipProtocol: "-1", cidrIp: "0.0.0.0/0" }],
            },
        };
        expect(await messages(policy, group)).toEqual(["securityGroupIngress[1] (tcp 1972) admits 0.0.0.0/0 to superserver 1972/tcp."]);
        const rule: Resource = { type: ruleTypes.nativeIngress, name: "r", props: { groupId: "sg-1", ipProtocol: "-1", cidrIpv6: "::/0" } };
        expect((await messages(policy, rule))[0]).toMatch(/^ingress \(all traffic\) admits ::\/0 to superserver/);
        const privateRule: Resource = { type: ruleTypes.nativeIngress, name: "r", props: { groupId: "sg-1", ipProtocol: "tcp", fromPort: 1972, toPort: 1972, sourcePrefixListId: "pl-1" } };
        expect(await messages(policy, privateRule)).toEqual([]);
        // Another policy reads the same rules: SSH from a prefix list cannot be checked, and says so.
        const ssh22: Resource = { type: ruleTypes.nativeIngress, name: "r", props: { groupId: "sg-1", ipProtocol: "tcp", fromPort: ssh.port, toPort: ssh.port, sourcePrefixListId: "pl-1" } };
        expect((await messages(sshFromAdminNetworksOnly, ssh22))[0]).toMatch(/prefix list pl-1/);
    });

    it("passes private sources, world sources on other ports, egress and SSH (another policy's concern)", async () => {
        const sg = securityGroup(
            "sg",
            [tcp(superserver.port, "10.1.0.0/24"), tcp(443, "0.0.0.0/0"), tcp(ssh.port, "0.0.0.0/0")],
            [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        );
        expect(await messages(policy, sg)).toEqual([]);
        const egressRule: Resource = { type: ruleTypes.egressRule, name: "r", props: { ipProtocol: "tcp", fromPort: 1972, toPort: 1972, cidrIpv4: "0.0.0.0/0" } };
        expect(await messages(policy, egressRule)).toEqual([]);
    });

    it("takes additional ports from config and counts an unparseable CIDR against the rule", async () => {
        const moved = securityGroup("sg", [tcp(11972, "0.0.0.0/0")]);
        expect(await messages(policy, moved)).toEqual([]);
        expect(await messages(policy, moved, { config: { [policy.name]: { additionalPorts: [{ port: 11972, protocol: "tcp" }] } } })).toEqual([
            "ingress[0] (tcp 11972) admits 0.0.0.0/0 to configured 11972/tcp.",
        ]);
        const [bad] = await messages(policy, securityGroup("sg", [tcp(superserver.port, "0.0.0.0/00x")]));
        expect(bad).toMatch(/admits 0\.0\.0\.0\/00x \(not a valid CIDR: .*\) to superserver/);
    });

    it("flags CIDRs that together cover all of IPv4 or IPv6, not a gap", async () => {
        expect(await messages(policy, securityGroup("sg", [tcp(superserver.port, "0.0.0.0/1", "128.0.0.0/1")]))).toEqual([
            "ingress[0] (tcp 1972) admits 0.0.0.0/1 + 128.0.0.0/1 (together all of IPv4) to superserver 1972/tcp.",
        ]);
        expect(await messages(policy, securityGroup("sg", [{ ...tcp(superserver.port, "10.1.0.0/24"), ipv6CidrBlocks: ["8000::/1", "::/1"] }]))).toEqual([
            "ingress[0] (tcp 1972) admits 8000::/1 + ::/1 (together all of IPv6) to superserver 1972/tcp.",
        ]);
        expect(await messages(policy, securityGroup("sg", [tcp(superserver.port, "0.0.0.0/1", "128.0.0.0/2")]))).toEqual([]);
    });

    it("reports a peer nftables or AWS would refuse instead of throwing", async () => {
        expect(await messages(policy, securityGroup("sg", [{ ...tcp(superserver.port), ipv6CidrBlocks: ["::%1/0"] }]))).toEqual([
            "ingress[0] (tcp 1972) admits ::%1/0 (not a valid CIDR: must not carry an IPv6 zone id (%...): a firewall or security group rule cannot name an interface) to superserver 1972/tcp.",
        ]);
        const vpc: Resource = { type: ruleTypes.ingressRule, name: "r", props: { ipProtocol: "tcp", fromPort: 1972, toPort: 1972, cidrIpv4: "10.0.0.0/08", securityGroupId: "sg-1" } };
        expect(await messages(policy, vpc)).toEqual([
            "ingress (tcp 1972) admits 10.0.0.0/08 (not a valid CIDR: prefix must be 0..32 without leading zeros) to superserver 1972/tcp.",
        ]);
    });

    it("is not applicable to other resource types", async () => {
        const result = await evaluate([policy], [{ type: "aws:s3/bucket:Bucket", name: "b", props: {} }]);
        expect(result.notApplicable).toEqual([{ policyName: policy.name, reason: expect.stringContaining(ruleTypes.securityGroup) }]);
    });
});

describe("jdbc-gateway-not-exposed", () => {
    const policy = jdbcGatewayNotExposed;

    it("flags any ingress to the gateway, whatever the peer", async () => {
        expect(await messages(policy, securityGroup("sg", [tcp(jdbcGateway.port, "10.1.0.0/24")]))).toEqual([
            "ingress[0] (tcp 62972) opens the JDBC gateway (jdbcGateway 62972/tcp) to 10.1.0.0/24, outside the allowed JDBC clients.",
        ]);
        expect(await messages(policy, securityGroup("sg", [{ protocol: "-1", self: true }]))).toEqual([
            "ingress[0] (all traffic) opens the JDBC gateway (jdbcGateway 62972/tcp) to the group itself (self), outside the allowed JDBC clients.",
        ]);
    });

    it("allows configured clients and configured ports", async () => {
        const sg = securityGroup("sg", [tcp(jdbcGateway.port, "10.1.0.0/24")]);
        expect(await messages(policy, sg, { config: { [policy.name]: { allowedCidrs: ["10.1.0.0/16"] } } })).toEqual([]);
        const modern = securityGroup("sg", [tcp(53773, "10.1.0.0/24")]);
        expect(await messages(policy, modern)).toEqual([]);
        expect(await messages(policy, modern, { config: { [policy.name]: { ports: [53773] } } })).toHaveLength(1);
    });

    it("passes a group that does not open the gateway", async () => {
        expect(await messages(policy, securityGroup("sg", [tcp(superserver.port, "10.1.0.0/24")]))).toEqual([]);
    });
});

describe("private-web-server-closed-in-production", () => {
    const policy = privateWebServerClosedInProduction;
    const open = securityGroup("sg", [tcp(webServer.port, "10.9.0.0/24")]);

    it("flags the web server port in a production stack, by stack name or stack tag", async () => {
        expect(await messages(policy, open, { stack: "prod" })).toEqual([
            `ingress[0] (tcp 52773) opens the private web server (webServer 52773/tcp) in production (stack "prod" matches (^|[-_.])prod(uction)?($|[-_.])).`,
        ]);
        expect(await messages(policy, open, { stack: "eu-production" })).toHaveLength(1);
        expect(await messages(policy, open, { stack: "blue", stackTags: { environment: "production" } })).toEqual([
            "ingress[0] (tcp 52773) opens the private web server (webServer 52773/tcp) in production (stack tag environment=production).",
        ]);
    });

    it("flags it on a group tagged as production by the components, in any stack", async () => {
        const tagged = securityGroup("sg", [tcp(webServer.port, "10.9.0.0/24")], [], { "mdb-hardening:environment": "production" });
        expect(await messages(policy, tagged, { stack: "dev" })).toHaveLength(1);
    });

    it("is not applicable outside production, and passes a production group without the port", async () => {
        const result = await evaluate([policy], [open], { stack: "staging", stackTags: { environment: "staging" } });
        expect(result.diagnostics).toEqual([]);
        expect(result.notApplicable).toEqual([{ policyName: policy.name, reason: expect.stringContaining("not production") }]);
        expect(await messages(policy, securityGroup("sg", [tcp(superserver.port, "10.1.0.0/24")]), { stack: "prod" })).toEqual([]);
    });

    it("uses the configured production rules", async () => {
        const options: RunOptions = { stack: "live", config: { [policy.name]: { productionStackNamePattern: "^live$" } } };
        expect(await messages(policy, open, options)).toHaveLength(1);
    });
});

describe("legacy-services-closed", () => {
    const policy = legacyServicesClosed;

    it("flags telnet, SNMP, AgentX, rpcbind and NFS from any peer", async () => {
        const sg = securityGroup("sg", [
            tcp(telnetd.port, "10.9.0.0/24"),
            udp(rpcbindUdp.port, "10.9.0.0/24"),
            { ...tcp(nfsTcp.port), securityGroups: ["sg-clients"] },
            tcp(agentx.port, "10.9.0.0/24"),
            udp(snmp.port, "10.9.0.0/24"),
        ]);
        expect(await messages(policy, sg)).toEqual([
            "ingress[0] (tcp 23) opens telnet 23/tcp, telnetd 23/tcp to 10.9.0.0/24.",
            "ingress[1] (udp 111) opens rpcbindUdp 111/udp to 10.9.0.0/24.",
            "ingress[2] (tcp 2049) opens nfsTcp 2049/tcp to security group sg-clients.",
            "ingress[3] (tcp 705) opens agentx 705/tcp to 10.9.0.0/24.",
            "ingress[4] (udp 161) opens snmp 161/udp to 10.9.0.0/24, which are not configured SNMP managers.",
        ]);
    });

    it("allows SNMP from configured managers only", async () => {
        const sg = securityGroup("sg", [udp(snmp.port, "10.7.0.5/32")]);
        expect(await messages(policy, sg, { config: { [policy.name]: { snmpManagerCidrs: ["10.7.0.0/24"] } } })).toEqual([]);
    });

    it("passes a group with none of those ports open", async () => {
        expect(await messages(policy, securityGroup("sg", [tcp(ssh.port, "10.9.0.0/24"), tcp(superserver.port, "10.1.0.0/24")]))).toEqual([]);
    });
});

describe("ssh-from-admin-networks-only", () => {
    const policy = sshFromAdminNetworksOnly;
    const admin: RunOptions = { config: { [policy.name]: { adminCidrs: ["10.9.0.0/24"] } } };

    it("flags SSH from outside the admin networks, and from peers that cannot be checked", async () => {
        const sg = securityGroup("sg", [tcp(ssh.port, "10.9.0.0/24", "10.1.0.0/24"), { ...tcp(ssh.port), prefixListIds: ["pl-1"] }]);
        expect(await messages(policy, sg, admin)).toEqual([
            "ingress[0] (tcp 22) opens SSH (ssh 22/tcp) to 10.1.0.0/24, outside the admin networks.",
            "ingress[1] (tcp 22) opens SSH (ssh 22/tcp) to prefix list pl-1, outside the admin networks.",
        ]);
    });

    it("by default keeps SSH within private address space", async () => {
        expect(await messages(policy, securityGroup("sg", [tcp(ssh.port, "203.0.113.0/24")]))).toHaveLength(1);
        expect(await messages(policy, securityGroup("sg", [tcp(ssh.port, "10.9.0.0/24")]))).toEqual([]);
    });

    it("passes SSH from the admin networks", async () => {
        expect(await messages(policy, securityGroup("sg", [tcp(ssh.port, "10.9.0.128/25")]), admin)).toEqual([]);
    });
});

describe("license-traffic-between-declared-peers", () => {
    const policy = licenseTrafficBetweenDeclaredPeers;
    const declared: RunOptions = { config: { [policy.name]: { licenseServerCidrs: ["10.2.0.10/32"], instanceCidrs: ["10.1.0.0/24"] } } };

    it("passes the license server and instance rules the components derive", async () => {
        const instanceSg = securityGroup("iris", [tcp(licenseServer.port, "10.2.0.10/32")], [udp(licenseServer.port, "10.2.0.10/32")]);
        const serverSg = securityGroup("licmanager", [udp(licenseServer.port, "10.1.0.0/24")], [tcp(licenseServer.port, "10.1.0.0/24")]);
        const result = await evaluate([policy], [instanceSg, serverSg], declared);
        expect(result.diagnostics).toEqual([]);
    });

    it("flags license traffic with anyone else, in either direction", async () => {
        const sg = securityGroup("iris", [udp(licenseServer.port, "10.3.0.0/24")], [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]);
        expect(await messages(policy, sg, declared)).toEqual([
            "ingress[0] (udp 4002) carries licenseServer 4002/udp to or from 10.3.0.0/24, which are not IRIS instances.",
            "egress[0] (all traffic) carries licenseServer 4002/udp to or from 0.0.0.0/0, which are not declared license servers.",
            "egress[0] (all traffic) carries licenseQueryCallback 4002/tcp to or from 0.0.0.0/0, which are not IRIS instances.",
        ]);
    });

    it("is advisory by default", async () => {
        const result = await evaluate([policy], [securityGroup("sg", [udp(licenseServer.port, "0.0.0.0/0")])]);
        expect(result.diagnostics.map((d) => d.enforcementLevel)).toEqual(["advisory"]);
    });
});
