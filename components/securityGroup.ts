import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentTypes, hostTags } from "./catalog";
import { componentOptions } from "./componentOptions";
import { hardeningPlan, type HardeningPlan } from "./plan";
import { validateProfile, type HostProfile, type HostProfileInput } from "./profile";
import { pausePromiseStacks } from "./promiseStacks";
import { splitByFamily, type Direction, type NetworkRule } from "./rules";

export interface DatabaseSecurityGroupArgs {
    /** The host's hardening profile (validated here; see README "Profile"). */
    readonly profile: HostProfile | HostProfileInput;
    /** VPC the group belongs to. */
    readonly vpcId: pulumi.Input<string>;
    /** Extra tags for the group. */
    readonly tags?: Record<string, string>;
}

/** How `DatabaseHost` hands over the plan it already made, so the profile is validated and planned once. */
export interface PlannedSecurityGroupArgs extends Omit<DatabaseSecurityGroupArgs, "profile"> {
    readonly plan: HardeningPlan;
}

type SecurityGroupRule = aws.types.input.ec2.SecurityGroupIngress;

/** A DatabaseSecurityGroup's security group under `parent`, and the outputs it registers (both DatabaseSecurityGroup classes build it so). */
export function buildSecurityGroup(parent: pulumi.Resource, name: string, plan: HardeningPlan, args: Omit<PlannedSecurityGroupArgs, "plan">) {
    const { profile, rules } = plan;
    const securityGroup = new aws.ec2.SecurityGroup(
        name,
        {
            vpcId: args.vpcId,
            description: `Database host ${profile.name} (${profile.product}, ${profile.environment})`,
            ingress: toAwsRules(rules, "ingress"),
            egress: toAwsRules(rules, "egress"),
            revokeRulesOnDelete: true,
            tags: { Name: name, [hostTags.profile]: profile.name, ...args.tags },
        },
        { parent },
    );
    return { securityGroup, rules, outputs: { securityGroupId: securityGroup.id, rules } };
}

/**
 * A security group holding exactly the rules the profile's roles need (see `deriveRules`).
 *
 * Rules are inline so the group's rule set is owned whole by this component: Pulumi removes
 * AWS's default allow-all egress and reverts rules added outside it.
 */
export class DatabaseSecurityGroup extends pulumi.ComponentResource {
    /** The underlying security group. */
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly securityGroupId: pulumi.Output<string>;
    /** The derived rules, as data (what the host firewall enforces too). */
    readonly rules: readonly NetworkRule[];

    constructor(name: string, args: DatabaseSecurityGroupArgs | PlannedSecurityGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = "plan" in args ? args.plan : hardeningPlan(validateProfile(args.profile, `${name}: profile`));
        const resume = pausePromiseStacks();
        try {
            super(componentTypes.securityGroup, name, {}, componentOptions("securityGroup", opts));
            const built = buildSecurityGroup(this, name, plan, args);
            this.securityGroup = built.securityGroup;
            this.securityGroupId = built.securityGroup.id;
            this.rules = built.rules;
            this.registerOutputs(built.outputs);
        } finally {
            resume();
        }
    }
}

/** Splits each rule's peers by address family, as AWS wants them. */
export function toAwsRules(rules: readonly NetworkRule[], direction: Direction): SecurityGroupRule[] {
    return rules
        .filter((r) => r.direction === direction)
        .map((r) => {
            const { v4, v6 } = splitByFamily(r.cidrs);
            return {
                protocol: r.protocol,
                fromPort: r.port,
                toPort: r.port,
                description: r.description,
                ...(v4.length > 0 ? { cidrBlocks: v4 } : {}),
                ...(v6.length > 0 ? { ipv6CidrBlocks: v6 } : {}),
            };
        });
}
