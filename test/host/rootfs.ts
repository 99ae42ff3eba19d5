// Per-suite copies of the cached root filesystem (see build-root.sh).
//
// The cached root is never modified: each suite gets an overlayfs mount with
// the cache as read-only lower layer and `index=on`, so hard links survive
// copy-up (fallback, or MDB_TEST_ROOT_COPY=copy: a `cp -a` copy, about 1.5 s
// instead of milliseconds with a warm page cache, and ~460 MB of disk each). Inside the copy the harness mounts a fresh proc, a private
// devpts instance and a tmpfs on /dev/shm. Work directories live under
// $MDB_TEST_WORK_DIR (default /var/tmp/mdb-hardening-test) and are named
// mdbt-<pid>-<starttime>-<random>, so leftovers of a crashed run are swept by
// the next one (only when their owner process is gone).
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
    const stillMounted = (mp: string) => mountsUnder(mp).includes(mp);
    for (const mp of mountsUnder(dir)) {
        if (runSync(["umount", "--", mp]).code === 0 || !stillMounted(mp)) continue;
        // Busy (a process we could not see, e.g. in another mount namespace): detach lazily.
        const r = runSync(["umount", "-l", "--", mp]);
        if (r.code !== 0 && stillMounted(mp)) throw new Error(`cannot unmount ${mp}: ${r.stderr.trim()}`);
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
    /** Run argv inside the root with chroot (as root, or opts.user via setpriv). */
    exec(argv: readonly string[], opts?: ChrootExecOptions): Promise<ExecResult>;
    execOk(argv: readonly string[], opts?: ChrootExecOptions): Promise<string>;
    /** argv prefix that runs a command inside the root (for use with ip netns exec etc.). */
    chrootArgv(argv: readonly string[], opts?: Pick<ChrootExecOptions, "user" | "vars">): string[];
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
        await runOk(["mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", path.join(dir, "proc")]);
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
        if (o.user && o.user !== "root") {
            const { gid } = userIds(o.user);
            return ["chroot", dir, "/usr/bin/setpriv", `--reuid=${o.user}`, `--regid=${gid}`, "--init-groups", "--reset-env", "--", "/usr/bin/env", ...vars, ...argv];
        }
        return ["chroot", dir, "/usr/bin/env", "-i", `PATH=${ROOT_PATH}`, "HOME=/root", "USER=root", "LOGNAME=root", "LC_ALL=C", ...vars, ...argv];
    };
    const exec = (argv: readonly string[], o: ChrootExecOptions = {}) => run(chrootArgv(argv, o), o);
    const execOk = (argv: readonly string[], o: ChrootExecOptions = {}) => runOk(chrootArgv(argv, o), o);

    return {
        dir,
        workDir,
        mode,
        cacheRoot: lower,
        exec,
        execOk,
        chrootArgv,
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
