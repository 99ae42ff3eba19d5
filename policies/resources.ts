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
} as const;

/** The stack's resources indexed by type, with dependents computed on first use. */
export class StackView {
    private readonly types = new Map<string, PolicyResource[]>();
    private dependents?: Map<PolicyResource, PolicyResource[]>;

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

    databaseHosts(tag: TagMatch): PolicyResource[] {
        return this.ofType(awsTypes.instance).filter((r) => hasTag(r.props, tag));
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
