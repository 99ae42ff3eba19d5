import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { componentTypes } from "../catalog";
import { componentOptions } from "../componentOptions";
import { auditCpf, type Deviation } from "../iris/ports";
import type { HardeningPlan } from "../plan";
import type { HostProfile } from "../profile/model";
import type { SshConnection } from "./connection";
import { checkDrift, type DriftCheck } from "./drift";
import { scriptCommand } from "./invocation";
import { scriptDigest } from "./script";
import type { SshTarget } from "./ssh";
import { parseSummary, type HostRun } from "./summary";

export interface HostHardeningArgs {
    readonly plan: HardeningPlan;
    /** The plan's host script (`renderHostScript(plan)`): its owner renders it once, for user data too. */
    readonly script: string;
    readonly connection: SshConnection;
    /**
     * Check the host for drift on every preview and update (one read-only SSH session per host per
     * engine step), so a drifted host shows a pending change and `pulumi up` repairs it. Default true.
     */
    readonly detectDrift?: boolean;
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

/** How long a drift check keeps trying a host that refuses or does not answer during an update (a host created in this update is still booting). */
const bootRetryMs = 180_000;
const checkTimeoutMs = 60_000;

/**
 * Runs the profile's host script over SSH with one `remote.Command`: it runs on create, and
 * again when the rendered script (its stdin) or the connection changes, or — with drift detection —
 * when the read-only check made at each program run finds something an apply would change.
 *
 * `pulumi destroy` leaves the host hardened (there is no delete command): undoing the hardening
 * would re-open what it closed, and the host outlives the stack that hardened it.
 */
export class HostHardening extends pulumi.ComponentResource {
    /** The exact script that runs (also `mdb-hardening render`). */
    readonly script: string;
    readonly scriptDigest: string;
    readonly command: command.remote.Command;
    /** What the last run changed and found; with drift detection, what this program run's check found when it left nothing to change. */
    readonly summary: pulumi.Output<HostSummary>;

    constructor(name: string, args: HostHardeningArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.hostHardening, name, {}, componentOptions("hostHardening", opts));
        const { connection } = args;
        const user = connection.user ?? "root";
        // The profile's SSH port is the one the firewall opens.
        const port = connection.port ?? args.plan.profile.network.sshPort;
        this.script = args.script;
        this.scriptDigest = scriptDigest(this.script);
        if (connection.hostKey === undefined) {
            pulumi.log.warn(`${name}: connection.hostKey is not set, so the host's SSH key is not checked; set it to the host's public key`, this);
        }
        const drift = args.detectDrift === false ? undefined : this.checkForDrift(name, connection, port, user);
        this.command = new command.remote.Command(
            `${name}-apply`,
            {
                connection: {
                    host: connection.host,
                    port,
                    user,
                    privateKey: pulumi.secret(connection.privateKey),
                    hostKey: connection.hostKey,
                    proxy: connection.proxy && pulumi.output(connection.proxy).apply((proxy) => ({
                        ...proxy,
                        ...(proxy.privateKey !== undefined ? { privateKey: pulumi.secret(proxy.privateKey) } : {}),
                    })),
                },
                create: drift ? pulumi.unsecret(drift.apply((check) => scriptCommand(user, `apply ${check.token}`))) : scriptCommand(user),
                stdin: this.script,
                // The previous output would be sent as PULUMI_COMMAND_STDOUT, which a stock sshd refuses (a warning on every update).
                addPreviousOutputInEnv: false,
            },
            // The raw output can carry file contents (the instance's iris.cpf); the summary keeps counts, report lines and deviations.
            { parent: this, additionalSecretOutputs: ["stdout", "stderr"] },
        );
        const profile = args.plan.profile;
        // A clean check is the freshest word on the host; after a run, the run's own output is.
        const latest = drift
            ? pulumi.all([drift, this.command.stdout]).apply(([check, stdout]) => (check.run.wouldChange === 0 ? check.stdout : stdout))
            : this.command.stdout;
        this.summary = pulumi.unsecret(latest.apply((stdout) => summarize(stdout, profile)));
        this.registerOutputs({ scriptDigest: this.scriptDigest, summary: this.summary });
    }

    /** The read-only check of this program run, once the host's address is known (a host being created has none during preview). */
    private checkForDrift(name: string, connection: SshConnection, port: number, user: string): pulumi.Output<DriftCheck> {
        const host = pulumi.output(connection.host);
        // The SDK skips an apply on an unknown value silently; its (untyped) isKnown lets the skip be said.
        void (host as unknown as { isKnown?: Promise<boolean> }).isKnown?.then((known) => {
            if (!known) pulumi.log.info(`${name}: drift not checked: the host's address is not known yet (it is being created)`, this);
        });
        const retryForMs = pulumi.runtime.isDryRun() ? 0 : bootRetryMs;
        return pulumi
            .all([host, connection.privateKey, connection.hostKey, connection.proxy])
            .apply(([address, privateKey, hostKey, proxy]) => {
                const target: SshTarget = { host: address, port, user, privateKey, ...(hostKey !== undefined ? { hostKey } : {}), ...(proxy !== undefined ? { proxy } : {}) };
                return checkDrift(target, this.script, { retryForMs, timeoutMs: checkTimeoutMs });
            });
    }
}
