/**
 * One SSH session that runs one command with a script on stdin, for the drift check the components
 * make at program run time. It takes the connection settings `@pulumi/command` takes (key, host key,
 * one bastion) so both reach the host the same way; ssh2 is a pure-JavaScript client, so nothing
 * beyond this package is needed wherever the Pulumi program (or the component provider) runs.
 */
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";

export interface SshEndpoint {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly privateKey: string;
    /** `ssh-ed25519 AAAA…` (authorized_keys form, as `@pulumi/command` takes it); without it the key is not checked. */
    readonly hostKey?: string;
}

export interface SshTarget extends SshEndpoint {
    /** A bastion the session jumps through; its key defaults to the target's. */
    readonly proxy?: Partial<SshEndpoint> & { readonly host: string };
}

export interface SshResult {
    readonly stdout: string;
    readonly stderr: string;
    /** The remote command's exit status (null when it ended by a signal). */
    readonly code: number | null;
}

/** Why a session could not be opened or finished: the host is named, as a preview failure must. */
export class SshError extends Error {
    /** True when no connection was made at all (refused, unreachable, timed out): worth retrying for a booting host. */
    readonly unreachable: boolean;
    constructor(target: string, reason: string, unreachable: boolean) {
        super(`${target}: ${reason}`);
        this.name = "SshError";
        this.unreachable = unreachable;
    }
}

const unreachableCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);

/** The host key as the server sends it: the base64 field of the authorized_keys form. */
function hostKeyBlob(hostKey: string): Buffer {
    const [, blob] = hostKey.trim().split(/\s+/);
    if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) throw new Error(`hostKey ${JSON.stringify(hostKey)} is not in the form "ssh-ed25519 AAAA…"`);
    return Buffer.from(blob, "base64");
}

function connectConfig(endpoint: SshEndpoint, readyTimeoutMs: number): ConnectConfig {
    const expected = endpoint.hostKey !== undefined ? hostKeyBlob(endpoint.hostKey) : undefined;
    return {
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.user,
        privateKey: endpoint.privateKey,
        readyTimeout: readyTimeoutMs,
        hostVerifier: (key: Buffer) => expected === undefined || key.equals(expected),
    };
}

function describe(endpoint: SshEndpoint): string {
    return `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
}

function open(endpoint: SshEndpoint, readyTimeoutMs: number, sock?: ClientChannel): Promise<Client> {
    return new Promise((resolve, reject) => {
        const client = new Client();
        client.once("ready", () => resolve(client));
        client.once("error", (err: Error & { code?: string; level?: string }) => {
            const unreachable = (err.code !== undefined && unreachableCodes.has(err.code)) || /Timed out while waiting for handshake/.test(err.message);
            const reason = err.level === "client-authentication" ? "authentication failed (key refused)"
                : /Host denied \(verification failed\)/.test(err.message) ? "the host's key does not match connection.hostKey"
                : err.message;
            reject(new SshError(describe(endpoint), reason, unreachable));
        });
        try {
            client.connect({ ...connectConfig(endpoint, readyTimeoutMs), ...(sock ? { sock } : {}) });
        } catch (err) {
            // ssh2 throws here, not through "error", for settings it cannot use (e.g. a key it cannot parse).
            reject(new SshError(describe(endpoint), (err as Error).message, false));
        }
    });
}

function exec(client: Client, target: string, command: string, stdin: string): Promise<SshResult> {
    return new Promise((resolve, reject) => {
        client.exec(command, (err, stream) => {
            if (err) return reject(new SshError(target, `could not start the command: ${err.message}`, false));
            const out: Buffer[] = [];
            const errOut: Buffer[] = [];
            stream.on("data", (chunk: Buffer) => out.push(chunk));
            stream.stderr.on("data", (chunk: Buffer) => errOut.push(chunk));
            stream.on("close", (code: number | null) => resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errOut).toString("utf8"), code: code ?? null }));
            stream.end(stdin);
        });
    });
}

/** Runs `command` with `stdin` in one session (through the bastion when given); the whole run is bounded by timeoutMs. */
export async function runOverSsh(target: SshTarget, command: string, stdin: string, timeoutMs: number): Promise<SshResult> {
    const clients: Client[] = [];
    const name = describe(target);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SshError(name, `no result within ${timeoutMs / 1000} s`, false)), timeoutMs);
    });
    const session = (async () => {
        let sock: ClientChannel | undefined;
        if (target.proxy) {
            const bastion: SshEndpoint = { port: 22, user: target.user, privateKey: target.privateKey, ...target.proxy };
            const jump = await open(bastion, timeoutMs);
            clients.push(jump);
            sock = await new Promise<ClientChannel>((resolve, reject) =>
                jump.forwardOut("127.0.0.1", 0, target.host, target.port, (err, channel) =>
                    err ? reject(new SshError(name, `not reachable through ${describe(bastion)}: ${err.message}`, true)) : resolve(channel)));
        }
        const client = await open(target, timeoutMs, sock);
        clients.push(client);
        return exec(client, name, command, stdin);
    })();
    // When the deadline wins, the session's own failure (its connection ended below) is not news.
    session.catch(() => undefined);
    try {
        return await Promise.race([session, deadline]);
    } finally {
        clearTimeout(timer);
        for (const client of clients.reverse()) client.end();
    }
}
