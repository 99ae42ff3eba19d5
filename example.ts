/**
 * Example stack: one private VPC with an IRIS database host, its license server and a YottaDB
 * host, each hardened from its profile. Driven by stack config (see Pulumi.example.yaml).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isIPv4 } from "node:net";
import * as path from "node:path";
import { DatabaseHost, readProfileFile, validateProfile, type HostProfile } from "./components";
import { Issues } from "./components/validate";

interface HostEntry {
    readonly profile: HostProfile;
    readonly privateIp: string;
    readonly instanceType?: string;
}

const config = new pulumi.Config();
const vpcCidr = config.require("vpcCidr");
const subnetCidr = config.require("subnetCidr");
const hosts = readHosts(config.requireObject<unknown>("hosts"));

/** Reads `hosts` from stack config; a profile is inline or a path to a YAML profile file. */
function readHosts(value: unknown): HostEntry[] {
    const issues = new Issues();
    if (!Array.isArray(value)) {
        issues.fail("hosts", value, "must be a list of { profile, privateIp, instanceType? }");
        issues.throwIfAny("stack config");
    }
    const entries = (value as Record<string, unknown>[]).map((entry, i) => {
        const field = `hosts[${i}]`;
        if (typeof entry.privateIp !== "string" || !isIPv4(entry.privateIp)) {
            issues.fail(`${field}.privateIp`, entry.privateIp, "must be an IPv4 address");
        }
        const profile = typeof entry.profile === "string"
            ? readProfileFile(path.resolve(entry.profile), entry.profile)
            : validateProfile(entry.profile, `${field}.profile`);
        return { profile, privateIp: entry.privateIp as string, instanceType: entry.instanceType as string | undefined };
    });
    issues.throwIfAny("stack config");
    return entries;
}

const vpc = new aws.ec2.Vpc("mdb", { cidrBlock: vpcCidr, enableDnsHostnames: true, tags: { Name: "mdb-hardening" } });
// No internet gateway and no public addresses: the database hosts are reached through the admin networks.
const subnet = new aws.ec2.Subnet("mdb-private", {
    vpcId: vpc.id,
    cidrBlock: subnetCidr,
    mapPublicIpOnLaunch: false,
    tags: { Name: "mdb-hardening-private" },
});

const ami = config.get("ami") ?? aws.ec2.getAmiOutput({
    owners: ["136693071363"], // Debian's official account
    mostRecent: true,
    filters: [{ name: "name", values: ["debian-12-amd64-*"] }, { name: "architecture", values: ["x86_64"] }],
}).id;

// Optional: re-apply the hardening over SSH (through a bastion) whenever a profile changes.
// Without a key the host script runs once, from user data, at first boot.
const sshPrivateKey = config.getSecret("sshPrivateKey");
const bastionHost = config.get("bastionHost");
const connection = sshPrivateKey
    ? {
          user: config.get("sshUser") ?? "admin",
          privateKey: sshPrivateKey,
          ...(bastionHost ? { proxy: { host: bastionHost, user: config.get("bastionUser") ?? "admin", privateKey: sshPrivateKey } } : {}),
      }
    : undefined;

const databaseHosts = hosts.map(
    (h) => new DatabaseHost(h.profile.name, {
        profile: h.profile,
        vpcId: vpc.id,
        subnetId: subnet.id,
        ami,
        privateIp: h.privateIp,
        instanceType: h.instanceType,
        keyName: config.get("keyName"),
        connection,
    }),
);

export const vpcId = vpc.id;
export const addresses = Object.fromEntries(databaseHosts.map((h, i) => [hosts[i].profile.name, h.privateIp]));
export const hardening = Object.fromEntries(databaseHosts.map((h, i) => [hosts[i].profile.name, h.hardening]));
