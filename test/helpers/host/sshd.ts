// sshd running from a root copy (chroot) inside a network namespace.
//
// The sshd binary, its configuration (/etc/ssh/sshd_config of the copy), PAM
// and every command a session runs come from the copy, so whatever a test does
// over SSH (hardening included) changes the copy, never the machine running
// the tests. Keys are fresh per start: an ed25519 host key written into the
// copy and an ed25519 client key kept outside the chroot (in the copy's work
// directory), authorised for root.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BASE_ENV, ExecResult, IPV4_RE, NAME_RE, assertMatch, assertPort, killGroup, processAlive, registerCleanup, run, runOk, shQuote, sleep, sleepSync } from "./exec";
import { NetNode, Network, nsArgv } from "./netns";
import { probe } from "./probes";
import { RootCopy } from "./rootfs";

export const SSHD_PIDFILE = "/run/sshd.mdb-test.pid";

export interface SshdOptions {
    /** TCP port (default 22). */
    port?: number;
    /**
     * "address" (default): pass -o ListenAddress=<node addr>:<port> on the command line.
     * "config": pass nothing; the copy's sshd_config decides (Port/ListenAddress), and `port` must match it.
     */
    listen?: "address" | "config";
    /** sshd stops by itself after this many seconds (default 1800). */
    lifetimeSec?: number;
    /** Extra `-o Key=Value` options (keys must be identifiers). */
    options?: Record<string, string>;
}

export interface SshRunOptions {
    /** Remote user (default root; must have the client key in ~/.ssh/authorized_keys). */
    user?: string;
    input?: string;
    timeoutMs?: number;
    /** Verify the host key against the generated one (default false: StrictHostKeyChecking=no). */
    strictHostKey?: boolean;
}

export interface Sshd {
    node: NetNode;
    host: string;
    port: number;
    /** PID of sshd's supervisor (timeout(1)); sshd is its child. */
    supervisorPid: number;
    /** Path (outside the chroot) of the client's private key; `${clientKey}.pub` is the public key. */
    clientKey: string;
    clientPublicKey: string;
    /** OpenSSH private key text (e.g. for @pulumi/command's `privateKey`). */
    clientPrivateKey: string;
    /** "ssh-ed25519 AAAA..." of the generated host key. */
    hostPublicKey: string;
    /** known_hosts file (outside the chroot) with the host key for host:port. */
    knownHostsFile: string;
    /** ssh argv (to run under `ip netns exec fromNs`) for a remote command string. */
    sshArgv(fromNs: string, remoteCommand: string, opts?: SshRunOptions): string[];
    /** Run a command over SSH from namespace fromNs. An array is quoted for the remote shell; a string is passed as is. */
    run(fromNs: string, command: string | readonly string[], opts?: SshRunOptions): Promise<ExecResult>;
    /** Like run() but throws unless exit 0; returns stdout. */
    runOk(fromNs: string, command: string | readonly string[], opts?: SshRunOptions): Promise<string>;
    /** Authorise the client key for another user of the copy. */
    authorize(user: string): Promise<void>;
    /** SIGHUP: sshd re-executes itself and rereads its configuration. */
    reload(): Promise<void>;
    /** Stop and start again (same keys) and wait until it accepts. */
    restart(): Promise<void>;
    /** sshd's stderr so far (diagnostics). */
    log(): string;
    /** Stop sshd (idempotent, synchronous). */
    stop(): void;
}

const OPT_KEY_RE = /^[A-Za-z][A-Za-z0-9]*$/;

export async function startSshd(net: Network, node: NetNode, root: RootCopy, opts: SshdOptions = {}): Promise<Sshd> {
    if (!net.nodes.includes(node)) throw new Error(`node ${node.ns} is not part of network ${net.id}`);
    assertMatch("IPv4 address", node.addr, IPV4_RE);
    const port = assertPort(opts.port ?? 22);
    const lifetimeSec = opts.lifetimeSec ?? 1800;
    if (!Number.isInteger(lifetimeSec) || lifetimeSec < 10 || lifetimeSec > 86_400) throw new Error(`invalid lifetime: ${lifetimeSec}`);
    const extra: string[] = [];
    for (const [k, v] of Object.entries(opts.options ?? {})) {
        assertMatch("sshd option", k, OPT_KEY_RE);
        if (/[\n\0]/.test(v)) throw new Error(`invalid value for sshd option ${k}`);
        extra.push("-o", `${k}=${v}`);
    }
    if ((opts.listen ?? "address") === "address") extra.push("-o", `ListenAddress=${node.addr}:${port}`);

    // Keys: the client key stays outside the chroot, the host key goes into it.
    const keyDir = path.join(root.workDir, `ssh-${node.index}`);
    fs.mkdirSync(keyDir, { mode: 0o700 });
    const clientKey = path.join(keyDir, "client_ed25519");
    const hostKey = path.join(keyDir, "host_ed25519");
    await runOk(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mdb-test-client", "-f", clientKey]);
    await runOk(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mdb-test-host", "-f", hostKey]);
    const clientPublicKey = fs.readFileSync(`${clientKey}.pub`, "utf8").trim();
    const clientPrivateKey = fs.readFileSync(clientKey, "utf8");
    const hostPublicKey = fs.readFileSync(`${hostKey}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
    const knownHostsFile = path.join(keyDir, "known_hosts");
    fs.writeFileSync(knownHostsFile, `${port === 22 ? node.addr : `[${node.addr}]:${port}`} ${hostPublicKey}\n`, { mode: 0o600 });

    await root.writeFile("/etc/ssh/ssh_host_ed25519_key", fs.readFileSync(hostKey, "utf8"), "0600");
    await root.writeFile("/etc/ssh/ssh_host_ed25519_key.pub", fs.readFileSync(`${hostKey}.pub`, "utf8"), "0644");
    // Privilege separation directory (Debian: /run/sshd, root-owned, not group/world writable).
    await root.execOk(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", "/run/sshd"]);

    const authorize = async (user: string) => {
        assertMatch("user name", user, NAME_RE);
        const home = (await root.execOk(["getent", "passwd", user])).trim().split(":")[5];
        assertMatch("home directory", home ?? "", /^\/[A-Za-z0-9._/-]*$/);
        const group = (await root.execOk(["id", "-gn", user])).trim();
        await root.execOk(["install", "-d", "-m", "0700", "-o", user, "-g", group, `${home}/.ssh`]);
        await root.writeFile(`${home}/.ssh/authorized_keys`, clientPublicKey + "\n", "0600");
        await root.execOk(["chown", `${user}:${group}`, `${home}/.ssh/authorized_keys`]);
    };
    await authorize("root");

    // Fail early and clearly on a configuration sshd rejects.
    const test = await root.exec(["/usr/sbin/sshd", "-t", ...extra]);
    if (test.code !== 0) throw new Error(`sshd -t failed in ${root.dir}: ${test.stderr}`);

    let child: ChildProcess | null = null;
    let supervisorPid = 0;
    let logText = "";
    let stopped = true;

    const stopSync = () => {
        if (stopped || !child) return;
        stopped = true;
        const c = child;
        const pid = supervisorPid;
        const exited = () => c.exitCode !== null || c.signalCode !== null || !processAlive(pid);
        if (!exited()) {
            killGroup(pid, "SIGTERM"); // timeout(1) forwards it to sshd
            const end = Date.now() + 3000;
            while (!exited() && Date.now() < end) sleepSync(20);
            if (!exited()) killGroup(pid, "SIGKILL");
        }
        // Sessions (own process groups) and a lingering sshd are killed with the namespace / root copy.
        const sshdPid = readPid();
        if (sshdPid && processAlive(sshdPid) && fs.readlinkSync(`/proc/${sshdPid}/root`) === root.dir) {
            try {
                process.kill(sshdPid, "SIGKILL");
            } catch {
                /* gone */
            }
        }
    };
    const readPid = (): number | null => {
        try {
            const n = Number(fs.readFileSync(path.join(root.dir, SSHD_PIDFILE), "utf8").trim());
            return Number.isInteger(n) && n > 1 ? n : null;
        } catch {
            return null;
        }
    };
    const unregister = registerCleanup(`sshd ${node.ns}`, stopSync);

    const start = async () => {
        fs.rmSync(path.join(root.dir, SSHD_PIDFILE), { force: true });
        const argv = [
            "setpriv", "--pdeathsig", "TERM", "--",
            ...nsArgv(node.ns, [
                "timeout", "-k", "5", `${lifetimeSec}s`,
                ...root.chrootArgv(["/usr/sbin/sshd", "-D", "-e", "-o", `PidFile=${SSHD_PIDFILE}`, ...extra]),
            ]),
        ];
        const c = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"], env: BASE_ENV });
        if (!c.pid) throw new Error("could not start sshd");
        child = c;
        supervisorPid = c.pid;
        stopped = false;
        c.stderr!.on("data", (b: Buffer) => {
            logText += b.toString();
            if (logText.length > 200_000) logText = logText.slice(-100_000);
        });
        const end = Date.now() + 15_000;
        while (Date.now() < end) {
            if (c.exitCode !== null || c.signalCode !== null) break;
            if (readPid() !== null && (await probe(node.ns, "tcp", node.addr, port, 500)) === "open") return;
            await sleep(100);
        }
        stopSync();
        throw new Error(`sshd in ${node.ns} did not start listening on ${node.addr}:${port}:\n${logText}`);
    };
    try {
        await start();
    } catch (e) {
        unregister();
        throw e;
    }

    const sshArgv = (fromNs: string, remoteCommand: string, o: SshRunOptions = {}): string[] => {
        const user = assertMatch("user name", o.user ?? "root", NAME_RE);
        return nsArgv(fromNs, [
            "ssh", "-F", "/dev/null", "-T",
            "-i", clientKey,
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=5",
            "-o", "LogLevel=ERROR",
            ...(o.strictHostKey
                ? ["-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHostsFile}`]
                : ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]),
            "-p", String(port),
            `${user}@${node.addr}`,
            "--", remoteCommand,
        ]);
    };
    const toRemote = (command: string | readonly string[]) => (typeof command === "string" ? command : command.map(shQuote).join(" "));
    const sshRun = (fromNs: string, command: string | readonly string[], o: SshRunOptions = {}) =>
        run(sshArgv(fromNs, toRemote(command), o), { input: o.input, timeoutMs: o.timeoutMs ?? 60_000 });

    return {
        node,
        host: node.addr,
        port,
        get supervisorPid() {
            return supervisorPid;
        },
        clientKey,
        clientPublicKey,
        clientPrivateKey,
        hostPublicKey,
        knownHostsFile,
        sshArgv,
        run: sshRun,
        runOk: async (fromNs, command, o = {}) => {
            const r = await sshRun(fromNs, command, o);
            if (r.code !== 0) throw new Error(`ssh command failed (exit ${r.code}): ${toRemote(command)}\n${r.stderr}`);
            return r.stdout;
        },
        authorize,
        reload: async () => {
            const pid = readPid();
            if (!pid) throw new Error("sshd pid file missing");
            process.kill(pid, "SIGHUP");
            await sleep(300);
        },
        restart: async () => {
            stopSync();
            await start();
        },
        log: () => logText,
        stop: () => {
            stopSync();
            unregister();
        },
    };
}
