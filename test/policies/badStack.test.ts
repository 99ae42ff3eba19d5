/**
 * A deliberately bad stack, built with raw AWS resources and one half-hardened DatabaseHost,
 * collected under mocks: the pack fails it, naming each policy it breaks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { databaseHostRole, hostTags, irisEndpoints, osEndpoints } from "../../components/catalog";
import { policies } from "../../policies/pack";
import { gtmInput, irisInput } from "../helpers/profiles";
import { violated, type Result } from "../helpers/policies/harness";
import { collect, evaluateStack } from "../helpers/policies/stack";

const { superserver, webServer, jdbcGateway, snmp, telnet } = irisEndpoints;
const { ssh, rpcbindUdp } = osEndpoints;

async function badStack(): Promise<void> {
    const aws = await import("@pulumi/aws");
    const { DatabaseHost } = await import("../../components/databaseHost");
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.30.0.0/16" });
    const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
    const subnet = new aws.ec2.Subnet("public", { vpcId: vpc.id, cidrBlock: "10.30.1.0/24" });
    const table = new aws.ec2.RouteTable("public", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
    new aws.ec2.RouteTableAssociation("public", { subnetId: subnet.id, routeTableId: table.id });
    const tcp = (port: number, cidr: string) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [cidr] });
    const sg = new aws.ec2.SecurityGroup("db", {
        vpcId: vpc.id,
        tags: { [hostTags.environment]: "production" },
        ingress: [
            tcp(superserver.port, "0.0.0.0/0"),
            tcp(ssh.port, "0.0.0.0/0"),
            tcp(webServer.port, "10.30.0.0/16"),
            tcp(jdbcGateway.port, "10.30.0.0/16"),
            // One range over rpcbind and SNMP.
            { protocol: "udp", fromPort: rpcbindUdp.port, toPort: snmp.port, cidrBlocks: ["10.30.0.0/16"] },
        ],
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    });
    // A prefix list of the same stack that holds the whole internet, named by a rule on the private web server.
    const internet = new aws.ec2.ManagedPrefixList("internet", { addressFamily: "IPv4", maxEntries: 2, entries: [{ cidr: "0.0.0.0/0" }] });
    new aws.ec2.SecurityGroupRule("internet", { type: "ingress", securityGroupId: sg.id, protocol: "tcp", fromPort: webServer.port, toPort: webServer.port, prefixListIds: [internet.id] });
    new aws.vpc.SecurityGroupIngressRule("telnet", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: telnet.port, toPort: telnet.port, cidrIpv6: "::/0" });
    const db = new aws.ec2.Instance("db", {
        ami: "ami-0123",
        instanceType: "m6i.large",
        subnetId: subnet.id,
        vpcSecurityGroupIds: [sg.id],
        associatePublicIpAddress: true,
        tags: { [hostTags.role]: databaseHostRole },
    });
    new aws.ec2.Eip("db", { domain: "vpc", instance: db.id });
    const data = new aws.ebs.Volume("data", { availabilityZone: "eu-west-1a", size: 100 });
    new aws.ec2.VolumeAttachment("data", { deviceName: "/dev/sdg", instanceId: db.id, volumeId: data.id });
    new DatabaseHost("ydb", {
        profile: gtmInput({ name: "ydb", product: "yottadb", hardening: { distribution: false } }),
        vpcId: vpc.id,
        subnetId: subnet.id,
        ami: "ami-0123",
    });
    // An IRIS host built right, in a private subnet, with one rule added to its group for a service its profile turns off.
    const privateSubnet = new aws.ec2.Subnet("private", { vpcId: vpc.id, cidrBlock: "10.30.2.0/24" });
    const irisHost = new DatabaseHost("iris", { profile: irisInput({ name: "iris-bad" }), vpcId: vpc.id, subnetId: privateSubnet.id, ami: "ami-0123" });
    new aws.vpc.SecurityGroupIngressRule("iris-telnet", { securityGroupId: irisHost.securityGroup.securityGroupId, ipProtocol: "tcp", fromPort: telnet.port, toPort: telnet.port, cidrIpv4: "10.30.0.0/16" });
}

describe("a deliberately bad stack", () => {
    let result: Result;

    beforeAll(async () => {
        result = await evaluateStack(policies, await collect(badStack));
    });

    it("fails every mandatory policy, and the advisory license policy warns", () => {
        expect(violated(result, "mandatory")).toEqual([
            "database-host-attached-volumes-encrypted",
            "database-host-encrypted-volumes",
            "database-host-hardened",
            "database-host-imdsv2",
            "database-host-no-elastic-ip",
            "database-host-no-public-ip",
            "database-host-private-subnet",
            "iris-services-match-ports",
            "jdbc-gateway-not-exposed",
            "legacy-services-closed",
            "no-world-ingress-combined",
            "no-world-ingress-to-database-ports",
            "private-web-server-closed-in-production",
            "ssh-from-admin-networks-only",
        ]);
        expect(violated(result, "advisory")).toEqual(["license-traffic-between-declared-peers"]);
        expect(policies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name).sort()).toEqual(violated(result, "mandatory"));
    });

    it("names both hosts the hardening policy refuses, and why", () => {
        const messages = result.diagnostics.filter((d) => d.policyName === "database-host-hardened").map((d) => d.message.split("\n")[1]);
        expect(messages).toEqual([
            expect.stringMatching(/^db is not inside a hardening component/),
            "ydb: ydb (mdb-hardening:index:DatabaseHost) does not restrict the yottadb distribution to its group (hardening.distributionRestriction.enabled).",
        ]);
    });

    it("names the group rule that opens a service the IRIS profile turns off", () => {
        const messages = result.diagnostics.filter((d) => d.policyName === "iris-services-match-ports").map((d) => d.message.split("\n")[1]);
        expect(messages).toEqual(["iris-sg ingress (tcp 23) opens IRIS telnet 23/tcp of iris-bad (iris), whose %Service_Telnet the profile turns off."]);
    });

    it("resolves the prefix list a rule names through its dependency on the list", () => {
        const messages = result.diagnostics.filter((d) => d.policyName === "no-world-ingress-combined").map((d) => d.message.split("\n")[1]);
        expect(messages).toEqual(["db: internet ingress (tcp 52773) from 0.0.0.0/0 (prefix list internet) admits all of IPv4 to webServer 52773/tcp."]);
    });

    it("finds both hosts in the public subnet through the route table's dependency on the internet gateway", () => {
        const messages = result.diagnostics.filter((d) => d.policyName === "database-host-private-subnet").map((d) => d.message.split("\n")[1]);
        expect(messages.sort()).toEqual([
            "db is in subnet public, which routes to an internet gateway through route table public.",
            "ydb is in subnet public, which routes to an internet gateway through route table public.",
        ]);
    });
});
