/**
 * Config properties several policies share, with their defaults taken from the catalog.
 *
 * Each policy has its own config namespace in Pulumi, so a shared value (the database-host tag,
 * how production is recognised) is declared on every policy that uses it; the consumer API
 * (pack.ts) sets it on all of them at once.
 */
import { databaseHostRole, hostTags } from "../components/catalog";
import { productionEnvironment } from "../components/profile/model";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { parseNetworks, type Network } from "./network";
import { stackNameOf, type Property, type Props } from "./policy";
import { tagValue } from "./tags";

export interface TagMatch {
    readonly key: string;
    readonly value: string;
}

const tagSchema: PolicyConfigJSONSchema = {
    type: "object",
    properties: { key: { type: "string", minLength: 1 }, value: { type: "string" } },
    required: ["key", "value"],
    additionalProperties: false,
};

/** The tag that marks a database host; the components set it, other stacks can name their own. */
export const databaseHostTag: Property<TagMatch> = {
    ...tagSchema,
    description: "Tag that identifies database hosts (instances and volumes).",
    default: { key: hostTags.role, value: databaseHostRole },
};

export function hasTag(props: Props, tag: TagMatch): boolean {
    return tagValue(props, tag.key) === tag.value;
}

/** A list of CIDRs. The pattern only screens the shape; `parseNetworks` checks each value fully. */
export function cidrList(description: string, defaults: readonly string[]): Property<string[]> {
    return { type: "array", items: { type: "string", pattern: "^[0-9A-Fa-f.:]+/[0-9]{1,3}$" }, description, default: [...defaults] };
}

export function portList(description: string, defaults: readonly number[]): Property<number[]> {
    return { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, minItems: 1, description, default: [...defaults] };
}

/**
 * Private address space (RFC 1918 and IPv6 unique local addresses): the default for peer lists
 * an organisation is expected to narrow, so an unconfigured pack still refuses public peers.
 */
export const privateNetworks = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"] as const;

/** Parses a config CIDR list, naming the property when a value is not a CIDR. */
export function networksOf(property: string, cidrs: readonly string[]): Network[] {
    return parseNetworks(cidrs, (index, problem) => `config ${property}[${index}] "${cidrs[index]}": ${problem}`);
}

export interface ProductionConfig {
    productionStackNamePattern: string;
    productionStackTags: Record<string, string[]>;
    environmentTag: TagMatch;
}

/** How a policy recognises production: by stack name, by stack tag, or by the resource's environment tag. */
export const productionProperties = {
    productionStackNamePattern: {
        type: "string",
        description: "Regular expression matched against the stack name; a match means production.",
        default: "(^|[-_.])prod(uction)?($|[-_.])",
    },
    productionStackTags: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "string" } },
        description: "Stack tags that mean production: tag name to the values that count.",
        default: { environment: ["production", "prod"] },
    },
    environmentTag: {
        ...tagSchema,
        description: "Resource tag that marks a production resource in any stack.",
        default: { key: hostTags.environment, value: productionEnvironment },
    },
} satisfies { [K in keyof ProductionConfig]: Property<ProductionConfig[K]> };

export interface Production {
    readonly stackName: RegExp;
    readonly stackTags: ProductionConfig["productionStackTags"];
    readonly resourceTag: TagMatch;
}

export function productionOf(config: ProductionConfig): Production {
    return { stackName: new RegExp(config.productionStackNamePattern), stackTags: config.productionStackTags, resourceTag: config.environmentTag };
}

/** Why a resource counts as production, or undefined when nothing says so. */
export function productionReason(
    rule: Production,
    args: { readonly urn: string; readonly stackTags: ReadonlyMap<string, string> },
    props: Props,
): string | undefined {
    const stack = stackNameOf(args.urn);
    if (rule.stackName.test(stack)) return `stack "${stack}" matches ${rule.stackName.source}`;
    for (const [tag, values] of Object.entries(rule.stackTags)) {
        const value = args.stackTags.get(tag);
        if (value !== undefined && values.includes(value)) return `stack tag ${tag}=${value}`;
    }
    if (hasTag(props, rule.resourceTag)) return `resource tag ${rule.resourceTag.key}=${rule.resourceTag.value}`;
    return undefined;
}
