/**
 * Drift inside Pulumi's workflow: a read-only check of the host at program run time whose verdict
 * becomes the apply command's run token (README "Drift in preview and up" gives the reasoning).
 *
 * The stale-input problem of such a check is solved on the host: `apply TOKEN` records TOKEN there
 * at the end of a complete run, and a clean check returns the recorded token. So the command's
 * input is what the state already holds while the host is clean (no change planned), a new token
 * when something would change (the command runs), and the recorded one again right after the
 * repair (no second run to settle).
 */
import { randomBytes } from "node:crypto";
import { scriptCommand } from "./invocation";
import { runOverSsh, SshError, type SshTarget } from "./ssh";
import { parseSummary, type HostRun } from "./summary";

/** The token of a host whose clean check found none recorded (hardened by user data or an older release). */
export const firstToken = "initial";

/** What the script accepts as a token (lib.sh checks the same before it records one). */
export const tokenPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** The token the apply command carries for a checked host. */
export function runToken(run: HostRun, fresh: () => string = () => randomBytes(8).toString("hex")): string {
    if (run.wouldChange > 0) return `drift-${fresh()}`;
    if (run.token === undefined || run.token === "") return firstToken;
    // It reaches the command line: a recorded token out of the grammar is replaced, never quoted through.
    return tokenPattern.test(run.token) ? run.token : `drift-${fresh()}`;
}

export interface DriftCheck {
    /** The check's full output (it can carry file contents: keep it secret). */
    readonly stdout: string;
    readonly run: HostRun;
    readonly token: string;
}

export interface DriftCheckOptions {
    /** Keep trying a host that refuses or does not answer for this long (a host being created boots meanwhile); 0: one attempt. */
    readonly retryForMs: number;
    /** Bound of each attempt. */
    readonly timeoutMs: number;
    readonly retryDelayMs?: number;
}

/** Runs the script in drift mode in one session; throws naming the host when it cannot be reached or the script refuses. */
export async function checkDrift(target: SshTarget, script: string, options: DriftCheckOptions): Promise<DriftCheck> {
    const started = Date.now();
    for (;;) {
        try {
            const result = await runOverSsh(target, scriptCommand(target.user, "drift"), script, options.timeoutMs);
            let run: HostRun;
            try {
                run = parseSummary(result.stdout);
            } catch (err) {
                const stderr = result.stderr.trim().split("\n").slice(-3).join(" | ");
                throw new Error(`${target.host}: drift check failed (exit ${result.code}): ${(err as Error).message}${stderr ? `; stderr: ${stderr}` : ""}`);
            }
            return { stdout: result.stdout, run, token: runToken(run) };
        } catch (err) {
            const retry = err instanceof SshError && err.unreachable && Date.now() - started < options.retryForMs;
            if (!retry) throw err;
            await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 5_000));
        }
    }
}
