/**
 * An in-process SSH server (ssh2's Server) standing in for a host for the drift mechanism's unit
 * tests: it authenticates one client key, and answers the host script's two commands the way the
 * script does (`drift`: would-change lines and the recorded token; `apply TOKEN`: repairs, records
 * the token). What the real script prints in those modes is tested on the root copy
 * (test/root/drift.test.ts); this host lets the tests count sessions, drift the host at will and
 * take it down.
 */
import type { AddressInfo } from "node:net";
import { Server, utils, type Connection } from "ssh2";

export interface FakeHost {
    readonly port: number;
    /** OpenSSH private key of the one client key the host accepts. */
    readonly clientPrivateKey: string;
    /** `ssh-ed25519 AAAA…` of the host key. */
    readonly hostKey: string;
    /** Things an apply would change now (drift them in with `drift`). */
    pending: string[];
    /** The token the last `apply TOKEN` recorded (undefined: none). */
    token: string | undefined;
    /** Every command run, in order. */
    readonly commands: string[];
    drift(item: string): void;
    close(): Promise<void>;
}

function report(kind: string, a: string, b: string, c: string): string {
    return `MDBH\t${kind}\t${a}\t${b}\t${c}\n`;
}

export interface FakeHostKeys {
    readonly host: { private: string; public: string };
    readonly client: { private: string; public: string };
}

export function fakeHostKeys(): FakeHostKeys {
    return { host: utils.generateKeyPairSync("ed25519"), client: utils.generateKeyPairSync("ed25519") };
}

/** A host on 127.0.0.1 (port 0: any free one); the same keys and port make the same host come back. */
export async function startFakeHost(options: { keys?: FakeHostKeys; port?: number; profile?: string } = {}): Promise<FakeHost> {
    const { host: hostKeys, client: clientKeys } = options.keys ?? fakeHostKeys();
    const profile = options.profile ?? "fake";
    const allowed = utils.parseKey(clientKeys.public);
    if (allowed instanceof Error) throw allowed;

    const respond = (command: string): string => {
        host.commands.push(command);
        const mode = /^bash -s -- (drift|apply (\S+))$/.exec(command);
        if (!mode) return report("error", "MDBH-HOST-005", "arguments", `unexpected command ${command}`);
        if (mode[1] === "drift") {
            return report("data", "state", "mode", "drift") + report("data", "state", "token", host.token ?? "")
                + host.pending.map((item) => report("would-change", "MDBH-SVC-001", item, "enabled -> masked")).join("")
                + report("summary", profile, "would-change", String(host.pending.length)) + report("summary", profile, "findings", "0");
        }
        const repaired = report("data", "state", "mode", "apply") + host.pending.map((item) => report("changed", "MDBH-SVC-001", item, "enabled -> masked")).join("");
        const changes = host.pending.length;
        host.pending = [];
        host.token = mode[2];
        return repaired + report("summary", profile, "changes", String(changes)) + report("summary", profile, "findings", "0");
    };

    const server = new Server({ hostKeys: [hostKeys.private] }, (client: Connection) => {
        client.on("authentication", (ctx) => {
            if (ctx.method !== "publickey" || ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) return ctx.reject(["publickey"]);
            if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(["publickey"]);
            ctx.accept();
        });
        client.on("ready", () => {
            client.on("session", (acceptSession) => {
                acceptSession().once("exec", (accept, _reject, info) => {
                    const stream = accept();
                    stream.resume();
                    stream.once("end", () => {
                        stream.write(respond(info.command));
                        stream.exit(0);
                        stream.end();
                    });
                });
            });
        });
        client.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));

    const host: FakeHost = {
        port: (server.address() as AddressInfo).port,
        clientPrivateKey: clientKeys.private,
        hostKey: hostKeys.public,
        pending: [],
        token: undefined,
        commands: [],
        drift(item) {
            host.pending.push(item);
        },
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
    return host;
}
