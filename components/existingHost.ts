import * as pulumi from "@pulumi/pulumi";
import type { OsFamily } from "./catalog";
import { hardeningPlan, type HardeningPlan } from "./plan";
import { validateProfile, type HostProfile, type HostProfileInput } from "./profile";
import type { NetworkRule } from "./rules";
import { checkOsFamily, checkPort, checkPosixName, Issues } from "./validate";

export interface SshConnection {
    /** Address or name the machine running Pulumi reaches the host at. */
    readonly host: pulumi.Input<string>;
    /** Default 22. */
    readonly port?: number;
    /** A user that can run the hardening as root (root, or one with passwordless sudo). Default `root`. */
    readonly user?: string;
    /** Private key for the user (mark it secret in stack config). */
    readonly privateKey: pulumi.Input<string>;
}

export interface ExistingHostArgs {
    /** The host's hardening profile (validated before anything runs). */
    readonly profile: HostProfile | HostProfileInput;
    /** How to reach the host over SSH. */
    readonly connection: SshConnection;
    /** Distribution family of the host, for unit names (default `debian`). */
    readonly osFamily?: OsFamily;
}

/**
 * The same hardening for a host that already exists (on premises, or created by another
 * stack), reached over SSH. Creates no cloud resources.
 */
export class ExistingHost extends pulumi.ComponentResource {
    readonly rules: readonly NetworkRule[];
    readonly hardening: HardeningPlan;

    constructor(name: string, args: ExistingHostArgs, opts?: pulumi.ComponentResourceOptions) {
        const profile = validateProfile(args.profile, `${name}: profile`);
        const issues = new Issues();
        checkPort(issues, "connection.port", args.connection.port ?? 22);
        checkPosixName(issues, "connection.user", args.connection.user ?? "root");
        if (args.osFamily !== undefined) checkOsFamily(issues, "osFamily", args.osFamily);
        issues.throwIfAny(`${name}: arguments`);
        super("mdb-hardening:host:ExistingHost", name, {}, opts);

        this.hardening = hardeningPlan(profile, args.osFamily ?? "debian");
        this.rules = this.hardening.networkRules;
        this.registerOutputs({ hardening: this.hardening });
    }
}
