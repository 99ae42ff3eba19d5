// Per-suite copies of the cached root filesystem (see build-root.sh).
//
// The cached root is never modified: each suite gets an overlayfs mount with
// the cache as read-only lower layer and `index=on`, so hard links survive
// copy-up (fallback, or MDB_TEST_ROOT_COPY=copy: a `cp -a` copy, about 1.5 s
// instead of milliseconds with a warm page cache, and ~460 MB of disk each).
//
// Keeping the machine that runs the tests out of reach of what runs in the copy:
// - every process of the copy is chrooted into it and runs in the copy's own
//   IPC and UTS namespaces (hostname "mdb-test"; GT.M's SysV shared memory and
//   semaphores are private to the copy), with CAP_SYS_BOOT, CAP_SYS_MODULE and
//   CAP_SYS_TIME dropped from its capability bounding set;
// - exec() runs in the copy's own network namespace (loopback only) unless a
//   test namespace is given; sshd runs in a test namespace (see sshd.ts);
// - the copy's /proc is a fresh proc mount whose /proc/sys is read-only, except
//   /proc/sys/net (per network namespace) and the IPC/UTS-namespaced kernel
//   keys (kernel.shm*, kernel.msg*, kernel.sem, kernel.hostname, ...), so
//   `sysctl -w kernel.randomize_va_space=2` fails with EROFS instead of
//   changing this machine; /sys is not mounted; /dev/pts is a private devpts
//   instance and /dev/shm a private tmpfs.
//
// Work directories live under $MDB_TEST_WORK_DIR (default
// /var/tmp/mdb-hardening-test) and are named mdbt-<pid>-<starttime>-<random>,
// so leftovers of a crashed run are swept by the next one (only when their
// owner process is gone). Persistent namespaces are bind mounts of files in
// the work directory, so removing it (unmount everything below, then rm)
// removes them too.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    ExecOptions,
    ExecResult,
    NAME_RE,
    OWNER,
    assertMatch,
    killPidsSync,
    ownerIsGone,
    pidsRootedIn,
    registerCleanup,
    run,
    runOk,
    runSync,
} from "./exec";
import { nsArgv } from "./netns";

export const ROOT_MARKER = "etc/mdb-test-root";
export const BUILD_ROOT_SCRIPT = path.join(__dirname, "build-root.sh");
const SAFE_PATH_RE = /^\/[A-Za-z0-9._/+-]+$/;
const WORK_NAME_RE = /^mdbt-\d+-\d+-[0-9a-f]{8}$/;
const ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function safeAbs(kind: string, p: string): string {
    assertMatch(kind, p, SAFE_PATH_RE);
    if (p.split("/").some((c) => c === "..")) throw new Error(`invalid ${kind}: ${p}`);
    return p;
}

export function workBase(): string {
    return safeAbs("MDB_TEST_WORK_DIR", process.env.MDB_TEST_WORK_DIR ?? "/var/tmp/mdb-hardening-test");
}

/** Path of the cached root if it has been built (MDB_TEST_ROOTFS overrides), else null. */
export function findCachedRoot(): string | null {
    const env = process.env.MDB_TEST_ROOTFS;
    if (env) {
        const p = fs.realpathSync(safeAbs("MDB_TEST_ROOTFS", env));
        if (!fs.existsSync(path.join(p, ROOT_MARKER))) throw new Error(`MDB_TEST_ROOTFS=${env} has no /${ROOT_MARKER}; not a root built by build-root.sh`);
        return p;
    }
    const r = runSync(["bash", BUILD_ROOT_SCRIPT, "--check"], {
        env: { ...process.env, PATH: process.env.PATH ?? ROOT_PATH },
        timeoutMs: 30_000,
    });
    if (r.code === 0) {
        const p = r.stdout.trim();
        safeAbs("cached root path", p);
        return p;
    }
    if (r.code === 3) return null;
    throw new Error(`build-root.sh --check failed: ${r.stderr}`);
}

/** Key=value metadata written by build-root.sh into the root. */
export function rootInfo(root: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync(path.join(root, ROOT_MARKER), "utf8").split("\n")) {
        const i = line.indexOf("=");
        if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
}

// ------------------------------------------------------------ mounts

function decodeMountPath(s: string): string {
    return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points at or below dir (in this process's mount namespace), deepest first. */
export function mountsUnder(dir: string): string[] {
    const out: string[] = [];
    for (const line of fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
        const f = line.split(" ");
        if (f.length < 5) continue;
        const mp = decodeMountPath(f[4]);
        if (mp === dir || mp.startsWith(dir + "/")) out.push(mp);
    }
    return out.sort((a, b) => b.length - a.length || (a < b ? 1 : -1));
}

/** Kill processes chrooted below dir, unmount everything below it, then rm -rf it. Refuses anything but a harness work directory. */
export function removeWorkDirSync(dir: string): void {
    const base = workBase();
    if (path.dirname(dir) !== base || !WORK_NAME_RE.test(path.basename(dir))) {
        throw new Error(`refusing to remove ${dir}: not a harness work directory under ${base}`);
    }
    if (!fs.existsSync(dir)) return;
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`refusing to remove ${dir}: not a directory`);
    if (fs.realpathSync(dir) !== dir) throw new Error(`refusing to remove ${dir}: path is not canonical`);
    killPidsSync(pidsRootedIn(dir));
    // Another process may be sweeping the same leftover concurrently: a failure only
    // counts if the mount / directory is still there afterwards.
    for (const mp of mountsUnder(dir)) runSync(["umount", "--", mp]);
    // What is left is busy, or cannot be reached by its path from here (the
    // /proc/sys/kernel file binds made inside the copy's IPC/UTS namespaces):
    // detach whole subtrees lazily, shallowest first.
    for (const mp of mountsUnder(dir).reverse()) {
        if (mountsUnder(dir).includes(mp)) runSync(["umount", "-l", "--", mp]);
    }
    const left = mountsUnder(dir);
    if (left.length > 0) throw new Error(`refusing to remove ${dir}: still mounted: ${left.join(", ")}`);
    const r = runSync(["rm", "-rf", "--one-file-system", "--", dir], { timeoutMs: 300_000 });
    if (r.code !== 0 && fs.existsSync(dir)) throw new Error(`rm -rf ${dir} failed: ${r.stderr.trim()}`);
}

/** Remove work directories left behind by test processes that no longer exist. */
export function sweepWorkDirs(): string[] {
    const base = workBase();
    if (!fs.existsSync(base)) return [];
    const removed: string[] = [];
    for (const name of fs.readdirSync(base)) {
        if (!WORK_NAME_RE.test(name) || !ownerIsGone(name)) continue;
        removeWorkDirSync(path.join(base, name));
        removed.push(name);
    }
    return removed;
}

// ------------------------------------------------------------ root copies

export interface ChrootExecOptions extends ExecOptions {
    /** Run as this user of the root (name); default root. Supplementary groups from the root's /etc/group. */
    user?: string;
    /** Extra environment variables (names must be identifiers). */
    vars?: Record<string, string>;
    /** Run in this test network namespace (e.g. a node of createNetwork) instead of the copy's private, loopback-only one. */
    netns?: string;
}

export interface UserOptions {
    uid?: number;
    /** Primary group (must exist); default: a new group named like the user (useradd -U). */
    group?: string;
    /** Supplementary groups (must exist). */
    groups?: string[];
    system?: boolean;
    shell?: string;
    /** Create the home directory (default true). */
    createHome?: boolean;
}

export interface RootCopy {
    /** Absolute path of the root (the chroot directory). */
    dir: string;
    /** Work directory holding the copy (removed by cleanup). */
    workDir: string;
    mode: "overlay" | "copy";
    cacheRoot: string;
    /** Run argv inside the copy (chroot + its IPC/UTS namespaces + its private network namespace, or opts.netns), as root or opts.user. */
    exec(argv: readonly string[], opts?: ChrootExecOptions): Promise<ExecResult>;
    execOk(argv: readonly string[], opts?: ChrootExecOptions): Promise<string>;
    /** argv that runs a command inside the copy in the caller's network namespace (wrap it with nsArgv()). */
    chrootArgv(argv: readonly string[], opts?: Pick<ChrootExecOptions, "user" | "vars">): string[];
    /** Files binding the copy's persistent namespaces (for nsenter --net=/--ipc=/--uts=). */
    nsFiles: { net: string; ipc: string; uts: string };
    addGroup(name: string, opts?: { gid?: number; system?: boolean }): Promise<void>;
    addUser(name: string, opts?: UserOptions): Promise<void>;
    /** Read / write a file by its path inside the root (resolved inside the chroot, so symlinks cannot escape). */
    readFile(p: string): Promise<string>;
    writeFile(p: string, content: string, mode?: string): Promise<void>;
    /** Kill processes rooted in the copy, unmount and delete it. Idempotent, synchronous. */
    cleanup(): void;
}

export interface RootCopyOptions {
    /** "overlay" (default; falls back to copy if the mount fails) or "copy". Env MDB_TEST_ROOT_COPY overrides the default. */
    mode?: "overlay" | "copy";
}

const VAR_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Capabilities no process of a copy may ever have (bounding set). */
export const DROPPED_CAPS = ["sys_boot", "sys_module", "sys_time"];
/** IPC- and UTS-namespaced sysctls under /proc/sys/kernel kept writable (for the copy's own namespaces). */
const NS_SYSCTLS = {
    ipc: ["shmmax", "shmall", "shmmni", "shm_rmid_forced", "msgmax", "msgmni", "msgmnb", "sem", "msg_next_id", "sem_next_id", "shm_next_id"],
    uts: ["hostname", "domainname"],
};
const INSIDE_PATH_RE = /^\/[A-Za-z0-9._/+@%-]+$/;

export async function createRootCopy(cacheRoot: string, opts: RootCopyOptions = {}): Promise<RootCopy> {
    const lower = fs.realpathSync(safeAbs("cached root", cacheRoot));
    if (!fs.existsSync(path.join(lower, ROOT_MARKER))) throw new Error(`${cacheRoot} is not a root built by build-root.sh`);
    sweepWorkDirs();

    const base = workBase();
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
    const workDir = path.join(base, `${OWNER}-${crypto.randomBytes(4).toString("hex")}`);
    fs.mkdirSync(workDir, { mode: 0o700 });
    const dir = path.join(workDir, "root");
    const nsDir = path.join(workDir, "ns");
    const nsFiles = { net: path.join(nsDir, "net"), ipc: path.join(nsDir, "ipc"), uts: path.join(nsDir, "uts") };
    const cleanup = registerCleanup(`root copy ${workDir}`, () => removeWorkDirSync(workDir));

    let mode: "overlay" | "copy" = opts.mode ?? (process.env.MDB_TEST_ROOT_COPY === "copy" ? "copy" : "overlay");
    try {
        if (mode === "overlay") {
            const upper = path.join(workDir, "upper");
            const work = path.join(workDir, "work");
            for (const d of [upper, work, dir]) fs.mkdirSync(d, { mode: 0o755 });
            fs.chmodSync(upper, fs.statSync(lower).mode & 0o7777);
            const base = `lowerdir=${lower},upperdir=${upper},workdir=${work}`;
            // index=on keeps hard links intact on copy-up (fis-gtm's utf8/gtmsecshr files are
            // hard links to the top-level ones; without it, chmod/chown of one breaks the link).
            let r = await run(["mount", "-t", "overlay", "overlay", "-o", `${base},index=on`, dir]);
            if (r.code !== 0) {
                console.warn(`[mdb-test] overlay mount with index=on failed (${r.stderr.trim()}); hard links will break on copy-up`);
                r = await run(["mount", "-t", "overlay", "overlay", "-o", base, dir]);
            }
            if (r.code !== 0) {
                console.warn(`[mdb-test] overlay mount failed (${r.stderr.trim()}); falling back to cp -a`);
                fs.rmdirSync(dir);
                mode = "copy";
            }
        }
        if (mode === "copy") {
            await runOk(["cp", "-a", "--", lower, dir], { timeoutMs: 600_000 });
        }
        // The copy's own network (loopback only), IPC and UTS namespaces, kept alive by bind mounts.
        fs.mkdirSync(nsDir, { mode: 0o700 });
        for (const f of Object.values(nsFiles)) fs.writeFileSync(f, "");
        await runOk(["unshare", `--net=${nsFiles.net}`, `--ipc=${nsFiles.ipc}`, `--uts=${nsFiles.uts}`, "--", "chroot", dir, "/bin/hostname", "mdb-test"]);
        await runOk(["nsenter", `--net=${nsFiles.net}`, "--", "ip", "link", "set", "lo", "up"]);

        const proc = path.join(dir, "proc");
        const sys = path.join(proc, "sys");
        await runOk(["mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", proc]);
        await runOk(["mount", "--bind", sys, sys]);
        // Below /proc/sys/net every lookup resolves in the writer's network namespace.
        await runOk(["mount", "--bind", `${sys}/net`, `${sys}/net`]);
        // Single-file binds pin the namespace they were looked up in: bind from inside the copy's namespaces.
        for (const [kind, names] of Object.entries(NS_SYSCTLS) as [keyof typeof NS_SYSCTLS, string[]][]) {
            for (const name of names) {
                const f = `${sys}/kernel/${name}`;
                if (fs.existsSync(f)) await runOk(["nsenter", `--${kind}=${nsFiles[kind]}`, "--", "mount", "--bind", f, f]);
            }
        }
        await runOk(["mount", "-o", "remount,bind,ro", sys]);
        fs.mkdirSync(path.join(dir, "dev/pts"), { recursive: true });
        await runOk(["mount", "-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=0620,gid=5", "devpts", path.join(dir, "dev/pts")]);
        fs.mkdirSync(path.join(dir, "dev/shm"), { recursive: true });
        await runOk(["mount", "-t", "tmpfs", "-o", "mode=1777,nosuid,nodev,size=64m", "tmpfs", path.join(dir, "dev/shm")]);
    } catch (e) {
        cleanup();
        throw e;
    }

    const userIds = (user: string): { uid: number; gid: number } => {
        assertMatch("user name", user, NAME_RE);
        for (const line of fs.readFileSync(path.join(dir, "etc/passwd"), "utf8").split("\n")) {
            const f = line.split(":");
            if (f[0] === user && f.length >= 7) return { uid: Number(f[2]), gid: Number(f[3]) };
        }
        throw new Error(`no user ${user} in ${dir}/etc/passwd`);
    };

    const chrootArgv = (argv: readonly string[], o: Pick<ChrootExecOptions, "user" | "vars"> = {}): string[] => {
        if (argv.length === 0) throw new Error("empty command");
        const vars = Object.entries(o.vars ?? {}).map(([k, v]) => {
            assertMatch("variable name", k, VAR_RE);
            if (v.includes("\0")) throw new Error(`NUL in variable ${k}`);
            return `${k}=${v}`;
        });
        const enter = [
            "nsenter", `--ipc=${nsFiles.ipc}`, `--uts=${nsFiles.uts}`, "--",
            "setpriv", "--bounding-set", DROPPED_CAPS.map((c) => `-${c}`).join(","), "--",
            "chroot", dir,
        ];
        if (o.user && o.user !== "root") {
            const { gid } = userIds(o.user);
            return [...enter, "/usr/bin/setpriv", `--reuid=${o.user}`, `--regid=${gid}`, "--init-groups", "--reset-env", "--", "/usr/bin/env", ...vars, ...argv];
        }
        return [...enter, "/usr/bin/env", "-i", `PATH=${ROOT_PATH}`, "HOME=/root", "USER=root", "LOGNAME=root", "LC_ALL=C", ...vars, ...argv];
    };
    const execArgv = (argv: readonly string[], o: ChrootExecOptions) =>
        o.netns ? nsArgv(o.netns, chrootArgv(argv, o)) : ["nsenter", `--net=${nsFiles.net}`, "--", ...chrootArgv(argv, o)];
    const exec = (argv: readonly string[], o: ChrootExecOptions = {}) => run(execArgv(argv, o), o);
    const execOk = (argv: readonly string[], o: ChrootExecOptions = {}) => runOk(execArgv(argv, o), o);

    return {
        dir,
        workDir,
        mode,
        cacheRoot: lower,
        exec,
        execOk,
        chrootArgv,
        nsFiles,
        addGroup: async (name, o = {}) => {
            assertMatch("group name", name, NAME_RE);
            const args = ["groupadd"];
            if (o.gid !== undefined) args.push("-g", String(checkId(o.gid)));
            if (o.system) args.push("-r");
            await execOk([...args, name]);
        },
        addUser: async (name, o = {}) => {
            assertMatch("user name", name, NAME_RE);
            const args = ["useradd"];
            if (o.uid !== undefined) args.push("-u", String(checkId(o.uid)));
            if (o.group !== undefined) args.push("-g", assertMatch("group name", o.group, NAME_RE));
            else args.push("-U");
            if (o.groups && o.groups.length > 0) args.push("-G", o.groups.map((g) => assertMatch("group name", g, NAME_RE)).join(","));
            if (o.system) args.push("-r");
            args.push("-s", assertMatch("shell", o.shell ?? "/bin/bash", INSIDE_PATH_RE));
            args.push(o.createHome === false ? "-M" : "-m");
            await execOk([...args, name]);
        },
        readFile: (p) => execOk(["cat", "--", assertMatch("path", p, INSIDE_PATH_RE)]),
        writeFile: async (p, content, fileMode = "0644") => {
            assertMatch("path", p, INSIDE_PATH_RE);
            assertMatch("file mode", fileMode, /^[0-7]{3,4}$/);
            await execOk(["/bin/sh", "-c", 'umask 077 && cat > "$1" && chmod "$2" "$1"', "sh", p, fileMode], { input: content });
        },
        cleanup,
    };
}

function checkId(id: number): number {
    if (!Number.isInteger(id) || id < 0 || id > 65533) throw new Error(`invalid uid/gid: ${id}`);
    return id;
}
