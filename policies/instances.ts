/**
 * Database-host policies: EC2 instances, spot instance requests and launch templates (and EBS
 * volumes), of the aws provider and aws-native, that carry the database-host tag; a launch
 * template also by the tags it gives the instances it launches.
 *
 * The components tag every host they create (`hostTags.role` = `databaseHostRole`); stacks
 * that build hosts themselves name their own tag in `databaseHostTag`. Resource policies see a
 * resource's inputs before it is created; the subnet policy is a stack policy because only the
 * whole stack shows which subnet, route table and gateway belong together.
 */
import type { PolicyResource, ReportViolation, StackValidation } from "@pulumi/policy";
import { databaseHostTag, hasTag, type TagMatch } from "./config";
import { configReader, forTypes, notApplicable, resourcePolicy, schemaOf, stackPolicy, type Properties, type Props } from "./policy";
import { awsTypes, fromProperty, nativeTypes, StackView } from "./resources";

interface HostConfig {
    databaseHostTag: TagMatch;
}
const hostProperties: Properties<HostConfig> = { databaseHostTag };
const hostTagOf = configReader(hostProperties, (c) => c.databaseHostTag);

/**
 * How each host-making resource holds an instance's settings: where they are (a launch template's
 * in its data), how it asks for a public address (a flag of its own, or per network interface)
 * and how it maps volumes (root and EBS devices, or block device mappings). The aws-native shapes
 * follow the CloudFormation schemas of AWS::EC2::Instance and AWS::EC2::LaunchTemplate.
 */
interface HostShape {
    readonly settings: (props: Props) => Props;
    readonly publicIp: "flag" | "interfaces";
    readonly volumes: "devices" | "mappings";
    /** Launch templates: the instances they launch are database hosts by their tag specifications. */
    readonly launches?: { readonly who: string; readonly ownTagSpecifications: boolean };
}
const asIs = (props: Props) => props;
const classicInstance: HostShape = { settings: asIs, publicIp: "flag", volumes: "devices" };
const hostShapes: Readonly<Record<string, HostShape>> = {
    [awsTypes.instance]: classicInstance,
    [awsTypes.spotInstanceRequest]: classicInstance,
    [awsTypes.launchTemplate]: { settings: asIs, publicIp: "interfaces", volumes: "mappings", launches: { who: "launched hosts get", ownTagSpecifications: false } },
    [nativeTypes.instance]: { settings: asIs, publicIp: "interfaces", volumes: "mappings" },
    // Its own tags are tag specifications of resource type launch-template; the instances' are in its data.
    [nativeTypes.launchTemplate]: { settings: (props) => props.launchTemplateData ?? {}, publicIp: "interfaces", volumes: "mappings", launches: { who: "launched hosts get", ownTagSpecifications: true } },
};
const hostTypes = Object.keys(hostShapes);
const volumeTypes: readonly string[] = [awsTypes.volume, nativeTypes.volume];

function taggedSpecification(specs: unknown, tag: TagMatch, resourceTypes: readonly (string | undefined)[]): boolean {
    return Array.isArray(specs) && [...specs].some((spec: Props) => resourceTypes.includes(spec.resourceType) && hasTag(spec, tag));
}

/**
 * A database host, or a launch template that makes one: by its own tags, or for a launch template
 * also by the tags it gives the instances it launches (`tagSpecifications`).
 */
function isDatabaseHost(args: { type: string; props: Props; getConfig<T extends object>(): T }): boolean {
    const tag = hostTagOf(args);
    if (hasTag(args.props, tag)) return true;
    const launches = hostShapes[args.type]?.launches;
    if (!launches) return false;
    if (launches.ownTagSpecifications && taggedSpecification(args.props.tagSpecifications, tag, ["launch-template"])) return true;
    return taggedSpecification(hostShapes[args.type].settings(args.props).tagSpecifications, tag, [undefined, "instance"]);
}

/** Launch template booleans are strings in the aws provider's schema ("true"/"false"); CloudFormation's are booleans. */
function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}
function isFalse(value: unknown): boolean {
    return value === false || value === "false";
}

/** A validation for tagged database hosts among `types`; every other resource is not applicable. */
function forDatabaseHosts(types: readonly string[], validate: (props: Props, report: (message: string) => void, type: string) => void) {
    return forTypes(types, (props, args, report) => {
        if (!isDatabaseHost(args)) notApplicable(args, "not tagged as a database host");
        validate(props, report, args.type);
    });
}

/** GT.M: "not intended to operate robustly on a machine that is potentially subject to direct attack"; YottaDB: "behind layers of defenses". */
export const databaseHostNoPublicIp = resourcePolicy({
    name: "database-host-no-public-ip",
    description: "A database host is not given a public IPv4 address.",
    control: "MDBH-AWS-001",
    enforcementLevel: "mandatory",
    remediationSteps: "Set associatePublicIpAddress: false on the instance (the DatabaseHost component does), or on a network interface of a launch template or aws-native instance, and reach it through the admin networks. Changing it replaces the instance, so the policy does not remediate it.",
    configSchema: schemaOf(hostProperties),
    validateResource: forDatabaseHosts(hostTypes, (props, report, type) => {
        const shape = hostShapes[type];
        if (shape.publicIp === "interfaces") {
            const interfaces: Props[] = [...(shape.settings(props).networkInterfaces ?? [])];
            interfaces.forEach((ni, i) => {
                if (isTrue(ni.associatePublicIpAddress)) report(`networkInterfaces[${i}].associatePublicIpAddress is true.`);
            });
            if (!interfaces.some((ni) => isFalse(ni.associatePublicIpAddress))) {
                report(`no networkInterfaces entry sets associatePublicIpAddress to false, so the subnet decides whether ${shape.launches?.who ?? "the host gets"} a public address.`);
            }
            return;
        }
        const value = props.associatePublicIpAddress;
        if (value === true) report("associatePublicIpAddress is true.");
        // Unset, the subnet's mapPublicIpOnLaunch decides, which this resource cannot see.
        else if (value !== false) report("associatePublicIpAddress is not set, so the subnet decides whether the host gets a public address; set it to false.");
    }),
});

function requiresImdsv2(options: Props | undefined): boolean {
    return options?.httpTokens === "required" || options?.httpEndpoint === "disabled";
}

/**
 * Instance credentials from the metadata service are reachable by any process (or SSRF) on the
 * host with IMDSv1; IMDSv2 needs a session token. Not in the source documents: AWS's own guidance
 * for any host that holds data.
 */
export const databaseHostImdsv2 = resourcePolicy({
    name: "database-host-imdsv2",
    description: "A database host requires IMDSv2 session tokens for the instance metadata service (or disables the service).",
    control: "MDBH-AWS-002",
    enforcementLevel: "mandatory",
    remediationSteps: "Set metadataOptions.httpTokens: \"required\". The change is made in place; with enforcement level \"remediate\" the policy sets it itself. Software on the host that still uses IMDSv1 must move to an SDK that speaks IMDSv2.",
    configSchema: schemaOf(hostProperties),
    validateResource: forDatabaseHosts(hostTypes, (props, report, type) => {
        if (!requiresImdsv2(hostShapes[type].settings(props).metadataOptions)) report("metadataOptions.httpTokens is not \"required\", so IMDSv1 answers without a session token.");
    }),
    // Safe and unambiguous: an in-place update that keeps every other metadata option.
    remediateResource: (args) => {
        if (!hostShapes[args.type] || !isDatabaseHost(args)) return undefined;
        // Set in place: copying the props would read (and trip over) preview unknowns elsewhere in them.
        if (args.type === nativeTypes.launchTemplate && args.props.launchTemplateData === undefined) args.props.launchTemplateData = {};
        const settings = hostShapes[args.type].settings(args.props);
        const options: Props | undefined = settings.metadataOptions;
        if (requiresImdsv2(options)) return undefined;
        settings.metadataOptions = { ...options, httpTokens: "required" };
        return args.props;
    },
});

/** Database and journal files live on these volumes; not in the source documents, a baseline for any data host. */
export const databaseHostEncryptedVolumes = resourcePolicy({
    name: "database-host-encrypted-volumes",
    description: "A database host's root and data volumes are encrypted.",
    control: "MDBH-AWS-003",
    enforcementLevel: "mandatory",
    remediationSteps: "Set encrypted: true on rootBlockDevice, on every ebsBlockDevices entry and on tagged EBS volumes (optionally with kmsKeyId). Encrypting an existing volume replaces it: migrate the data first.",
    configSchema: schemaOf(hostProperties),
    validateResource: forDatabaseHosts([...hostTypes, ...volumeTypes], (props, report, type) => {
        if (volumeTypes.includes(type)) {
            if (props.encrypted !== true) report("the volume is not encrypted.");
            return;
        }
        const shape = hostShapes[type];
        if (shape.volumes === "mappings") {
            const mappings: Props[] = [...(shape.settings(props).blockDeviceMappings ?? [])];
            if (mappings.length === 0) report("no blockDeviceMappings, so the image's volume settings decide; map the root device with ebs.encrypted true.");
            mappings.forEach((m, i) => {
                if (!isTrue(m.ebs?.encrypted)) report(`blockDeviceMappings[${i}] (${m.deviceName}) is not encrypted.`);
            });
            return;
        }
        if (props.rootBlockDevice?.encrypted !== true) report("rootBlockDevice.encrypted is not true (an unset value leaves it to the account's default).");
        [...(props.ebsBlockDevices ?? [])].forEach((device: Props, i: number) => {
            if (device.encrypted !== true) report(`ebsBlockDevices[${i}] (${device.deviceName}) is not encrypted.`);
        });
    }),
});

/** A stack validation run for each database-host instance; not applicable to a stack without one. */
function perDatabaseHost(check: (view: StackView, host: PolicyResource, report: ReportViolation) => void): StackValidation {
    return (args, report) => {
        const view = new StackView(args.resources);
        const hosts = view.databaseHosts(hostTagOf(args));
        if (hosts.length === 0) args.notApplicable("no database-host instances in the stack");
        for (const host of hosts) check(view, host, report);
    };
}

/** Why a subnet is public, as far as the stack shows: an empty list means the policy cannot tell it is. */
function publicReasons(view: StackView, subnet: PolicyResource): string[] {
    const reasons: string[] = [];
    if (subnet.props.mapPublicIpOnLaunch === true) reasons.push("gives every instance a public address (mapPublicIpOnLaunch)");
    for (const table of routeTablesOf(view, subnet)) {
        if (routesToInternet(view, table)) reasons.push(`routes to an internet gateway through route table ${table.name}`);
    }
    return reasons;
}

/** The subnet's explicitly associated route tables, or else its VPC's main route table. */
function routeTablesOf(view: StackView, subnet: PolicyResource): PolicyResource[] {
    const associated = view.referencing(awsTypes.routeTableAssociation, "subnetId", subnet)
        .flatMap((a) => fromProperty(a, "routeTableId", awsTypes.routeTable));
    if (associated.length > 0) return associated;
    return fromProperty(subnet, "vpcId", awsTypes.vpc).flatMap((vpc) => [
        ...view.referencing(awsTypes.mainRouteTableAssociation, "vpcId", vpc).flatMap((a) => fromProperty(a, "routeTableId", awsTypes.routeTable)),
        ...view.referencing(awsTypes.defaultRouteTable, "defaultRouteTableId", vpc),
    ]);
}

function isInternetGatewayId(value: unknown): boolean {
    return typeof value === "string" && value.startsWith("igw-");
}

/** A route to an internet gateway, inline or as a Route resource, by the gateway resource it names or its literal id. */
function routesToInternet(view: StackView, table: PolicyResource): boolean {
    const inline = fromProperty(table, "routes", awsTypes.internetGateway).length > 0
        || [...(table.props.routes ?? [])].some((route: Props) => isInternetGatewayId(route.gatewayId));
    return inline || view.referencing(awsTypes.route, "routeTableId", table).some((route) =>
        fromProperty(route, "gatewayId", awsTypes.internetGateway).length > 0 || isInternetGatewayId(route.props.gatewayId));
}

/** As database-host-no-public-ip: a host in a public subnet is one route away from the internet. */
export const databaseHostPrivateSubnet = stackPolicy({
    name: "database-host-private-subnet",
    description: "A database host is not in a subnet the stack shows to be public (public addresses on launch, or a route to an internet gateway).",
    control: "MDBH-AWS-004",
    enforcementLevel: "mandatory",
    remediationSteps: "Put database hosts in a private subnet: mapPublicIpOnLaunch false and no route to an internet gateway (use a NAT gateway or VPC endpoints for outbound needs).",
    configSchema: schemaOf(hostProperties),
    validateStack: perDatabaseHost((view, host, report) => {
        // A subnet given as a literal id, or from another stack, is not in `propertyDependencies`: nothing to judge.
        for (const subnet of fromProperty(host, "subnetId", awsTypes.subnet)) {
            const reasons = publicReasons(view, subnet);
            if (reasons.length > 0) report(`${host.name} is in subnet ${subnet.name}, which ${reasons.join(" and ")}.`, host.urn);
        }
    }),
});

/** Elastic IP properties that attach it to an instance directly or through a network interface (the host's primary one is its output). */
const elasticIpLinks: readonly { readonly type: string; readonly properties: readonly string[] }[] = [
    { type: awsTypes.eip, properties: ["instance", "networkInterface"] },
    { type: awsTypes.eipAssociation, properties: ["instanceId", "networkInterfaceId"] },
];

/** As database-host-no-public-ip, for a public address another resource attaches: an Elastic IP. */
export const databaseHostNoElasticIp = stackPolicy({
    name: "database-host-no-elastic-ip",
    description: "No Elastic IP (aws.ec2.Eip, aws.ec2.EipAssociation) is attached to a database host or its network interface.",
    control: "MDBH-AWS-006",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove the Elastic IP or its association from the database host; reach the host through the admin networks (a bastion or VPN) instead.",
    configSchema: schemaOf(hostProperties),
    validateStack: perDatabaseHost((view, host, report) => {
        for (const { type, properties } of elasticIpLinks) {
            for (const property of properties) {
                // A link by a literal id, or to a host of another stack, is not in propertyDependencies: nothing to judge.
                for (const eip of view.referencing(type, property, host)) report(`${eip.name} (${type}) gives ${host.name} a public address through ${property}.`, eip.urn);
            }
        }
    }),
});

/** As database-host-encrypted-volumes, for a volume the stack attaches to a host without tagging it. */
export const databaseHostAttachedVolumesEncrypted = stackPolicy({
    name: "database-host-attached-volumes-encrypted",
    description: "Every EBS volume the stack attaches to a database host (aws.ec2.VolumeAttachment) is encrypted, tagged or not.",
    control: "MDBH-AWS-005",
    enforcementLevel: "mandatory",
    remediationSteps: "Set encrypted: true on the volume (optionally with kmsKeyId). Encrypting an existing volume replaces it: migrate the data first.",
    configSchema: schemaOf(hostProperties),
    validateStack: perDatabaseHost((view, host, report) => {
        for (const attachment of view.referencing(awsTypes.volumeAttachment, "instanceId", host)) {
            // A volume given by a literal id, or from another stack, is not in propertyDependencies: nothing to judge.
            for (const volume of fromProperty(attachment, "volumeId", awsTypes.volume)) {
                // Reported on the attachment: it takes the waiver of the host or of the volume (resources.ts ownerProperties).
                if (volume.props.encrypted !== true) report(`${volume.name} is attached to ${host.name} by ${attachment.name} and is not encrypted.`, attachment.urn);
            }
        }
    }),
});

export const instancePolicies = [databaseHostNoPublicIp, databaseHostImdsv2, databaseHostEncryptedVolumes, databaseHostPrivateSubnet, databaseHostNoElasticIp, databaseHostAttachedVolumesEncrypted];
