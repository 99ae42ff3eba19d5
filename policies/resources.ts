/**
 * Navigation over the resources a stack policy receives.
 *
 * A stack policy gets each resource's outputs, its parent (`PolicyResource.parent`), the
 * resources it depends on (`dependencies`) and, per input property, the resources that
 * property's value came from (`propertyDependencies`). It gets no list of children and no
 * dependents, so those are computed here by inverting the links.
 */
import type { PolicyResource } from "@pulumi/policy";
import { hasTag, type TagMatch } from "./config";
import { ruleTypes } from "./network";
import { unknownValue, whenKnown } from "./unknowns";

export const awsTypes = {
    instance: "aws:ec2/instance:Instance",
    spotInstanceRequest: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    volume: "aws:ebs/volume:Volume",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    defaultRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    mainRouteTableAssociation: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    volumeAttachment: "aws:ec2/volumeAttachment:VolumeAttachment",
    eip: "aws:ec2/eip:Eip",
    eipAssociation: "aws:ec2/eipAssociation:EipAssociation",
    managedPrefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
    managedPrefixListEntry: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
} as const;

/**
 * aws-native (Cloud Control) types the pack reads, by the property names of their CloudFormation
 * resource schemas (AWS CloudFormation Template Reference: AWS::EC2::PrefixList, Instance, Volume,
 * LaunchTemplate), camel-cased as the Pulumi aws-native registry documents them.
 */
export const nativeTypes = {
    prefixList: "aws-native:ec2:PrefixList",
    instance: "aws-native:ec2:Instance",
    volume: "aws-native:ec2:Volume",
    launchTemplate: "aws-native:ec2:LaunchTemplate",
} as const;

/**
 * The output holding a resource's id where it is not `id`: aws-native outputs carry the
 * CloudFormation `GetAtt` attributes (GroupId, PrefixListId, InstanceId, VolumeId).
 */
const idProperties: Readonly<Record<string, string>> = {
    [ruleTypes.nativeSecurityGroup]: "groupId",
    [nativeTypes.prefixList]: "prefixListId",
    [nativeTypes.instance]: "instanceId",
    [nativeTypes.volume]: "volumeId",
};

/**
 * Resources that belong to another one, by the properties that name it: a rule to its group, an
 * Elastic IP association or a volume attachment to its instance (and volume), a prefix list entry
 * to its list. Most carry no tags, so a stack policy takes the owner's waiver for them.
 */
export const ownerProperties: Readonly<Record<string, readonly string[]>> = {
    [ruleTypes.securityGroupRule]: ["securityGroupId"],
    [ruleTypes.ingressRule]: ["securityGroupId"],
    [ruleTypes.egressRule]: ["securityGroupId"],
    [ruleTypes.nativeIngress]: ["groupId"],
    [ruleTypes.nativeEgress]: ["groupId"],
    [awsTypes.eip]: ["instance", "networkInterface"],
    [awsTypes.eipAssociation]: ["instanceId", "networkInterfaceId"],
    [awsTypes.volumeAttachment]: ["instanceId", "volumeId"],
    [awsTypes.managedPrefixListEntry]: ["prefixListId"],
};

function knownStrings(value: unknown): string[] {
    const values = Array.isArray(value) ? [...value] : [value];
    return values.filter((v): v is string => typeof v === "string" && v !== "");
}

/** The stack's resources indexed by type, with dependents computed on first use. */
export class StackView {
    private readonly types = new Map<string, PolicyResource[]>();
    private dependents?: Map<PolicyResource, PolicyResource[]>;
    private ids?: Map<string, PolicyResource[]>;
    private urns?: Map<string, PolicyResource>;

    constructor(readonly resources: readonly PolicyResource[]) {
        for (const r of resources) push(this.types, r.type, r);
    }

    ofType(type: string): readonly PolicyResource[] {
        return this.types.get(type) ?? [];
    }

    /** Resources that depend on `resource` (the inverse of `dependencies`). */
    dependentsOf(resource: PolicyResource): readonly PolicyResource[] {
        if (!this.dependents) {
            const index = new Map<PolicyResource, PolicyResource[]>();
            for (const r of this.resources) for (const d of r.dependencies) push(index, d, r);
            this.dependents = index;
        }
        return this.dependents.get(resource) ?? [];
    }

    /** Resources of `type` whose input `property` took its value from `target`. */
    referencing(type: string, property: string, target: PolicyResource): PolicyResource[] {
        return this.ofType(type).filter((r) => (r.propertyDependencies[property] ?? []).includes(target));
    }

    byUrn(urn: string): PolicyResource | undefined {
        this.urns ??= new Map(this.resources.map((r) => [r.urn, r]));
        return this.urns.get(urn);
    }

    /** Resources whose known id is `id` (an id not known yet, during preview, names nothing). */
    byId(id: string): readonly PolicyResource[] {
        if (!this.ids) {
            const index = new Map<string, PolicyResource[]>();
            for (const r of this.resources) {
                const id = whenKnown(() => r.props[idProperties[r.type] ?? "id"]);
                if (typeof id === "string" && id !== "") push(index, id, r);
            }
            this.ids = index;
        }
        return this.ids.get(id) ?? [];
    }

    /**
     * The resources (of `types`, or any) that `resource`'s `property` names: by the value's
     * dependencies, or by a literal id the stack knows. `onUnknown` gets the error when the value
     * is not known yet (during preview).
     */
    named(resource: PolicyResource, property: string, types?: readonly string[], onUnknown?: (error: Error) => void): PolicyResource[] {
        const value = whenKnown(() => knownStrings(resource.props[property]), onUnknown);
        const found = [...(resource.propertyDependencies[property] ?? []), ...(value === unknownValue ? [] : value.flatMap((id) => this.byId(id)))];
        return [...new Set(found)].filter((r) => r !== resource && (!types || types.includes(r.type)));
    }

    /** What `resource` belongs to (ownerProperties), in the stack. */
    ownersOf(resource: PolicyResource): PolicyResource[] {
        return [...new Set((ownerProperties[resource.type] ?? []).flatMap((property) => this.named(resource, property)))];
    }

    databaseHosts(tag: TagMatch): PolicyResource[] {
        return [...this.ofType(awsTypes.instance), ...this.ofType(nativeTypes.instance)].filter((r) => hasTag(r.props, tag));
    }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}

export function ancestors(resource: PolicyResource): PolicyResource[] {
    const chain: PolicyResource[] = [];
    for (let p = resource.parent; p; p = p.parent) chain.push(p);
    return chain;
}

/** The resources an input property of `resource` took its value from, of the given type. */
export function fromProperty(resource: PolicyResource, property: string, type: string): PolicyResource[] {
    return (resource.propertyDependencies[property] ?? []).filter((r) => r.type === type);
}
