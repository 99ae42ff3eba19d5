import * as pulumi from "@pulumi/pulumi";
import { componentTypes, defaultOsFamily, type OsFamily } from "./catalog";
import { componentOptions } from "./componentOptions";
import { checkConnection, type SshConnection } from "./host/connection";
import { HostHardening, type HostSummary } from "./host/hostHardening";
import { renderHostScript } from "./host/script";
import { hardeningOutput, hardeningPlan, type HardeningOutput, type HardeningPlan } from "./plan";
import { validateProfile, type HostProfile, type HostProfileInput } from "./profile";
import { pausePromiseStacks } from "./promiseStacks";
import type { NetworkRule } from "./rules";
import { checkOsFamily, Issues } from "./validate";

export type { SshConnection } from "./host/connection";

export interface ExistingHostArgs {
    /** The host's hardening profile (validated before anything runs). */
    readonly profile: HostProfile | HostProfileInput;
    /** How to reach the host over SSH. */
    readonly connection: SshConnection;
    /** Distribution family of the host, for unit names (default `debian`). */
    readonly osFamily?: OsFamily;
    /** Check the host for drift at every preview and update (default true; README "Drift in preview and up"). */
    readonly detectDrift?: boolean;
}

/** An ExistingHost's validated arguments and plan: made before anything registers, so bad input registers nothing. */
export interface ExistingHostPlan {
    readonly plan: HardeningPlan;
    readonly connection: SshConnection;
    readonly detectDrift?: boolean;
}

export function planExistingHost(name: string, args: ExistingHostArgs): ExistingHostPlan {
    const profile = validateProfile(args.profile, `${name}: profile`);
    const issues = new Issues();
    checkConnection(issues, args.connection);
    if (args.osFamily !== undefined) checkOsFamily(issues, "osFamily", args.osFamily);
    issues.throwIfAny(`${name}: arguments`);
    return { plan: hardeningPlan(profile, args.osFamily ?? defaultOsFamily), connection: args.connection, ...(args.detectDrift !== undefined ? { detectDrift: args.detectDrift } : {}) };
}

/** An ExistingHost's children under `parent`, and the outputs it registers (both ExistingHost classes build it so). */
export function buildExistingHost(parent: pulumi.Resource, name: string, { plan, connection, detectDrift }: ExistingHostPlan) {
    const hostHardening = new HostHardening(`${name}-hardening`, { plan, script: renderHostScript(plan), connection, detectDrift }, { parent });
    const hardening = hardeningOutput(plan);
    return {
        plan,
        hardening,
        hostHardening,
        outputs: { hardening, scriptDigest: hostHardening.scriptDigest, summary: hostHardening.summary },
    };
}

/**
 * The same hardening for a host that already exists (on premises, or created by another
 * stack), reached over SSH. Creates no cloud resources.
 */
export class ExistingHost extends pulumi.ComponentResource {
    readonly rules: readonly NetworkRule[];
    readonly hardening: HardeningOutput;
    readonly hostHardening: HostHardening;
    /** What the host script changed and found on its last run. */
    readonly summary: pulumi.Output<HostSummary>;

    constructor(name: string, args: ExistingHostArgs, opts?: pulumi.ComponentResourceOptions) {
        const planned = planExistingHost(name, args);
        const resume = pausePromiseStacks();
        try {
            super(componentTypes.existingHost, name, {}, componentOptions("existingHost", opts));
            const built = buildExistingHost(this, name, planned);
            this.hardening = built.hardening;
            this.rules = built.plan.rules;
            this.hostHardening = built.hostHardening;
            this.summary = built.hostHardening.summary;
            this.registerOutputs(built.outputs);
        } finally {
            resume();
        }
    }
}
