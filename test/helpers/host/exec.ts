// Process helpers for the host test harness: argument arrays only (no shell),
// bounded by timeouts, and a synchronous cleanup registry that runs from
// afterAll and, as a last resort, on process exit.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";

export interface ExecOptions {
    /** Written to the child's stdin, which is then closed. */
    input?: string | Buffer;
    /** Kill the whole process group after this long (default 60 s). */
    timeoutMs?: number;
    /** Full environment of the child (default: a minimal PATH/LANG environment). */
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Throw when the command exits non-zero, is killed or times out. */
    check?: boolean;
}

export interface ExecResult {
    argv: string[];
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
}

export class ExecError extends Error {
    constructor(public readonly result: ExecResult) {
        super(
            `command failed (${result.timedOut ? "timed out" : result.signal ? `signal ${result.signal}` : `exit ${result.code}`}): ` +
                `${result.argv.map(shQuote).join(" ")}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`,
        );
        this.name = "ExecError";
    }
}

export const BASE_ENV: NodeJS.ProcessEnv = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
};

const MAX_OUTPUT = 8 * 1024 * 1024;

function checkArgv(argv: readonly string[]): void {
    if (argv.length === 0 || argv[0] === "") throw new Error("empty command");
    for (const a of argv) {
        if (typeof a !== "string") throw new Error(`non-string argument in ${JSON.stringify(argv)}`);
        if (a.includes("\0")) throw new Error(`NUL byte in argument ${JSON.stringify(a)}`);
    }
}

/**
 * Run argv[0] with argv[1..] (no shell) in its own process group; the whole
 * group is SIGKILLed when the timeout expires. Resolves when the child exits
 * (stdio left open by a daemonised grandchild does not keep it waiting).
 */
export function run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    checkArgv(argv);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
        const child = spawn(argv[0], argv.slice(1), {
            stdio: ["pipe", "pipe", "pipe"],
            detached: true,
            env: opts.env ?? BASE_ENV,
            cwd: opts.cwd,
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let outLen = 0;
        let errLen = 0;
        child.stdout.on("data", (b: Buffer) => {
            if (outLen < MAX_OUTPUT) out.push(b);
            outLen += b.length;
        });
        child.stderr.on("data", (b: Buffer) => {
            if (errLen < MAX_OUTPUT) err.push(b);
            errLen += b.length;
        });
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup(child.pid, "SIGKILL");
        }, timeoutMs);
        let settled = false;
        const finish = (code: number | null, signal: NodeJS.Signals | null) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            child.stdout.destroy();
            child.stderr.destroy();
            const result: ExecResult = {
                argv: [...argv],
                code,
                signal,
                stdout: Buffer.concat(out).toString("utf8"),
                stderr: Buffer.concat(err).toString("utf8"),
                timedOut,
            };
            if (opts.check && (code !== 0 || timedOut)) reject(new ExecError(result));
            else resolve(result);
        };
        child.on("error", (e) => {
            clearTimeout(timer);
            if (!settled) {
                settled = true;
                reject(e);
            }
        });
        // Resolve once the child has exited and its pipes are drained, but do not
        // wait more than 500 ms for pipes a daemonised grandchild keeps open.
        let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
        let closedPipes = 0;
        const maybeFinish = () => {
            if (exited && closedPipes === 2) finish(exited.code, exited.signal);
        };
        child.stdout.once("close", () => {
            closedPipes++;
            maybeFinish();
        });
        child.stderr.once("close", () => {
            closedPipes++;
            maybeFinish();
        });
        child.on("exit", (code, signal) => {
            exited = { code, signal };
            maybeFinish();
            setTimeout(() => finish(code, signal), 500).unref();
        });
        child.stdin.on("error", () => undefined);
        child.stdin.end(opts.input ?? "");
    });
}

/** Like run() but throws ExecError unless the command exits 0; returns stdout. */
export async function runOk(argv: readonly string[], opts: ExecOptions = {}): Promise<string> {
    return (await run(argv, { ...opts, check: true })).stdout;
}

/** Synchronous variant (used by cleanup paths, which must also work from process 'exit'). */
export function runSync(argv: readonly string[], opts: ExecOptions = {}): ExecResult {
    checkArgv(argv);
    const r = spawnSync(argv[0], argv.slice(1), {
        input: opts.input ?? "",
        env: opts.env ?? BASE_ENV,
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 30_000,
        killSignal: "SIGKILL",
        maxBuffer: MAX_OUTPUT,
    });
    const result: ExecResult = {
        argv: [...argv],
        code: r.status,
        signal: r.signal,
        stdout: r.stdout ? r.stdout.toString("utf8") : "",
        stderr: r.stderr ? r.stderr.toString("utf8") : "",
        timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT",
    };
    if (r.error && !result.timedOut) throw r.error;
    if (opts.check && (result.code !== 0 || result.timedOut)) throw new ExecError(result);
    return result;
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
    if (!pid || pid <= 1) return;
    try {
        process.kill(-pid, signal);
    } catch {
        try {
            process.kill(pid, signal);
        } catch {
            /* already gone */
        }
    }
}

/** POSIX shell single-quoting (for the remote command string of ssh). */
export function shQuote(s: string): string {
    if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Sleep synchronously (cleanup paths only). */
export function sleepSync(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

// ------------------------------------------------------------ validation

export function assertMatch(kind: string, value: string, re: RegExp): string {
    if (typeof value !== "string" || !re.test(value)) throw new Error(`invalid ${kind}: ${JSON.stringify(value)}`);
    return value;
}

/** User and group names accepted by the harness (a safe subset of Debian's rules). */
export const NAME_RE = /^[a-z_][a-z0-9_-]{0,30}$/;
export const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function assertPort(port: number): number {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port: ${port}`);
    return port;
}

// ------------------------------------------------------------ processes

/** /proc/<pid>/stat fields after the command name (index 0 = state). */
function statFields(pid: number): string[] | null {
    try {
        const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return s.slice(s.lastIndexOf(")") + 2).split(" ");
    } catch {
        return null;
    }
}

/** Process start time in clock ticks since boot, or null if it does not exist. */
export function processStartTime(pid: number): string | null {
    const f = statFields(pid);
    return f ? f[19] : null; // field 22 of stat
}

/** True when the process exists and is not a zombie. */
export function processAlive(pid: number): boolean {
    const f = statFields(pid);
    return f !== null && f[0] !== "Z" && f[0] !== "X";
}

export function allPids(): number[] {
    return fs
        .readdirSync("/proc")
        .filter((e) => /^\d+$/.test(e))
        .map(Number);
}

/** Processes whose root directory (chroot) is `dir` or lies below it. */
export function pidsRootedIn(dir: string): number[] {
    const out: number[] = [];
    for (const pid of allPids()) {
        if (pid === process.pid) continue;
        let root: string;
        try {
            root = fs.readlinkSync(`/proc/${pid}/root`);
        } catch {
            continue;
        }
        if (root === dir || root.startsWith(dir + "/")) out.push(pid);
    }
    return out;
}

/** SIGTERM, wait up to graceMs, then SIGKILL and wait again. Synchronous. */
export function killPidsSync(pids: number[], graceMs = 2000): void {
    const live = () => pids.filter(processAlive);
    if (live().length === 0) return;
    for (const p of live()) {
        try {
            process.kill(p, "SIGTERM");
        } catch {
            /* gone */
        }
    }
    const deadline = Date.now() + graceMs;
    while (live().length > 0 && Date.now() < deadline) sleepSync(50);
    for (const p of live()) {
        try {
            process.kill(p, "SIGKILL");
        } catch {
            /* gone */
        }
    }
    const deadline2 = Date.now() + 3000;
    while (live().length > 0 && Date.now() < deadline2) sleepSync(50);
}

// ------------------------------------------------------------ ownership and cleanup

/** Prefix of every namespace and work directory the harness creates. */
export const PREFIX = "mdbt";

/** `mdbt-<pid>-<starttime>`: identifies this process; leftovers whose owner is gone may be swept. */
export const OWNER = `${PREFIX}-${process.pid}-${processStartTime(process.pid) ?? "0"}`;

/** Parse `mdbt-<pid>-<start>-...` and say whether that owner process is gone. */
export function ownerIsGone(name: string): boolean {
    const m = /^mdbt-(\d+)-(\d+)-/.exec(name);
    if (!m) return false;
    const pid = Number(m[1]);
    return processStartTime(pid) !== m[2] || !processAlive(pid);
}

type Cleanup = { label: string; fn: () => void };
const cleanups: Cleanup[] = [];
let exitHookInstalled = false;

/** Register a synchronous, idempotent cleanup. Returns a function that runs and unregisters it. */
export function registerCleanup(label: string, fn: () => void): () => void {
    const entry: Cleanup = { label, fn };
    cleanups.push(entry);
    if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once("exit", () => cleanupAll());
    }
    return () => {
        const i = cleanups.indexOf(entry);
        if (i >= 0) cleanups.splice(i, 1);
        entry.fn();
    };
}

/** Run every registered cleanup, newest first; collect errors and throw them together at the end. */
export function cleanupAll(): void {
    const errors: string[] = [];
    while (cleanups.length > 0) {
        const c = cleanups.pop()!;
        try {
            c.fn();
        } catch (e) {
            errors.push(`${c.label}: ${(e as Error).message}`);
        }
    }
    if (errors.length > 0) throw new Error(`cleanup failed:\n${errors.join("\n")}`);
}

/** Number of cleanups still registered (for self-tests). */
export function pendingCleanups(): string[] {
    return cleanups.map((c) => c.label);
}

export interface Background {
    pid: number;
    /** What matched the readiness pattern on its stdout. */
    match: RegExpExecArray;
    /** Stop it (idempotent, synchronous); registered for cleanup too. */
    stop(): void;
}

/**
 * Starts a helper process in its own process group and waits (10 s at most) until its stdout
 * matches `ready`. Stopping sends `stopSignal` to the group, waits up to 3 s, then SIGKILLs it.
 * Throws with the helper's stderr if it exits or times out first.
 */
export async function startBackground(argv: readonly string[], label: string, ready: RegExp, stopSignal: NodeJS.Signals): Promise<Background> {
    checkArgv(argv);
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true, env: BASE_ENV });
    const pid = child.pid;
    if (!pid) throw new Error(`could not start ${label}`);
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    let stopped = false;
    const stop = () => {
        if (stopped) return;
        stopped = true;
        if (child.exitCode !== null || child.signalCode !== null) return; // already exited (and reaped)
        killGroup(pid, stopSignal);
        const end = Date.now() + 3000;
        while (processAlive(pid) && Date.now() < end) sleepSync(20);
        killGroup(pid, "SIGKILL");
    };
    const unregister = registerCleanup(label, stop);
    const match = await new Promise<RegExpExecArray | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), 10_000);
        const check = () => {
            const m = ready.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve(m);
            }
        };
        child.stdout.on("data", check);
        child.on("exit", () => {
            clearTimeout(timer);
            resolve(null);
        });
    });
    if (match === null) {
        unregister();
        throw new Error(`${label} did not start: ${err.trim()}`);
    }
    child.stdout.destroy();
    child.stderr.destroy();
    return { pid, match, stop: unregister };
}
