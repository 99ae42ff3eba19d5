import * as pulumi from "@pulumi/pulumi";
import { render } from "../helpers/render";
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { componentTypes, databaseHostRole, ec2UserDataLimitBytes, hostTags, irisEndpoints, previousComponentTypes } from "../../components/catalog";
import { installMocks, valueOf, type Recorded, type Registered } from "../helpers/mocks";
import { admin, apps, gtmInput, irisInput, licenseServer } from "../helpers/profiles";

type Components = typeof import("../../components");

let c: Components;
let resources: Recorded[];
let registered: Registered[];
let aliasTypes: Map<string, string[]>;
const attempts: Record<string, string> = {};
// 60 waivers whose justifications do not compress: a valid profile whose script EC2 would refuse as user data.
let waivers: { control: string; item: string; justification: string }[];
let outputs: Record<string, unknown>;
let mirrored: Record<string, unknown>;
/** What the components logged as warnings (without an engine the SDK writes them to the console). */
const warnings: string[] = [];

function tryCreate(name: string, create: () => unknown): void {
    try {
        create();
        attempts[name] = "created";
    } catch (e) {
        attempts[name] = (e as Error).message;
    }
}

beforeAll(async () => {
    vi.spyOn(console, "warn").mockImplementation((message: string) => void warnings.push(message.replace(/^warning: \[runtime\] /, "")));
    const recorder = await installMocks();
    c = await import("../../components");
    mirrored = irisInput({
        name: "iris-m1",
        iris: { features: { mirror: true } },
        network: { adminCidrs: [admin, "fd00:9::/64"], appClients: [apps], licenseServers: [licenseServer], mirrorMembers: ["10.3.0.11/32"], arbiter: "10.3.0.5/32" },
    });
    const host = new c.DatabaseHost("iris-m1", {
        profile: mirrored,
        vpcId: "vpc-1",
        subnetId: "subnet-1",
        ami: "ami-1",
        privateIp: "10.3.0.10",
        dataVolumes: [{ deviceName: "/dev/sdf", sizeGb: 100 }],
        tags: { team: "dba" },
    });
    const sg = new c.DatabaseSecurityGroup("gtm-sg", { profile: gtmInput(), vpcId: "vpc-1" });
    const existing = new c.ExistingHost("gtm-onprem", { profile: gtmInput({ name: "gtm-onprem" }), connection: { host: "192.0.2.10", privateKey: "key" }, detectDrift: false });
    const viaSudo = new c.DatabaseHost("ydb-ssh", {
        profile: gtmInput({ name: "ydb-ssh", product: "yottadb", distribution: { path: "/opt/yottadb/r2.02" } }),
        vpcId: "vpc-1",
        subnetId: "subnet-1",
        ami: "ami-1",
        privateIp: "10.3.0.30",
        osFamily: "rhel",
        connection: { user: "admin", privateKey: "key", proxy: { host: "bastion.example", user: "jump" } },
        detectDrift: false,
    });

    const sshPort = new c.ExistingHost("ssh-2222", {
        profile: gtmInput({ name: "ssh-2222", network: { adminCidrs: [admin], sshPort: 2222 } }),
        connection: { host: "192.0.2.22", privateKey: "key", hostKey: "ssh-ed25519 AAAAC3Nz", proxy: { host: "jump", privateKey: "jump-key" } },
        detectDrift: false,
    });

    tryCreate("bad-cidr", () => new c.DatabaseHost("bad-cidr", { profile: irisInput({ network: { adminCidrs: ["10.0.0.0/33"] } }), vpcId: "v", subnetId: "s", ami: "a" }));
    tryCreate("bad-web", () => new c.DatabaseSecurityGroup("bad-web", { profile: irisInput({ iris: { features: { privateWebServer: true } } }), vpcId: "v" }));
    tryCreate("bad-volume", () => new c.DatabaseHost("bad-volume", { profile: irisInput(), vpcId: "v", subnetId: "s", ami: "a", dataVolumes: [{ deviceName: "/dev/sda1", sizeGb: 0 }] }));
    tryCreate("bad-user", () => new c.ExistingHost("bad-user", { profile: gtmInput(), connection: { host: "h", user: "root; id", privateKey: "k" } }));
    waivers = Array.from({ length: 60 }, (_, i) => ({ control: "MDBH-SVC-001", item: `unit-${i}.service`, justification: createHash("sha512").update(String(i)).digest("base64").repeat(3) }));
    tryCreate("bad-user-data", () => new c.DatabaseHost("bad-user-data", { profile: gtmInput({ name: "bad-user-data", waivers }), vpcId: "v", subnetId: "s", ami: "a" }));
    new c.ExistingHost("large-over-ssh", { profile: gtmInput({ name: "large-over-ssh", waivers }), connection: { host: "192.0.2.30", privateKey: "key", hostKey: "ssh-ed25519 AAAAC3Nz" }, detectDrift: false });

    outputs = {
        instanceId: await valueOf(host.instanceId),
        privateIp: await valueOf(host.privateIp),
        securityGroupId: await valueOf(host.securityGroupId),
        gtmSgId: await valueOf(sg.securityGroupId),
        hostUrn: await valueOf(host.urn as pulumi.Output<string>),
        existingHardening: existing.hardening,
        existingSummary: await valueOf(existing.summary),
        viaSudoSummary: await valueOf(viaSudo.summary!),
        sshPortSummary: await valueOf(sshPort.summary),
        sshPortStdoutSecret: await pulumi.isSecret(sshPort.hostHardening.command.stdout),
        sshPortSummarySecret: await pulumi.isSecret(sshPort.summary),
    };
    resources = recorder.resources;
    registered = await recorder.registered();
    aliasTypes = recorder.aliasTypes;
});

const byName = (type: string, name: string) => {
    const r = resources.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`no ${type} ${name}`);
    return r;
};
const chainOf = (type: string, name: string) => registered.find((r) => r.urn.endsWith(`::${name}`) && r.typeChain.at(-1) === type)?.typeChain;

describe("DatabaseHost", () => {
    it("creates a private, IMDSv2-only instance with encrypted volumes and database-host tags", () => {
        const instance = byName("aws:ec2/instance:Instance", "iris-m1");
        const tags = { [hostTags.role]: databaseHostRole, [hostTags.product]: "iris", [hostTags.environment]: "production", [hostTags.profile]: "iris-m1", team: "dba" };
        expect(instance.inputs).toMatchObject({
            ami: "ami-1",
            instanceType: "m6i.large",
            subnetId: "subnet-1",
            privateIp: "10.3.0.10",
            associatePublicIpAddress: false,
            vpcSecurityGroupIds: ["iris-m1-sg-id"],
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 30 },
            ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 100, volumeType: "gp3", encrypted: true }],
            volumeTags: tags,
            tags: { Name: "iris-m1", ...tags },
        });
    });

    it("gives its security group exactly the mirrored instance's rules", () => {
        const group = byName("aws:ec2/securityGroup:SecurityGroup", "iris-m1-sg");
        const { superserver, iscAgent, licenseServer: license } = irisEndpoints;
        expect(group.inputs.vpcId).toBe("vpc-1");
        expect(group.inputs.revokeRulesOnDelete).toBe(true);
        expect(group.inputs.ingress).toEqual([
            { protocol: "tcp", fromPort: 22, toPort: 22, description: "SSH from admin networks", cidrBlocks: [admin], ipv6CidrBlocks: ["fd00:9::/64"] },
            { protocol: "tcp", fromPort: superserver.port, toPort: superserver.port, description: "IRIS superserver from application clients", cidrBlocks: [apps] },
            { protocol: "tcp", fromPort: superserver.port, toPort: superserver.port, description: "IRIS superserver (mirroring) from mirror members", cidrBlocks: ["10.3.0.11/32"] },
            { protocol: "tcp", fromPort: iscAgent.port, toPort: iscAgent.port, description: "ISCAgent from mirror members", cidrBlocks: ["10.3.0.11/32"] },
            { protocol: "tcp", fromPort: license.port, toPort: license.port, description: "License query results from license servers (TCP callback)", cidrBlocks: [licenseServer] },
        ]);
        expect(group.inputs.egress).toEqual([
            { protocol: "udp", fromPort: license.port, toPort: license.port, description: "License requests to license servers", cidrBlocks: [licenseServer] },
            { protocol: "tcp", fromPort: superserver.port, toPort: superserver.port, description: "IRIS superserver (mirroring) to mirror members", cidrBlocks: ["10.3.0.11/32"] },
            { protocol: "tcp", fromPort: iscAgent.port, toPort: iscAgent.port, description: "ISCAgent on mirror members", cidrBlocks: ["10.3.0.11/32"] },
            { protocol: "tcp", fromPort: iscAgent.port, toPort: iscAgent.port, description: "ISCAgent on the arbiter", cidrBlocks: ["10.3.0.5/32"] },
        ]);
    });

    it("parents every child to its component", () => {
        expect(chainOf("aws:ec2/instance:Instance", "iris-m1")).toEqual(["mdb-hardening:index:DatabaseHost", "aws:ec2/instance:Instance"]);
        expect(chainOf("mdb-hardening:index:DatabaseSecurityGroup", "iris-m1-sg")).toEqual(["mdb-hardening:index:DatabaseHost", "mdb-hardening:index:DatabaseSecurityGroup"]);
        expect(chainOf("aws:ec2/securityGroup:SecurityGroup", "iris-m1-sg")).toEqual(["mdb-hardening:index:DatabaseSecurityGroup", "aws:ec2/securityGroup:SecurityGroup"]);
        expect(chainOf("aws:ec2/securityGroup:SecurityGroup", "gtm-sg")).toEqual(["mdb-hardening:index:DatabaseSecurityGroup", "aws:ec2/securityGroup:SecurityGroup"]);
        expect(outputs.hostUrn).toBe("urn:pulumi:test::mdb-hardening::mdb-hardening:index:DatabaseHost::iris-m1");
    });

    it("registers its outputs, including the hardening plan", () => {
        const state = registered.find((r) => r.urn === outputs.hostUrn)?.state as Record<string, unknown>;
        expect(Object.keys(state).sort()).toEqual(["hardening", "instanceId", "privateIp", "scriptDigest", "securityGroupId"]);
        expect(state).toMatchObject({ instanceId: "iris-m1-id", privateIp: "10.3.0.10", hardening: { profile: "iris-m1", product: "iris", serviceDisabling: { enabled: true } } });
        expect(outputs).toMatchObject({ instanceId: "iris-m1-id", privateIp: "10.3.0.10", securityGroupId: "iris-m1-sg-id", gtmSgId: "gtm-sg-id" });
    });
});

describe("host script delivery", () => {
    it("puts the rendered script in the instance's user data, gzip-compressed", () => {
        const instance = byName("aws:ec2/instance:Instance", "iris-m1");
        const script = gunzipSync(Buffer.from(instance.inputs.userDataBase64 as string, "base64")).toString("utf8");
        expect(script).toBe(render(c.validateProfile(mirrored), "debian"));
        expect(script.length).toBeGreaterThan(16 * 1024 - 2048);
        // EC2: "User data is limited to 16 KB, in raw form, before it is base64-encoded" (EC2 User Guide, instance user data).
        expect(Buffer.from(instance.inputs.userDataBase64 as string, "base64").length).toBeLessThan(ec2UserDataLimitBytes);
    });

    it("runs it over SSH with one remote command, through sudo for a non-root user", () => {
        const cmd = byName("command:remote:Command", "ydb-ssh-hardening-apply");
        expect(cmd.inputs).toEqual({
            connection: {
                host: "10.3.0.30",
                port: 22,
                user: "admin",
                privateKey: "key",
                proxy: { host: "bastion.example", user: "jump", port: 22, dialErrorLimit: 10, perDialTimeout: 15 },
                dialErrorLimit: 10,
                perDialTimeout: 15,
            },
            create: 'sudo -n env SSH_CONNECTION="$SSH_CONNECTION" bash -s',
            addPreviousOutputInEnv: false,
            stdin: render(c.validateProfile(gtmInput({ name: "ydb-ssh", product: "yottadb", distribution: { path: "/opt/yottadb/r2.02" } })), "rhel"),
        });
        expect(chainOf("mdb-hardening:index:HostHardening", "ydb-ssh-hardening")).toEqual(["mdb-hardening:index:DatabaseHost", "mdb-hardening:index:HostHardening"]);
        expect(chainOf("command:remote:Command", "ydb-ssh-hardening-apply")).toEqual(["mdb-hardening:index:HostHardening", "command:remote:Command"]);
        expect(outputs.viaSudoSummary).toMatchObject({ changes: 0, findings: 0, verified: 1 });
    });
});

describe("the SSH command", () => {
    it("keeps the private keys secret and connects on the profile's SSH port by default", () => {
        const cmd = byName("command:remote:Command", "ssh-2222-hardening-apply");
        expect(cmd.inputs.connection).toMatchObject({ port: 2222, privateKey: "key", proxy: { privateKey: "jump-key" } });
        // The SDK marks the whole property secret when a value inside it is: the keys never reach state in plain text.
        expect(cmd.secretPaths).toEqual(["connection"]);
        expect(byName("command:remote:Command", "gtm-onprem-hardening-apply").inputs.connection).toMatchObject({ port: 22 });
    });

    it("keeps the raw output secret and the summary readable", () => {
        expect(outputs.sshPortSummary).toMatchObject({ changes: 0, findings: 0 });
        expect(outputs.sshPortStdoutSecret).toBe(true);
        expect(outputs.sshPortSummarySecret).toBe(false);
    });

    it("warns when the host key is not given", () => {
        expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining("gtm-onprem-hardening: connection.hostKey is not set")]));
        expect(warnings.some((w) => w.startsWith("ssh-2222-hardening:"))).toBe(false);
    });
});

describe("ExistingHost", () => {
    it("creates no cloud resources: only the SSH command, with no delete (destroy leaves the host hardened)", () => {
        expect(resources.filter((r) => r.name.startsWith("gtm-onprem")).map((r) => r.type)).toEqual([
            "mdb-hardening:index:ExistingHost",
            "mdb-hardening:index:HostHardening",
            "command:remote:Command",
        ]);
        const cmd = byName("command:remote:Command", "gtm-onprem-hardening-apply");
        expect(cmd.inputs.create).toBe("bash -s");
        expect(cmd.inputs.delete).toBeUndefined();
        expect(cmd.inputs.connection).toEqual({ host: "192.0.2.10", user: "root", port: 22, privateKey: "key", dialErrorLimit: 10, perDialTimeout: 15 });
        expect(outputs.existingSummary).toMatchObject({ profile: "mock", changes: 0 });
        expect(outputs.existingHardening).toMatchObject({
            profile: "gtm-onprem",
            product: "gtm",
            distributionRestriction: { enabled: true, group: "gtmusers", members: ["alice"] },
            serviceDisabling: { enabled: true },
            hostFirewall: { enabled: true, rules: 1 },
        });
    });
});

describe("type tokens", () => {
    it("registers every component under its index token with its 0.1 token as an alias (existing stacks keep their resources)", () => {
        const kinds = Object.keys(componentTypes) as (keyof typeof componentTypes)[];
        const seen = Object.fromEntries(kinds.map((k) => [k, [...aliasTypes].filter(([key]) => key.startsWith(`${componentTypes[k]}::`)).map(([, a]) => a)]));
        for (const kind of kinds) {
            expect(componentTypes[kind]).toMatch(/^mdb-hardening:index:[A-Z]\w+$/);
            expect(seen[kind].length, kind).toBeGreaterThan(0);
            for (const aliases of seen[kind]) expect(aliases).toEqual([previousComponentTypes[kind]]);
        }
    });
});

describe("bad input is refused before anything is registered", () => {
    it("names the component, the field and the value", () => {
        expect(attempts["bad-cidr"]).toBe('bad-cidr: profile is invalid:\n  - network.adminCidrs[0]: invalid CIDR: prefix must be 0..32 (got "10.0.0.0/33")');
        expect(attempts["bad-web"]).toContain("bad-web: profile is invalid:\n  - iris.features.privateWebServer: the private web server is for development and must not run in production");
        expect(attempts["bad-volume"]).toBe([
            "bad-volume: arguments is invalid:",
            '  - dataVolumes[0].deviceName: must be /dev/sdf … /dev/sdp (or /dev/xvdf … /dev/xvdp) (got "/dev/sda1")',
            "  - dataVolumes[0].sizeGb: must be a whole number of GiB between 1 and 65536 (got 0)",
        ].join("\n"));
        expect(attempts["bad-user"]).toContain('connection.user: must be a plain POSIX user or group name ([a-z_][a-z0-9_-]*, at most 32 characters) (got "root; id")');
        expect(attempts["bad-user-data"]).toMatch(/^bad-user-data: user data is invalid:\n {2}- profile: makes a host script of \d+ bytes, (\d+) gzip-compressed: over EC2's user-data limit of 16384 bytes\. .*ExistingHost.* \(got "bad-user-data"\)$/);
        expect(Number(/(\d+) gzip/.exec(attempts["bad-user-data"])![1])).toBeGreaterThan(ec2UserDataLimitBytes);
    });

    it("the same profile hardens an existing host over SSH, where user data's limit does not apply", () => {
        const stdin = byName("command:remote:Command", "large-over-ssh-hardening-apply").inputs.stdin as string;
        expect(stdin).toBe(render(c.validateProfile(gtmInput({ name: "large-over-ssh", waivers })), "debian"));
        expect(gzipSync(stdin).length).toBeGreaterThan(ec2UserDataLimitBytes);
    });

    it("registered nothing for them", () => {
        expect(resources.filter((r) => r.name.startsWith("bad-"))).toEqual([]);
        expect(registered.filter((r) => r.urn.includes("::bad-"))).toEqual([]);
    });
});
