/** Builders for the resources policy tests feed the harness: realistic props, short to write. */
import { databaseHostRole, hostTags } from "../../../components/catalog";
import { ruleTypes } from "../../../policies/network";
import { awsTypes } from "../../../policies/resources";
import type { Resource } from "./harness";

export interface Block {
    protocol?: string;
    fromPort?: number;
    toPort?: number;
    cidrBlocks?: unknown;
    ipv6CidrBlocks?: unknown;
    securityGroups?: string[];
    prefixListIds?: string[];
    self?: boolean;
}

export function tcp(port: number, ...cidrBlocks: string[]): Block {
    return { protocol: "tcp", fromPort: port, toPort: port, cidrBlocks };
}

export function udp(port: number, ...cidrBlocks: string[]): Block {
    return { protocol: "udp", fromPort: port, toPort: port, cidrBlocks };
}

export function securityGroup(name: string, ingress: Block[], egress: Block[] = [], tags: Record<string, string> = {}): Resource {
    return { type: ruleTypes.securityGroup, name, props: { vpcId: "vpc-1", ingress, egress, tags } };
}

export const dbTags = { [hostTags.role]: databaseHostRole };

/** An instance as the DatabaseHost component declares it (compliant with every instance policy). */
export function hardenedInstanceProps(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        ami: "ami-0123",
        instanceType: "m6i.large",
        subnetId: "subnet-1",
        associatePublicIpAddress: false,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 30 },
        ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 100, encrypted: true }],
        tags: { Name: "db", ...dbTags },
        ...overrides,
    };
}

export function instance(name: string, props: Record<string, unknown>, links: Partial<Resource> = {}): Resource {
    return { type: awsTypes.instance, name, props, ...links };
}
