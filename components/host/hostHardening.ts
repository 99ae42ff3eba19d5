import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { componentTypes } from "../catalog";
import { componentOptions } from "../componentOptions";
import { auditCpf, type Deviation } from "../iris/ports";
import type { HardeningPlan } from "../plan";
import type { HostProfile } from "../profile/model";
import type { SshConnection } from "./connection";
import { scriptDigest } from "./script";
import { parseSummary, type HostRun } from "./summary";

export interface HostHardeningArgs {
    readonly plan: HardeningPlan;
    /** The plan's host script (`renderHostScript(plan)`): its owner renders it once, for user data too. */
    readonly script: string;
    readonly connection: SshConnection;
}

/** What a run of the host script changed and found, with an IRIS host's iris.cpf audited against its profile. */
export interface HostSummary extends Omit<HostRun, "irisCpf"> {
    readonly cpfDeviations: readonly Deviation[];
}

/** The summary of one run's output (throws when the script refused or stopped early; see parseSummary). */
export function summarize(stdout: string, profile: HostProfile): HostSummary {
    const { irisCpf, ...run } = parseSummary(stdout);
    return { ...run, cpfDeviations: irisCpf !== undefined ? auditCpf(profile, irisCpf, "iris.cpf") : [] };
}

/**
 * Runs the profile's host script over SSH with one `remote.Command`: it runs on create, and
 * again only when the rendered script (its stdin) or the connection changes.
 *
 * `pulumi destroy` leaves the host hardened (there is no delete command): undoing the hardening
 * would re-open what it closed, and the host outlives the stack that hardened it.
 */
export class HostHardening extends pulumi.ComponentResource {
    /** The exact script that runs (also `mdb-hardening render`). */
    readonly script: string;
    readonly scriptDigest: string;
    readonly command: command.remote.Command;
    /** What the last run changed and found. */
    readonly summary: pulumi.Output<HostSummary>;

    constructor(name: string, args: HostHardeningArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.hostHardening, name, {}, componentOptions("hostHardening", opts));
        const { connection } = args;
        const user = connection.user ?? "root";
        this.script = args.script;
        this.scriptDigest = scriptDigest(this.script);
        if (connection.hostKey === undefined) {
            pulumi.log.warn(`${name}: connection.hostKey is not set, so the host's SSH key is not checked; set it to the host's public key`, this);
        }
        this.command = new command.remote.Command(
            `${name}-apply`,
            {
                connection: {
                    host: connection.host,
                    // The profile's SSH port is the one the firewall opens.
                    port: connection.port ?? args.plan.profile.network.sshPort,
                    user,
                    privateKey: pulumi.secret(connection.privateKey),
                    hostKey: connection.hostKey,
                    proxy: connection.proxy && pulumi.output(connection.proxy).apply((proxy) => ({
                        ...proxy,
                        ...(proxy.privateKey !== undefined ? { privateKey: pulumi.secret(proxy.privateKey) } : {}),
                    })),
                },
                // The SSH client address goes along through sudo: the script refuses a firewall that would lock it out.
                create: user === "root" ? "bash -s" : 'sudo -n env SSH_CONNECTION="$SSH_CONNECTION" bash -s',
                stdin: this.script,
                // The previous output would be sent as PULUMI_COMMAND_STDOUT, which a stock sshd refuses (a warning on every update).
                addPreviousOutputInEnv: false,
            },
            // The raw output can carry file contents (the instance's iris.cpf); the summary keeps counts, report lines and deviations.
            { parent: this, additionalSecretOutputs: ["stdout", "stderr"] },
        );
        this.summary = pulumi.unsecret(this.command.stdout.apply((stdout) => summarize(stdout, args.plan.profile)));
        this.registerOutputs({ scriptDigest: this.scriptDigest, summary: this.summary });
    }
}
