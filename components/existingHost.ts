import * as pulumi from "@pulumi/pulumi";
import { componentTypes, defaultOsFamily, type OsFamily } from "./catalog";
import { checkConnection, HostHardening, type HostSummary, type SshConnection } from "./host/hostHardening";
import { renderHostScript } from "./host/script";
import { hardeningOutput, hardeningPlan, type HardeningOutput } from "./plan";
import { validateProfile, type HostProfile, type HostProfileInput } from "./profile";
import type { NetworkRule } from "./rules";
import { checkOsFamily, Issues } from "./validate";

export type { SshConnection } from "./host/hostHardening";

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
        const profile = validateProfile(args.profile, `${name}: profile`);
        const issues = new Issues();
        checkConnection(issues, args.connection);
        if (args.osFamily !== undefined) checkOsFamily(issues, "osFamily", args.osFamily);
        issues.throwIfAny(`${name}: arguments`);
        super(componentTypes.existingHost, name, {}, opts);

        const plan = hardeningPlan(profile, args.osFamily ?? defaultOsFamily);
        this.hardening = hardeningOutput(plan);
        this.rules = plan.rules;
        this.hostHardening = new HostHardening(`${name}-hardening`, { plan, script: renderHostScript(plan), connection: args.connection, detectDrift: args.detectDrift }, { parent: this });
        this.summary = this.hostHardening.summary;
        this.registerOutputs({ hardening: this.hardening, scriptDigest: this.hostHardening.scriptDigest, summary: this.summary });
    }
}
