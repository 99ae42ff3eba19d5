import * as pulumi from "@pulumi/pulumi";
import { componentTypes } from "../catalog";
import { componentOptions } from "../componentOptions";
import { hardeningPlan } from "../plan";
import { parseProfile } from "../profile";
import { pausePromiseStacks } from "../promiseStacks";
import { buildSecurityGroup } from "../securityGroup";

export interface DatabaseSecurityGroupArgs {
    /** The host's hardening profile as YAML text: a profile file's content (JSON is YAML too). Validated before anything is created; every problem is reported with its field and value. */
    readonly profile: string;
    /** The VPC the group belongs to. */
    readonly vpcId: pulumi.Input<string>;
    /** Extra tags for the group. */
    readonly tags?: { [key: string]: string };
}

/**
 * A security group holding exactly the rules the profile's roles need, inline, so the group's
 * rule set is owned whole (AWS's default allow-all egress removed, rules added outside reverted).
 * The multi-language form of `DatabaseSecurityGroup`: the same component, with the profile as YAML text.
 */
export class DatabaseSecurityGroup extends pulumi.ComponentResource {
    /** The security group's id. */
    readonly securityGroupId: pulumi.Output<string>;
    // Records with unions in them, which the schema carries only as Any.
    /** The derived rules (what the host firewall enforces too). */
    readonly rules: any;

    constructor(name: string, args: DatabaseSecurityGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = hardeningPlan(parseProfile(args.profile, `${name}: profile`));
        const resume = pausePromiseStacks();
        try {
            super(componentTypes.securityGroup, name, {}, componentOptions("securityGroup", opts));
            const built = buildSecurityGroup(this, name, plan, args);
            this.securityGroupId = built.outputs.securityGroupId;
            this.rules = built.outputs.rules;
            this.registerOutputs(built.outputs);
        } finally {
            resume();
        }
    }
}
