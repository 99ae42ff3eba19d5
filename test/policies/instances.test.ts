import { describe, expect, it } from "vitest";
import { databaseHostAttachedVolumesEncrypted, databaseHostEncryptedVolumes, databaseHostImdsv2, databaseHostNoElasticIp, databaseHostNoPublicIp, databaseHostPrivateSubnet } from "../../policies/instances";
import { awsTypes, nativeTypes } from "../../policies/resources";
import { evaluate, remediate, unknown, type Resource, type RunOptions } from "../helpers/policies/harness";
import { dbTags, hardenedInstanceProps, instance } from "../helpers/policies/resources";

async function messages(policy: Parameters<typeof evaluate>[0][number], resources: Resource[], options?: RunOptions): Promise<string[]> {
    const result = await evaluate([policy], resources, options);
    return result.diagnostics.map((d) => d.message.split("\n")[1]);
}

const host = (overrides: Record<string, unknown> = {}) => instance("db", hardenedInstanceProps(overrides));

describe("database-host identification", () => {
    it("leaves untagged instances alone, and follows a configured tag", async () => {
        const web = instance("web", hardenedInstanceProps({ associatePublicIpAddress: true, tags: { role: "db" } }));
        const result = await evaluate([databaseHostNoPublicIp], [web]);
        expect(result.notApplicable).toEqual([{ policyName: databaseHostNoPublicIp.name, reason: "not tagged as a database host" }]);
        const config = { [databaseHostNoPublicIp.name]: { databaseHostTag: { key: "role", value: "db" } } };
        expect(await messages(databaseHostNoPublicIp, [web], { config })).toEqual(["associatePublicIpAddress is true."]);
    });
});

describe("database-host-no-public-ip", () => {
    it("flags a public address, and an unset choice", async () => {
        expect(await messages(databaseHostNoPublicIp, [host({ associatePublicIpAddress: true })])).toEqual(["associatePublicIpAddress is true."]);
        expect(await messages(databaseHostNoPublicIp, [host({ associatePublicIpAddress: undefined })])).toEqual([
            "associatePublicIpAddress is not set, so the subnet decides whether the host gets a public address; set it to false.",
        ]);
    });

    it("passes a host that asks for no public address", async () => {
        expect(await messages(databaseHostNoPublicIp, [host()])).toEqual([]);
    });
});

describe("database-host-imdsv2", () => {
    it("flags optional tokens and unset metadata options", async () => {
        expect(await messages(databaseHostImdsv2, [host({ metadataOptions: { httpTokens: "optional" } })])).toHaveLength(1);
        expect(await messages(databaseHostImdsv2, [host({ metadataOptions: undefined })])).toHaveLength(1);
    });

    it("passes required tokens, or a disabled metadata service", async () => {
        expect(await messages(databaseHostImdsv2, [host()])).toEqual([]);
        expect(await messages(databaseHostImdsv2, [host({ metadataOptions: { httpEndpoint: "disabled" } })])).toEqual([]);
    });

    it("remediates by requiring tokens and keeps the other metadata options", async () => {
        const fixed = await remediate(databaseHostImdsv2, host({ metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } }));
        expect(fixed).toMatchObject({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 }, ami: "ami-0123" });
        expect(await remediate(databaseHostImdsv2, host())).toBeUndefined();
        expect(await remediate(databaseHostImdsv2, instance("web", { tags: {} }))).toBeUndefined();
    });

    it("keeps preview unknowns elsewhere in the resource through a remediation", async () => {
        const fixed = await remediate(databaseHostImdsv2, host({ ami: unknown.string, metadataOptions: undefined }));
        expect(fixed).toMatchObject({ ami: unknown.string, metadataOptions: { httpTokens: "required" } });
    });
});

describe("database-host-encrypted-volumes", () => {
    it("flags unencrypted root and data volumes, and tagged EBS volumes", async () => {
        const bare = host({ rootBlockDevice: { volumeSize: 30 }, ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 100, encrypted: false }] });
        expect(await messages(databaseHostEncryptedVolumes, [bare])).toEqual([
            "rootBlockDevice.encrypted is not true (an unset value leaves it to the account's default).",
            "ebsBlockDevices[0] (/dev/sdf) is not encrypted.",
        ]);
        const volume: Resource = { type: awsTypes.volume, name: "journal", props: { availabilityZone: "eu-west-1a", size: 100, tags: dbTags } };
        expect(await messages(databaseHostEncryptedVolumes, [volume])).toEqual(["the volume is not encrypted."]);
    });

    it("passes encrypted volumes", async () => {
        const volume: Resource = { type: awsTypes.volume, name: "journal", props: { availabilityZone: "eu-west-1a", size: 100, encrypted: true, tags: dbTags } };
        expect(await messages(databaseHostEncryptedVolumes, [host(), volume])).toEqual([]);
    });
});

describe("database-host-private-subnet", () => {
    const vpc: Resource = { type: awsTypes.vpc, name: "vpc", props: { cidrBlock: "10.0.0.0/16" } };
    const igw: Resource = { type: awsTypes.internetGateway, name: "igw", props: {}, propertyDependencies: { vpcId: ["vpc"] } };
    const subnet = (props: Record<string, unknown> = {}): Resource => ({ type: awsTypes.subnet, name: "subnet", props: { cidrBlock: "10.0.1.0/24", ...props }, propertyDependencies: { vpcId: ["vpc"] } });
    const placed = instance("db", hardenedInstanceProps(), { propertyDependencies: { subnetId: ["subnet"] } });
    const table = (routes: Record<string, unknown>[], deps: string[] = []): Resource => ({ type: awsTypes.routeTable, name: "rt", props: { routes }, propertyDependencies: { vpcId: ["vpc"], routes: deps } });
    const association: Resource = { type: awsTypes.routeTableAssociation, name: "rta", props: {}, propertyDependencies: { subnetId: ["subnet"], routeTableId: ["rt"] } };

    it("flags a subnet that maps public addresses", async () => {
        expect(await messages(databaseHostPrivateSubnet, [vpc, subnet({ mapPublicIpOnLaunch: true }), placed])).toEqual([
            "db is in subnet subnet, which gives every instance a public address (mapPublicIpOnLaunch).",
        ]);
    });

    it("flags a subnet routed to an internet gateway: inline route, literal id, Route resource or main route table", async () => {
        const expected = ["db is in subnet subnet, which routes to an internet gateway through route table rt."];
        const inline = table([{ cidrBlock: "0.0.0.0/0", gatewayId: unknown.string }], ["igw"]);
        expect(await messages(databaseHostPrivateSubnet, [vpc, igw, subnet(), inline, association, placed])).toEqual(expected);
        const literal = table([{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }]);
        expect(await messages(databaseHostPrivateSubnet, [vpc, subnet(), literal, association, placed])).toEqual(expected);
        const route: Resource = { type: awsTypes.route, name: "default", props: { destinationCidrBlock: "0.0.0.0/0" }, propertyDependencies: { routeTableId: ["rt"], gatewayId: ["igw"] } };
        expect(await messages(databaseHostPrivateSubnet, [vpc, igw, subnet(), table([]), association, route, placed])).toEqual(expected);
        const main: Resource = { type: awsTypes.mainRouteTableAssociation, name: "main", props: {}, propertyDependencies: { vpcId: ["vpc"], routeTableId: ["rt"] } };
        expect(await messages(databaseHostPrivateSubnet, [vpc, subnet(), literal, main, placed])).toEqual(expected);
    });

    it("passes a private subnet, one routed through NAT, and a subnet the stack does not show", async () => {
        expect(await messages(databaseHostPrivateSubnet, [vpc, subnet({ mapPublicIpOnLaunch: false }), placed])).toEqual([]);
        const nat = table([{ cidrBlock: "0.0.0.0/0", natGatewayId: unknown.string }], ["nat"]);
        const natGateway: Resource = { type: "aws:ec2/natGateway:NatGateway", name: "nat", props: {} };
        expect(await messages(databaseHostPrivateSubnet, [vpc, natGateway, subnet(), nat, association, placed])).toEqual([]);
        expect(await messages(databaseHostPrivateSubnet, [instance("db", hardenedInstanceProps({ subnetId: "subnet-0abc" }))])).toEqual([]);
    });

    it("is not applicable to a stack without database hosts", async () => {
        const result = await evaluate([databaseHostPrivateSubnet], [vpc, subnet({ mapPublicIpOnLaunch: true })]);
        expect(result.notApplicable).toEqual([{ policyName: databaseHostPrivateSubnet.name, reason: "no database-host instances in the stack" }]);
    });
});

describe("database-host-no-elastic-ip", () => {
    const host = instance("db", hardenedInstanceProps());
    const other = instance("web", { associatePublicIpAddress: false });
    const eip = (name: string, deps: Record<string, string[]>): Resource => ({ type: awsTypes.eip, name, props: { domain: "vpc" }, propertyDependencies: deps });
    const association = (name: string, deps: Record<string, string[]>): Resource => ({ type: awsTypes.eipAssociation, name, props: {}, propertyDependencies: deps });

    it("flags an Elastic IP on the host, on its network interface, and an association with either", async () => {
        expect(await messages(databaseHostNoElasticIp, [host, eip("ip-1", { instance: ["db"] }), eip("ip-2", { networkInterface: ["db"] }), association("assoc-1", { instanceId: ["db"] }), association("assoc-2", { networkInterfaceId: ["db"], allocationId: ["ip-3"] }), eip("ip-3", {})])).toEqual([
            "ip-1 (aws:ec2/eip:Eip) gives db a public address through instance.",
            "ip-2 (aws:ec2/eip:Eip) gives db a public address through networkInterface.",
            "assoc-1 (aws:ec2/eipAssociation:EipAssociation) gives db a public address through instanceId.",
            "assoc-2 (aws:ec2/eipAssociation:EipAssociation) gives db a public address through networkInterfaceId.",
        ]);
    });

    it("passes Elastic IPs of other instances and a stack without them", async () => {
        expect(await messages(databaseHostNoElasticIp, [host, other, eip("ip-web", { instance: ["web"] }), association("assoc-web", { instanceId: ["web"] })])).toEqual([]);
        expect(await messages(databaseHostNoElasticIp, [host])).toEqual([]);
    });

    it("is not applicable to a stack without database hosts", async () => {
        const result = await evaluate([databaseHostNoElasticIp], [other, eip("ip-web", { instance: ["web"] })]);
        expect(result.notApplicable).toEqual([{ policyName: databaseHostNoElasticIp.name, reason: "no database-host instances in the stack" }]);
    });
});

describe("launch templates and spot instance requests", () => {
    const template = (props: Record<string, unknown>): Resource => ({ type: awsTypes.launchTemplate, name: "lt", props });
    const launchedAsDb = { tagSpecifications: [{ resourceType: "instance", tags: dbTags }] };
    const hardenedTemplate = {
        ...launchedAsDb,
        networkInterfaces: [{ associatePublicIpAddress: "false" }],
        metadataOptions: { httpTokens: "required" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }],
    };

    it("counts a launch template as a database host by the tags it gives instances, or its own", async () => {
        expect(await messages(databaseHostImdsv2, [template({ ...hardenedTemplate, metadataOptions: undefined })])).toHaveLength(1);
        expect(await messages(databaseHostImdsv2, [template({ ...hardenedTemplate, tagSpecifications: [], tags: dbTags, metadataOptions: undefined })])).toHaveLength(1);
        // Tags for volumes only do not make the instances database hosts.
        const volumesOnly = template({ ...hardenedTemplate, tagSpecifications: [{ resourceType: "volume", tags: dbTags }], metadataOptions: undefined });
        expect((await evaluate([databaseHostImdsv2], [volumesOnly])).notApplicable).toEqual([{ policyName: databaseHostImdsv2.name, reason: "not tagged as a database host" }]);
    });

    it("flags a public address, IMDSv1 and unencrypted volumes in a database-host launch template", async () => {
        const bad = template({ ...launchedAsDb, networkInterfaces: [{ associatePublicIpAddress: "true" }], metadataOptions: { httpTokens: "optional" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] });
        expect(await messages(databaseHostNoPublicIp, [bad])).toEqual([
            "networkInterfaces[0].associatePublicIpAddress is true.",
            "no networkInterfaces entry sets associatePublicIpAddress to false, so the subnet decides whether launched hosts get a public address.",
        ]);
        expect(await messages(databaseHostImdsv2, [bad])).toEqual(["metadataOptions.httpTokens is not \"required\", so IMDSv1 answers without a session token."]);
        expect(await messages(databaseHostEncryptedVolumes, [bad])).toEqual(["blockDeviceMappings[0] (/dev/xvda) is not encrypted."]);
        expect(await messages(databaseHostEncryptedVolumes, [template(launchedAsDb)])).toEqual(["no blockDeviceMappings, so the image's volume settings decide; map the root device with ebs.encrypted true."]);
    });

    it("passes a hardened launch template and remediates IMDSv1 in one", async () => {
        for (const policy of [databaseHostNoPublicIp, databaseHostImdsv2, databaseHostEncryptedVolumes]) expect(await messages(policy, [template(hardenedTemplate)])).toEqual([]);
        const fixed = await remediate(databaseHostImdsv2, template({ ...hardenedTemplate, metadataOptions: { httpTokens: "optional" } }));
        expect(fixed).toMatchObject({ metadataOptions: { httpTokens: "required" } });
    });

    it("checks a spot instance request as an instance", async () => {
        const spot: Resource = { type: awsTypes.spotInstanceRequest, name: "spot", props: hardenedInstanceProps({ associatePublicIpAddress: true, metadataOptions: undefined, rootBlockDevice: undefined }) };
        expect(await messages(databaseHostNoPublicIp, [spot])).toEqual(["associatePublicIpAddress is true."]);
        expect(await messages(databaseHostImdsv2, [spot])).toHaveLength(1);
        expect(await messages(databaseHostEncryptedVolumes, [spot])).toEqual(["rootBlockDevice.encrypted is not true (an unset value leaves it to the account's default)."]);
    });
});

describe("database-host-attached-volumes-encrypted", () => {
    const host = instance("db", hardenedInstanceProps());
    const other = instance("web", {});
    const volume = (name: string, encrypted?: boolean): Resource => ({ type: awsTypes.volume, name, props: { size: 100, ...(encrypted === undefined ? {} : { encrypted }) } });
    const attach = (name: string, to: string, vol: string): Resource => ({ type: awsTypes.volumeAttachment, name, props: { deviceName: "/dev/sdg" }, propertyDependencies: { instanceId: [to], volumeId: [vol] } });

    it("flags an untagged unencrypted volume attached to a database host", async () => {
        expect(await messages(databaseHostAttachedVolumesEncrypted, [host, volume("data"), attach("data-db", "db", "data")])).toEqual([
            "data is attached to db by data-db and is not encrypted.",
        ]);
    });

    it("passes encrypted attached volumes and volumes of other instances", async () => {
        expect(await messages(databaseHostAttachedVolumesEncrypted, [host, other, volume("data", true), attach("a", "db", "data"), volume("scratch"), attach("b", "web", "scratch")])).toEqual([]);
    });
});

describe("aws-native instances, volumes and launch templates (CloudFormation property names)", () => {
    const nativeTags = Object.entries(dbTags).map(([key, value]) => ({ key, value }));
    const nativeInstance = (props: Record<string, unknown>): Resource => ({
        type: nativeTypes.instance,
        name: "native-db",
        props: {
            imageId: "ami-0123",
            instanceType: "m6i.large",
            networkInterfaces: [{ deviceIndex: "0", subnetId: "subnet-1", associatePublicIpAddress: false }],
            metadataOptions: { httpTokens: "required" },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true, volumeSize: 30 } }],
            tags: nativeTags,
            ...props,
        },
    });
    const nativeTemplate = (data: Record<string, unknown>, own: Record<string, unknown> = {}): Resource => ({
        type: nativeTypes.launchTemplate,
        name: "native-lt",
        props: { launchTemplateData: { tagSpecifications: [{ resourceType: "instance", tags: nativeTags }], ...data }, ...own },
    });

    it("flags a public address, IMDSv1 and an unencrypted mapping on a tagged aws-native instance", async () => {
        const bad = nativeInstance({ networkInterfaces: [{ deviceIndex: "0", associatePublicIpAddress: true }], metadataOptions: { httpTokens: "optional" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: false } }] });
        expect(await messages(databaseHostNoPublicIp, [bad])).toEqual([
            "networkInterfaces[0].associatePublicIpAddress is true.",
            "no networkInterfaces entry sets associatePublicIpAddress to false, so the subnet decides whether the host gets a public address.",
        ]);
        expect(await messages(databaseHostImdsv2, [bad])).toHaveLength(1);
        expect(await messages(databaseHostEncryptedVolumes, [bad])).toEqual(["blockDeviceMappings[0] (/dev/xvda) is not encrypted."]);
        expect(await messages(databaseHostNoPublicIp, [nativeInstance({ networkInterfaces: undefined })])).toHaveLength(1);
        const volume: Resource = { type: nativeTypes.volume, name: "native-data", props: { availabilityZone: "eu-west-1a", size: 100, tags: nativeTags } };
        expect(await messages(databaseHostEncryptedVolumes, [volume])).toEqual(["the volume is not encrypted."]);
    });

    it("passes a hardened aws-native instance and an encrypted volume, and leaves untagged ones alone", async () => {
        for (const policy of [databaseHostNoPublicIp, databaseHostImdsv2, databaseHostEncryptedVolumes]) expect(await messages(policy, [nativeInstance({})])).toEqual([]);
        const volume: Resource = { type: nativeTypes.volume, name: "native-data", props: { size: 100, encrypted: true, tags: nativeTags } };
        expect(await messages(databaseHostEncryptedVolumes, [volume])).toEqual([]);
        const untagged = await evaluate([databaseHostNoPublicIp], [nativeInstance({ tags: [{ key: "role", value: "web" }], networkInterfaces: [] })]);
        expect(untagged.notApplicable).toEqual([{ policyName: databaseHostNoPublicIp.name, reason: "not tagged as a database host" }]);
    });

    it("reads an aws-native launch template's launchTemplateData, by the tags it gives instances or its own", async () => {
        const bad = nativeTemplate({ networkInterfaces: [{ associatePublicIpAddress: true }], metadataOptions: { httpTokens: "optional" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: false } }] });
        expect(await messages(databaseHostNoPublicIp, [bad])).toEqual([
            "networkInterfaces[0].associatePublicIpAddress is true.",
            "no networkInterfaces entry sets associatePublicIpAddress to false, so the subnet decides whether launched hosts get a public address.",
        ]);
        expect(await messages(databaseHostImdsv2, [bad])).toHaveLength(1);
        expect(await messages(databaseHostEncryptedVolumes, [bad])).toHaveLength(1);
        const own = nativeTemplate({ tagSpecifications: [], metadataOptions: undefined }, { tagSpecifications: [{ resourceType: "launch-template", tags: nativeTags }] });
        expect(await messages(databaseHostImdsv2, [own])).toHaveLength(1);
        const good = nativeTemplate({ networkInterfaces: [{ associatePublicIpAddress: false }], metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true } }] });
        for (const policy of [databaseHostNoPublicIp, databaseHostImdsv2, databaseHostEncryptedVolumes]) expect(await messages(policy, [good])).toEqual([]);
    });

    it("remediates IMDSv1 inside an aws-native launch template's data and on an aws-native instance", async () => {
        const fixed = await remediate(databaseHostImdsv2, nativeTemplate({ imageId: unknown.string, metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } }));
        expect(fixed).toMatchObject({ launchTemplateData: { imageId: unknown.string, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } } });
        expect(await remediate(databaseHostImdsv2, { ...nativeTemplate({}), props: { tagSpecifications: [{ resourceType: "launch-template", tags: nativeTags }] } })).toMatchObject({ launchTemplateData: { metadataOptions: { httpTokens: "required" } } });
        expect(await remediate(databaseHostImdsv2, nativeInstance({ metadataOptions: undefined }))).toMatchObject({ metadataOptions: { httpTokens: "required" }, imageId: "ami-0123" });
    });

    it("counts a tagged aws-native instance as a database host in the stack policies", async () => {
        const placed: Resource = { ...nativeInstance({}), propertyDependencies: { subnetId: ["subnet"] } };
        const subnet: Resource = { type: awsTypes.subnet, name: "subnet", props: { mapPublicIpOnLaunch: true } };
        expect(await messages(databaseHostPrivateSubnet, [subnet, placed])).toEqual(["native-db is in subnet subnet, which gives every instance a public address (mapPublicIpOnLaunch)."]);
    });
});

