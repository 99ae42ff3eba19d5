// FIS GT.M probes inside a root copy.
import * as fs from "node:fs";
import * as path from "node:path";
import { ExecResult, NAME_RE, allPids, assertMatch } from "./exec";
import { RootCopy } from "./rootfs";

/** Path (inside the root) of the GT.M distribution: the directory holding mumps, libgtmutil.so and gtmsecshr. */
export function findGtmDist(rootDir: string): string {
    const candidates: string[] = [];
    for (const libBase of ["usr/lib", "usr/lib64", "opt"]) {
        const base = path.join(rootDir, libBase);
        if (!fs.existsSync(base)) continue;
        // usr/lib/<triplet>/fis-gtm/<version>/  or  usr/lib/fis-gtm/<version>/
        for (const a of safeReaddir(base)) {
            const level1 = path.join(base, a);
            const fisDirs = a === "fis-gtm" ? [level1] : [path.join(level1, "fis-gtm")];
            for (const fisDir of fisDirs) {
                for (const v of safeReaddir(fisDir)) {
                    const d = path.join(fisDir, v);
                    if (fs.existsSync(path.join(d, "mumps")) && fs.existsSync(path.join(d, "libgtmutil.so"))) candidates.push(d);
                }
            }
        }
    }
    if (candidates.length === 0) throw new Error(`no GT.M distribution (mumps + libgtmutil.so) found in ${rootDir}`);
    candidates.sort();
    return "/" + path.relative(rootDir, candidates[candidates.length - 1]);
}

function safeReaddir(d: string): string[] {
    try {
        return fs.statSync(d).isDirectory() ? fs.readdirSync(d) : [];
    } catch {
        return [];
    }
}

/** Environment for GT.M: gtm_dist and gtmroutines="$gtm_dist/libgtmutil.so". */
export function gtmEnv(gtmDist: string): Record<string, string> {
    assertMatch("gtm_dist", gtmDist, /^\/[A-Za-z0-9._/+-]+$/);
    return { gtm_dist: gtmDist, gtmroutines: `${gtmDist}/libgtmutil.so` };
}

/** Run `$gtm_dist/mumps -run %XCMD <code>` as `user` inside the root copy. */
export async function runMumps(root: RootCopy, user: string, code = "write 6*7,!", opts: { timeoutMs?: number; gtmDist?: string } = {}): Promise<ExecResult> {
    assertMatch("user name", user, NAME_RE);
    if (code.includes("\0") || code.includes("\n")) throw new Error("M code must be a single line");
    const dist = opts.gtmDist ?? findGtmDist(root.dir);
    return root.exec([`${dist}/mumps`, "-run", "%XCMD", code], { user, vars: gtmEnv(dist), timeoutMs: opts.timeoutMs ?? 30_000 });
}

/** Run the gtmsecshr wrapper ($gtm_dist/gtmsecshr, set-user-ID root when intact) as `user`; it starts the gtmsecshr server. */
export async function startGtmsecshr(root: RootCopy, user: string, opts: { timeoutMs?: number; gtmDist?: string } = {}): Promise<ExecResult> {
    assertMatch("user name", user, NAME_RE);
    const dist = opts.gtmDist ?? findGtmDist(root.dir);
    return root.exec([`${dist}/gtmsecshr`], { user, vars: gtmEnv(dist), timeoutMs: opts.timeoutMs ?? 30_000 });
}

export interface GtmsecshrProcess {
    pid: number;
    /** Real, effective, saved and filesystem UIDs from /proc/<pid>/status. */
    uids: [number, number, number, number];
    /** True when real and effective UID are 0. */
    runningAsRoot: boolean;
    /** Root directory of the process (the chroot it runs in). */
    rootDir: string;
    /** Executable path as seen from the test machine, e.g. <copy>/usr/lib/.../gtmsecshrdir/gtmsecshr. */
    exe: string;
}

/**
 * gtmsecshr processes found in /proc (command name "gtmsecshr"), optionally only
 * those whose root directory is `rootDir` (i.e. running inside that copy).
 */
export function findGtmsecshr(rootDir?: string): GtmsecshrProcess[] {
    const out: GtmsecshrProcess[] = [];
    for (const pid of allPids()) {
        try {
            const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
            if (comm !== "gtmsecshr") continue;
            const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
            const m = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status);
            if (!m) continue;
            const uids = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
            const procRoot = fs.readlinkSync(`/proc/${pid}/root`);
            if (rootDir !== undefined && procRoot !== rootDir) continue;
            let exe = "";
            try {
                exe = fs.readlinkSync(`/proc/${pid}/exe`);
            } catch {
                /* not readable */
            }
            out.push({ pid, uids, runningAsRoot: uids[0] === 0 && uids[1] === 0, rootDir: procRoot, exe });
        } catch {
            /* process went away */
        }
    }
    return out;
}
