import * as pulumi from "@pulumi/pulumi";
import { componentTypes, type OsFamily } from "../catalog";
import { componentOptions } from "../componentOptions";
import { buildExistingHost, planExistingHost, type ExistingHostArgs as ApiArgs } from "../existingHost";
import type { SshConnection } from "../host/connection";
import { parseProfile } from "../profile";
import { pausePromiseStacks } from "../promiseStacks";

export interface ExistingHostArgs {
    /** The host's hardening profile as YAML text: a profile file's content (JSON is YAML too). Validated before anything runs; every problem is reported with its field and value. */
    readonly profile: string;
    /** How to reach the host over SSH. */
    readonly connection: SshConnection;
    /** Distribution family of the host, for unit names (default `debian`). */
    readonly osFamily?: OsFamily;
    /** Check on every `up` whether the host drifted from its profile, and re-apply when it did. */
    readonly detectDrift?: boolean;
}

/** The TypeScript component's arguments: the profile parsed, the rest as given. */
export function existingHostArgs(name: string, args: ExistingHostArgs): ApiArgs {
    const { profile, ...rest } = args;
    return { ...rest, profile: parseProfile(profile, `${name}: profile`) };
}

/**
 * The hardening of a host that already exists (on premises, or created by another stack),
 * reached over SSH; creates no cloud resources. The multi-language form of `ExistingHost`: the
 * same component, with the profile as YAML text.
 */
export class ExistingHost extends pulumi.ComponentResource {
    // Records with unions in them, which the schema carries only as Any.
    /** The hardening plan (profile, parts, network rules): what the stack policies read. */
    readonly hardening: any;
    /** SHA-256 of the host script that runs. */
    readonly scriptDigest: string;
    /** What the host script changed and found on its last run (counts, report lines, iris.cpf deviations). */
    readonly summary: pulumi.Output<any>;

    constructor(name: string, args: ExistingHostArgs, opts?: pulumi.ComponentResourceOptions) {
        const planned = planExistingHost(name, existingHostArgs(name, args));
        const resume = pausePromiseStacks();
        try {
            super(componentTypes.existingHost, name, {}, componentOptions("existingHost", opts));
            const built = buildExistingHost(this, name, planned);
            this.hardening = built.outputs.hardening;
            this.scriptDigest = built.outputs.scriptDigest;
            this.summary = built.outputs.summary;
            this.registerOutputs(built.outputs);
        } finally {
            resume();
        }
    }
}
