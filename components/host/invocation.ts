/**
 * The remote command that runs the host script from stdin: as root directly, otherwise through
 * `sudo -n`, passing the SSH client address along (the script refuses a firewall that would
 * lock it out). An apply is `bash -s` with no argument, the command existing stacks already ran.
 */
import type { HostMode } from "./summary";

export function scriptCommand(user: string, mode: HostMode = "apply"): string {
    const bash = mode === "apply" ? "bash -s" : `bash -s -- ${mode}`;
    return user === "root" ? bash : `sudo -n env SSH_CONNECTION="$SSH_CONNECTION" ${bash}`;
}
