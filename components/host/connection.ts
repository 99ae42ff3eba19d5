import type * as pulumi from "@pulumi/pulumi";
import { checkPort, checkPosixName, type Issues } from "../validate";

/** A bastion to jump through. */
export interface SshProxy {
    /** The bastion's address or name. */
    readonly host: pulumi.Input<string>;
    /** The bastion's SSH port (default 22). */
    readonly port?: pulumi.Input<number>;
    /** The user on the bastion (default `root`). */
    readonly user?: pulumi.Input<string>;
    /** Private key for the bastion's user; kept secret in state. */
    readonly privateKey?: pulumi.Input<string>;
}

/** How to log in over SSH, the address aside (a `DatabaseHost` knows its own). */
export interface SshLogin {
    /** Default: the profile's `network.sshPort`. */
    readonly port?: number;
    /** `root`, or a user with passwordless sudo. Default `root`. */
    readonly user?: string;
    /** Private key for the user; kept secret in state (keep it a secret in stack config too). */
    readonly privateKey: pulumi.Input<string>;
    /** The host's public key (`ssh-ed25519 AAAA…`); without it the host key is not checked. */
    readonly hostKey?: pulumi.Input<string>;
    /** A bastion to jump through. */
    readonly proxy?: pulumi.Input<SshProxy>;
}

/** How to reach a host over SSH. */
export interface SshConnection extends SshLogin {
    /** Address or name the machine running Pulumi reaches the host at. */
    readonly host: pulumi.Input<string>;
}

/** Validates the connection settings that reach the shell command line. */
export function checkConnection(issues: Issues, connection: SshLogin): void {
    checkPort(issues, "connection.port", connection.port ?? 22);
    checkPosixName(issues, "connection.user", connection.user ?? "root");
}
