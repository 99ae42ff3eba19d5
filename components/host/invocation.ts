/**
 * The remote command that runs the host script from stdin: as root directly, otherwise through
 * `sudo -n`, passing the SSH client address along (the script refuses a firewall that would
 * lock it out).
 */

/** The script's arguments; none is a plain apply (user data runs it so; existing stacks ran `bash -s`). */
export type ScriptMode = "check" | "drift" | `apply ${string}`;

export function scriptCommand(user: string, mode?: ScriptMode): string {
    const bash = mode === undefined ? "bash -s" : `bash -s -- ${mode}`;
    return user === "root" ? bash : `sudo -n env SSH_CONNECTION="$SSH_CONNECTION" ${bash}`;
}
