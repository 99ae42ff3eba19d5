/**
 * Security-group rules of every shape AWS resources express them in, reduced to one form, and the
 * address arithmetic the network policies need.
 *
 * Reading is lazy on purpose: protocol and ports are read first, peers only for a rule that
 * covers an endpoint a policy cares about. During preview an unknown value throws the SDK's
 * UnknownValueError when read, which turns the policy into an advisory "can't run during
 * preview" for that resource; reading only what matters keeps unrelated unknowns from doing so.
 */
import { sensitivePorts, type IrisEndpointId, type OsEndpointId, type Protocol } from "../components/catalog";
import { coversWorld, networkContains, parseCidr, type Cidr, type Family } from "../components/cidr";
import type { Props } from "./policy";

export type Direction = "ingress" | "egress";

/** Type tokens of the resources that carry security-group rules. */
export const ruleTypes = {
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    // aws-native (Cloud Control): property names of the CloudFormation resource schemas
    // AWS::EC2::SecurityGroup / SecurityGroupIngress / SecurityGroupEgress, camel-cased as the
    // Pulumi aws-native registry documents them (v1.27).
    nativeSecurityGroup: "aws-native:ec2:SecurityGroup",
    nativeIngress: "aws-native:ec2:SecurityGroupIngress",
    nativeEgress: "aws-native:ec2:SecurityGroupEgress",
} as const;
export const ruleTypeList: readonly string[] = Object.values(ruleTypes);

export interface Peers {
    /** IPv4 and IPv6 CIDRs. */
    readonly cidrs: readonly string[];
    /** Peers that are not addresses (security groups, prefix lists, the group itself), described. */
    readonly others: readonly string[];
    /** The prefix list ids among them, for stack policies that look the lists up. */
    readonly prefixLists: readonly string[];
}

export interface SgRule {
    readonly direction: Direction;
    /** `all` for protocol -1/all; otherwise the lower-case name (numbers 6 and 17 become tcp and udp). */
    readonly protocol: string;
    readonly fromPort: number;
    readonly toPort: number;
    /** Where the rule sits, for messages: `ingress[2]`, or the rule resource's direction. */
    readonly where: string;
    peers(): Peers;
}

const protocolNames: Readonly<Record<string, string>> = { "-1": "all", all: "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };
const allPorts = { fromPort: 0, toPort: 65535 };

function protocolOf(value: unknown): string {
    const text = String(value ?? "all").toLowerCase();
    return protocolNames[text] ?? text;
}

/** Port range of a rule; a missing bound is read as the widest range, so a policy never passes a rule it cannot bound. */
function portsOf(protocol: string, fromPort: unknown, toPort: unknown): { fromPort: number; toPort: number } {
    if (protocol === "all") return allPorts;
    return {
        fromPort: typeof fromPort === "number" ? fromPort : allPorts.fromPort,
        toPort: typeof toPort === "number" ? toPort : allPorts.toPort,
    };
}

function list(value: unknown): string[] {
    return Array.isArray(value) ? [...value].filter((v): v is string => typeof v === "string" && v !== "") : [];
}

/** Peers with their prefix lists, which messages name first among the peers that are not addresses. */
function withPrefixLists(prefixLists: string[], peers: Omit<Peers, "prefixLists">): Peers {
    return { cidrs: peers.cidrs, others: [...prefixLists.map((id) => `prefix list ${id}`), ...peers.others], prefixLists };
}

/** A rule in the one form: protocol and ports read now, peers only when asked. */
function sgRule(direction: Direction, where: string, protocolValue: unknown, fromPort: unknown, toPort: unknown, peers: () => Peers): SgRule {
    const protocol = protocolOf(protocolValue);
    return { direction, protocol, ...portsOf(protocol, fromPort, toPort), where, peers };
}

/** Inline `ingress`/`egress` blocks of a (default) security group, and `aws:ec2` SecurityGroupRule. */
function classicRule(block: Props, direction: Direction, where: string): SgRule {
    return sgRule(direction, where, block.protocol, block.fromPort, block.toPort, () => withPrefixLists(list(block.prefixListIds), {
        cidrs: [...list(block.cidrBlocks), ...list(block.ipv6CidrBlocks)],
        others: [
            ...list(block.securityGroups).map((id) => `security group ${id}`),
            ...list([block.sourceSecurityGroupId]).map((id) => `security group ${id}`),
            ...(block.self === true ? ["the group itself (self)"] : []),
        ],
    }));
}

/** `aws:vpc` SecurityGroupIngressRule / SecurityGroupEgressRule: one peer per rule. */
function vpcRule(props: Props, direction: Direction): SgRule {
    return sgRule(direction, direction, props.ipProtocol, props.fromPort, props.toPort, () => withPrefixLists(list([props.prefixListId]), {
        cidrs: list([props.cidrIpv4, props.cidrIpv6]),
        others: list([props.referencedSecurityGroupId]).map((id) => `security group ${id}`),
    }));
}

/** aws-native rules (inline `securityGroupIngress`/`securityGroupEgress` items, or the rule resources): one peer each. */
function nativeRule(props: Props, direction: Direction, where: string): SgRule {
    const side = direction === "ingress" ? "source" : "destination";
    return sgRule(direction, where, props.ipProtocol, props.fromPort, props.toPort, () => withPrefixLists(list([props[`${side}PrefixListId`]]), {
        cidrs: list([props.cidrIp, props.cidrIpv6]),
        others: list([props[`${side}SecurityGroupId`], props.sourceSecurityGroupName]).map((id) => `security group ${id}`),
    }));
}

/** The rules a resource carries, in one form; empty for any other resource type. */
export function rulesOf(type: string, props: Props): SgRule[] {
    switch (type) {
        case ruleTypes.securityGroup:
        case ruleTypes.defaultSecurityGroup:
            return (["ingress", "egress"] as const).flatMap((direction) =>
                [...(props[direction] ?? [])].map((block: Props, i: number) => classicRule(block, direction, `${direction}[${i}]`)));
        case ruleTypes.securityGroupRule: {
            const direction: Direction = props.type === "egress" ? "egress" : "ingress";
            return [classicRule(props, direction, direction)];
        }
        case ruleTypes.ingressRule:
            return [vpcRule(props, "ingress")];
        case ruleTypes.egressRule:
            return [vpcRule(props, "egress")];
        case ruleTypes.nativeSecurityGroup:
            return (["ingress", "egress"] as const).flatMap((direction) => {
                const key = direction === "ingress" ? "securityGroupIngress" : "securityGroupEgress";
                return [...(props[key] ?? [])].map((block: Props, i: number) => nativeRule(block, direction, `${key}[${i}]`));
            });
        case ruleTypes.nativeIngress:
            return [nativeRule(props, "ingress", "ingress")];
        case ruleTypes.nativeEgress:
            return [nativeRule(props, "egress", "egress")];
        default:
            return [];
    }
}

export interface Endpoint {
    readonly name: string;
    readonly port: number;
    readonly protocol: Protocol;
}

export function covers(rule: SgRule, endpoint: Endpoint): boolean {
    return (rule.protocol === "all" || rule.protocol === endpoint.protocol) && rule.fromPort <= endpoint.port && endpoint.port <= rule.toPort;
}

/** Catalog endpoints by name, for policies that name the ones they guard. */
export function catalogEndpoints(names: readonly (IrisEndpointId | OsEndpointId)[]): Endpoint[] {
    return names.map((name) => {
        const found = sensitivePorts.find((p) => p.name === name);
        if (!found) throw new Error(`internal: no catalog endpoint ${name}`);
        return found;
    });
}

/** The same endpoint on other ports (a profile may move a port), named after the catalog one. */
export function onPorts(endpoint: Endpoint, ports: readonly number[]): Endpoint[] {
    return ports.map((port) => ({ ...endpoint, port }));
}

export function describeRule(rule: SgRule): string {
    const ports = rule.protocol === "all" ? "all traffic" : `${rule.protocol} ${rule.fromPort === rule.toPort ? rule.fromPort : `${rule.fromPort}-${rule.toPort}`}`;
    return `${rule.where} (${ports})`;
}

export function describeEndpoints(endpoints: readonly Endpoint[]): string {
    return endpoints.map((e) => `${e.name} ${e.port}/${e.protocol}`).join(", ");
}

export type Network = Cidr;

/** Parses CIDRs, failing loudly with `describe(index, problem)`: used for config, where a bad value is a setup error. */
export function parseNetworks(cidrs: readonly string[], describe: (index: number, problem: string) => string): Network[] {
    return cidrs.map((text, i) => {
        const parsed = parseCidr(text);
        if (typeof parsed === "string") throw new Error(describe(i, parsed));
        return parsed;
    });
}

/** A peer that does not parse cannot be checked, so policies count it against the rule. */
function unparsable(text: string, problem: string): string {
    return `${text} (not a valid CIDR: ${problem})`;
}

/** A CIDR peer as messages show it, or undefined when it passes `ok`. */
function checked(text: string, ok: (cidr: Cidr) => boolean): string | undefined {
    const cidr = parseCidr(text);
    if (typeof cidr === "string") return unparsable(text, cidr);
    return ok(cidr) ? undefined : text;
}

/**
 * Peers of a rule that are not inside `allowed`: CIDRs outside it, CIDRs that do not parse, and
 * every non-address peer (a security group or prefix list cannot be checked against CIDRs).
 */
export function peersOutside(peers: Peers, allowed: readonly Network[]): string[] {
    const outside = peers.cidrs.map((text) => checked(text, (cidr) => allowed.some((a) => networkContains(a, cidr))));
    return [...outside.filter((p): p is string => p !== undefined), ...peers.others];
}

/** A family's whole space as messages show it: the /0 itself, or the pieces that add up to it. */
function describeWorld(family: Family, cidrs: readonly Cidr[]): string {
    const pieces = cidrs.filter((c) => c.family === family);
    return pieces.find((c) => c.prefix === 0)?.text ?? `${pieces.map((c) => c.text).join(" + ")} (together all of IPv${family})`;
}

/**
 * What opens a rule to the whole Internet: a /0, CIDRs that together cover a family
 * (`0.0.0.0/1` + `128.0.0.0/1`), and CIDRs that do not parse, which cannot be shown not to.
 */
export function worldPeers(peers: Peers): string[] {
    const parsed = peers.cidrs.map((text) => ({ text, cidr: parseCidr(text) }));
    const cidrs = parsed.flatMap(({ cidr }) => (typeof cidr === "string" ? [] : [cidr]));
    const unparsed = parsed.flatMap(({ text, cidr }) => (typeof cidr === "string" ? [unparsable(text, cidr)] : []));
    return [...coversWorld(cidrs).map((family) => describeWorld(family, cidrs)), ...unparsed];
}
