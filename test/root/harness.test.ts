// Self-tests of the host test harness, on real namespaces, nftables, sshd and GT.M.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as h from "../helpers/host/harness";
import { projectRoot } from "../helpers/example";

const SUITE = "host harness self-tests";
const IS_ROOT = h.requireRoot(SUITE);
const ROOTFS = IS_ROOT ? h.requireRootFs(SUITE) : null;
const REPO = projectRoot;

/** Everything in this process's mount namespace, namespace list and /proc that the given resources could have left. */
function leftovers(r: { namespaces: string[]; workDir: string; pids?: number[] }): string[] {
    const out: string[] = [];
    const live = new Set(h.listNamespaces());
    for (const ns of r.namespaces) if (live.has(ns)) out.push(`namespace ${ns}`);
    if (fs.existsSync(r.workDir)) out.push(`directory ${r.workDir}`);
    for (const mp of h.mountsUnder(r.workDir)) out.push(`mount ${mp}`);
    for (const pid of h.pidsRootedIn(r.workDir)) out.push(`process ${pid} rooted in ${r.workDir}`);
    for (const pid of r.pids ?? []) if (h.processAlive(pid)) out.push(`process ${pid}`);
    return out;
}

const dropTable = (port: number) => `
table inet mdbt_selftest {}
delete table inet mdbt_selftest
table inet mdbt_selftest {
    chain input {
        type filter hook input priority 0; policy accept;
        iifname "eth0" tcp dport ${port} drop
        iifname "eth0" udp dport ${port} drop
    }
}
`;
const rejectTable = (port: number) => `
table inet mdbt_selftest {}
delete table inet mdbt_selftest
table inet mdbt_selftest {
    chain input {
        type filter hook input priority 0; policy accept;
        iifname "eth0" tcp dport ${port} reject with tcp reset
        iifname "eth0" udp dport ${port} reject
    }
}
`;
const removeTable = "table inet mdbt_selftest {}\ndelete table inet mdbt_selftest\n";

describe("requireRoot", () => {
    const savedCI = process.env.CI;
    afterEach(() => {
        vi.restoreAllMocks();
        if (savedCI === undefined) delete process.env.CI;
        else process.env.CI = savedCI;
    });

    it("returns true as root", () => {
        vi.spyOn(process, "getuid").mockReturnValue(0);
        expect(h.requireRoot("x")).toBe(true);
    });
    it("warns loudly and skips when not root outside CI", () => {
        vi.spyOn(process, "getuid").mockReturnValue(1000);
        const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
        delete process.env.CI;
        expect(h.requireRoot("some suite")).toBe(false);
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('SKIPPING host suite "some suite"'));
        process.env.CI = "false";
        expect(h.requireRoot("some suite")).toBe(false);
    });
    it("throws when not root under CI", () => {
        vi.spyOn(process, "getuid").mockReturnValue(1000);
        process.env.CI = "true";
        expect(() => h.requireRoot("some suite")).toThrow(/needs root, and CI is set/);
        process.env.CI = "1";
        expect(() => h.requireRootFs("some suite")).toThrow(/needs root, and CI is set/);
    });
});

describe("shell quoting and validation", () => {
    it("quotes for a POSIX shell", async () => {
        const nasty = ["a b", "it's", "$(touch /nonexistent)", "`x`", "", "*", "\\n;|&"];
        const script = nasty.map(h.shQuote).join(" ");
        const r = await h.runOk(["/bin/sh", "-c", `for a in ${script}; do printf '%s\\n' "$a"; done`]);
        expect(r).toBe(nasty.map((s) => s + "\n").join(""));
    });
    it("rejects names that would reach a shell or a path unvalidated", () => {
        expect(() => h.nsArgv("../etc", ["true"])).toThrow(/invalid namespace/);
        expect(() => h.nsArgv("mdbt-1-2-deadbeef-hub; rm -rf /", ["true"])).toThrow(/invalid namespace/);
        expect(() => h.assertPort(0)).toThrow();
        expect(() => h.assertMatch("user name", "root:x", h.NAME_RE)).toThrow();
        expect(() => h.removeWorkDirSync("/")).toThrow(/refusing/);
        expect(() => h.removeWorkDirSync(`${h.workBase()}/../etc`)).toThrow(/refusing/);
    });
});

describe.skipIf(!IS_ROOT)("network namespaces and probes", () => {
    let net: h.Network;
    beforeAll(async () => {
        net = await h.createNetwork({ nodes: 2 });
    }, 60_000);
    afterAll(() => h.cleanupAll());

    it("creates a hub and two nodes with their addresses", async () => {
        const names = h.listNamespaces();
        expect(names).toContain(net.hub);
        for (const n of net.nodes) {
            expect(names).toContain(n.ns);
            expect(n.ns).toMatch(/^mdbt-\d+-\d+-[0-9a-f]{8}-n\d$/);
            expect(n.ns.startsWith(h.OWNER + "-")).toBe(true);
            const addr = await net.execOk(n.ns, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"]);
            expect(addr).toContain(`inet ${n.addr}/24`);
        }
        expect(net.nodes.map((n) => n.addr)).toEqual(["10.213.0.1", "10.213.0.2"]);
        // No route anywhere but the test subnet.
        const routes = await net.execOk(net.nodes[0].ns, ["ip", "-4", "route", "show"]);
        expect(routes.trim()).toBe("10.213.0.0/24 dev eth0 proto kernel scope link src 10.213.0.1");
    });

    it("TCP and UDP listeners are reachable between namespaces, dropped by nft in the listener's namespace", async () => {
        const [a, b] = net.nodes;
        const tcp = await h.startListener(b.ns, "tcp", "0.0.0.0", 9000);
        const udp = await h.startListener(b.ns, "udp", "0.0.0.0", 9000);
        try {
            expect(await h.probe(a.ns, "tcp", b.addr, 9000)).toBe("open");
            expect(await h.probe(a.ns, "udp", b.addr, 9000)).toBe("open");

            await net.nft(b.ns, dropTable(9000));
            expect(await h.probeDetail(a.ns, "tcp", b.addr, 9000, 1500)).toEqual({ result: "dropped", detail: "timeout" });
            expect(await h.probeDetail(a.ns, "udp", b.addr, 9000, 1500)).toEqual({ result: "dropped", detail: "timeout" });
            // The rule matches eth0 only: loopback inside b still reaches the listeners.
            expect(await h.probe(b.ns, "tcp", "127.0.0.1", 9000)).toBe("open");
            expect(await h.probe(b.ns, "udp", "127.0.0.1", 9000)).toBe("open");

            await net.nft(b.ns, rejectTable(9000));
            expect(await h.probe(a.ns, "tcp", b.addr, 9000)).toBe("refused");
            expect(await h.probe(a.ns, "udp", b.addr, 9000)).toBe("refused");

            await net.nft(b.ns, removeTable);
            expect(await h.probe(a.ns, "tcp", b.addr, 9000)).toBe("open");
            expect(await h.probe(a.ns, "udp", b.addr, 9000)).toBe("open");
            // The table lived in b's namespace only: a has no ruleset at all.
            expect((await net.execOk(a.ns, ["nft", "list", "ruleset"])).trim()).toBe("");
        } finally {
            tcp.stop();
            udp.stop();
            await net.nft(b.ns, removeTable).catch(() => undefined);
        }
        expect(h.processAlive(tcp.pid)).toBe(false);
        expect(await h.probe(a.ns, "tcp", b.addr, 9000)).toBe("refused");
    });

    it("reports closed ports as refused", async () => {
        const [a, b] = net.nodes;
        expect(await h.probeDetail(a.ns, "tcp", b.addr, 9)).toEqual({ result: "refused", detail: "ECONNREFUSED" });
        expect(await h.probeDetail(a.ns, "udp", b.addr, 9)).toEqual({ result: "refused", detail: "ECONNREFUSED" });
    });

    it("listeners stop by themselves after their lifetime", async () => {
        const l = await h.startListener(net.nodes[1].ns, "tcp", net.nodes[1].addr, 9100, 1000);
        expect(await h.probe(net.nodes[0].ns, "tcp", net.nodes[1].addr, 9100)).toBe("open");
        await h.sleep(1500);
        expect(h.processAlive(l.pid)).toBe(false);
        expect(await h.probe(net.nodes[0].ns, "tcp", net.nodes[1].addr, 9100)).toBe("refused");
        l.stop();
    });

    it("cleanup kills the namespaces' processes and deletes them; it is idempotent", async () => {
        const other = await h.createNetwork({ nodes: 1 });
        const l = await h.startListener(other.nodes[0].ns, "tcp", "0.0.0.0", 9000, 600_000);
        const names = [other.hub, other.nodes[0].ns];
        expect(h.listNamespaces()).toEqual(expect.arrayContaining(names));
        other.cleanup();
        other.cleanup();
        expect(h.listNamespaces().filter((n) => names.includes(n))).toEqual([]);
        expect(h.processAlive(l.pid)).toBe(false);
        l.stop();
    });
});

describe.skipIf(!ROOTFS)("sshd in a chroot copy, inside a namespace", () => {
    let net: h.Network;
    let root: h.RootCopy;
    let sshd: h.Sshd;
    beforeAll(async () => {
        net = await h.createNetwork({ nodes: 2 });
        root = await h.createRootCopy(ROOTFS!);
        sshd = await h.startSshd(net, net.nodes[0], root);
    }, 120_000);
    afterAll(() => h.cleanupAll());

    it("uses an overlay copy of the cache with proc, devpts, shm and its namespaces mounted", () => {
        expect(root.mode).toBe("overlay");
        const mounts = h.mountsUnder(root.workDir);
        expect(mounts).toEqual(
            expect.arrayContaining([
                root.dir,
                `${root.dir}/proc`,
                `${root.dir}/proc/sys`,
                `${root.dir}/proc/sys/net`,
                `${root.dir}/proc/sys/kernel/shmmax`,
                `${root.dir}/dev/pts`,
                `${root.dir}/dev/shm`,
                root.nsFiles.net,
                root.nsFiles.ipc,
                root.nsFiles.uts,
            ]),
        );
        expect(h.rootInfo(root.dir).suite).toBe("bookworm");
    });

    it("keeps what runs in the copy away from this machine's kernel settings, hostname, firewall and capabilities", async () => {
        const b = net.nodes[1];
        const hostSysctl = (k: string) => fs.readFileSync(`/proc/sys/${k}`, "utf8").trim();
        const before = {
            aslr: hostSysctl("kernel/randomize_va_space"),
            fin: hostSysctl("net/ipv4/tcp_fin_timeout"),
            shmmni: hostSysctl("kernel/shmmni"),
            hostname: fs.readFileSync("/proc/sys/kernel/hostname", "utf8").trim(),
        };
        // Global sysctl: read-only inside the copy.
        const aslr = await sshd.run(b.ns, `sysctl -w kernel.randomize_va_space=${before.aslr === "2" ? 1 : 2}`);
        expect(aslr.code).not.toBe(0);
        expect(aslr.stderr).toMatch(/permission denied on key "kernel.randomize_va_space"/);
        const direct = await sshd.run(b.ns, "echo 2 > /proc/sys/kernel/randomize_va_space");
        expect(direct.stderr).toMatch(/Read-only file system/);
        // Per-namespace sysctls: writable, and only the namespace changes.
        const out = await sshd.runOk(b.ns, [
            "sh", "-c",
            "set -e; sysctl -qw net.ipv4.tcp_fin_timeout=33 kernel.shmmni=1234; sysctl -n net.ipv4.tcp_fin_timeout kernel.shmmni; hostname; hostname renamed-in-copy; hostname",
        ]);
        expect(out).toBe("33\n1234\nmdb-test\nrenamed-in-copy\n");
        expect((await root.execOk(["hostname"])).trim()).toBe("renamed-in-copy");
        expect((await root.execOk(["sysctl", "-n", "kernel.shmmni"])).trim()).toBe("1234");
        expect({
            aslr: hostSysctl("kernel/randomize_va_space"),
            fin: hostSysctl("net/ipv4/tcp_fin_timeout"),
            shmmni: hostSysctl("kernel/shmmni"),
            hostname: fs.readFileSync("/proc/sys/kernel/hostname", "utf8").trim(),
        }).toEqual(before);
        // nftables applied over SSH: the sshd node's namespace only.
        await sshd.runOk(b.ns, "nft add table inet mdbt_fromssh");
        expect(await net.execOk(net.nodes[0].ns, ["nft", "list", "tables"])).toContain("table inet mdbt_fromssh");
        expect(await h.runOk(["nft", "list", "tables"])).not.toContain("mdbt_fromssh");
        // No reboot, module loading or clock setting, whatever the session does.
        const capBnd = BigInt("0x" + /^CapBnd:\s+([0-9a-f]+)$/m.exec(await sshd.runOk(b.ns, "cat /proc/self/status"))![1]);
        for (const cap of [22n /* sys_boot */, 16n /* sys_module */, 25n /* sys_time */]) expect(capBnd & (1n << cap)).toBe(0n);
        // exec() without a test namespace: the copy's private network namespace, loopback only.
        expect((await root.execOk(["ip", "-o", "link", "show"])).trim().split("\n").map((l) => l.split(": ")[1])).toEqual(["lo"]);
    });

    it("accepts the generated key from another namespace, as root, inside the chroot", async () => {
        const out = await sshd.runOk(net.nodes[1].ns, ["sh", "-c", 'id -un; cat /etc/mdb-test-root; echo "from=${SSH_CLIENT%% *}"']);
        expect(out).toMatch(/^root\n/);
        expect(out).toContain("suite=bookworm");
        expect(out).toContain(`from=${net.nodes[1].addr}`);
        // Host key checking against the generated host key works too.
        expect(await sshd.runOk(net.nodes[1].ns, "echo strict", { strictHostKey: true })).toBe("strict\n");
        expect(sshd.clientPrivateKey).toContain("BEGIN OPENSSH PRIVATE KEY");
        expect(sshd.hostPublicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+$/);
    });

    it("rejects a key it does not know", async () => {
        const stranger = path.join(root.workDir, "stranger");
        await h.runOk(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger]);
        const argv = sshd.sshArgv(net.nodes[1].ns, "true").map((a) => (a === sshd.clientKey ? stranger : a));
        const r = await h.run(argv);
        expect(r.code).toBe(255);
        expect(r.stderr).toContain("Permission denied");
    });

    it("changes made over SSH land in the copy, never in the cache or on this machine", async () => {
        const marker = `/mdbt-selftest-${process.pid}`;
        await sshd.runOk(net.nodes[1].ns, ["sh", "-c", `touch ${marker} && useradd -m sshmade && chmod 0700 /etc/ssh`]);
        expect(fs.existsSync(path.join(root.dir, marker))).toBe(true);
        expect(fs.existsSync(path.join(ROOTFS!, marker))).toBe(false);
        expect(fs.existsSync(marker)).toBe(false);
        expect(fs.readFileSync(path.join(root.dir, "etc/passwd"), "utf8")).toMatch(/^sshmade:/m);
        expect(fs.readFileSync(path.join(ROOTFS!, "etc/passwd"), "utf8")).not.toMatch(/^sshmade:/m);
        expect(fs.readFileSync("/etc/passwd", "utf8")).not.toMatch(/^sshmade:/m);
        expect(fs.statSync(path.join(ROOTFS!, "etc/ssh")).mode & 0o777).toBe(0o755);
        expect(fs.statSync(path.join(root.dir, "etc/ssh")).mode & 0o777).toBe(0o700);
    });

    it("authorises other users and runs their commands", async () => {
        await root.addGroup("mdbgrp");
        await root.addUser("alice", { groups: ["mdbgrp"] });
        await sshd.authorize("alice");
        expect(await sshd.runOk(net.nodes[1].ns, ["id", "-Gn"], { user: "alice" })).toBe("alice mdbgrp\n");
    });

    it("is unreachable when nft in its namespace drops port 22, reachable again after", async () => {
        const [a, b] = net.nodes;
        await net.nft(a.ns, dropTable(22));
        try {
            expect(await h.probe(b.ns, "tcp", a.addr, 22, 1500)).toBe("dropped");
            const r = await sshd.run(b.ns, "true", { timeoutMs: 20_000 });
            expect(r.code).toBe(255);
            expect(r.stderr).toMatch(/timed out/i);
        } finally {
            await net.nft(a.ns, removeTable);
        }
        expect(await sshd.runOk(b.ns, "echo back")).toBe("back\n");
    });

    it("is reachable from this machine's namespace through a loopback forwarder, as a client in the test network", async () => {
        const b = net.nodes[1];
        const fwd = await h.startForwarder(b.ns, sshd.host, sshd.port);
        try {
            // Plain ssh from the test process's own namespace (as the Pulumi engine would connect).
            const argv = sshd.sshArgv(b.ns, 'echo "${SSH_CLIENT%% *}"').slice(4); // drop `ip netns exec <ns>`
            const portIdx = argv.indexOf("-p");
            argv[portIdx + 1] = String(fwd.port);
            argv[argv.indexOf(`root@${sshd.host}`)] = "root@127.0.0.1";
            const r = await h.run(argv);
            expect(r.stderr).toBe("");
            expect(r.stdout).toBe(`${b.addr}\n`);
            // Two connections at once.
            const [x, y] = await Promise.all([h.run(argv), h.run(argv)]);
            expect([x.stdout, y.stdout]).toEqual([`${b.addr}\n`, `${b.addr}\n`]);
        } finally {
            fwd.stop();
        }
        expect(h.processAlive(fwd.pid)).toBe(false);
    });

    it("reloads and restarts sshd after a configuration change made over SSH", async () => {
        const b = net.nodes[1];
        await sshd.runOk(b.ns, ["sh", "-c", "printf 'Banner /etc/issue.net\\n' > /etc/ssh/sshd_config.d/50-selftest.conf"]);
        await sshd.reload();
        expect(await sshd.runOk(b.ns, "echo reloaded")).toBe("reloaded\n");
        await sshd.restart();
        expect(await sshd.runOk(b.ns, "echo restarted")).toBe("restarted\n");
        expect(sshd.log()).toContain("Server listening on");
    });
});

describe.skipIf(!ROOTFS)("GT.M in the chroot copy", () => {
    let root: h.RootCopy;
    let gtmDist: string;
    beforeAll(async () => {
        root = await h.createRootCopy(ROOTFS!);
        gtmDist = h.findGtmDist(root.dir);
        await root.addUser("gtmuser");
    }, 120_000);
    afterAll(() => h.cleanupAll());

    it("finds the distribution", () => {
        expect(gtmDist).toMatch(/^\/usr\/lib\/x86_64-linux-gnu\/fis-gtm\/V\d\.\d-\d{3}[A-Z]?_x86_64$/);
        expect(h.rootInfo(root.dir).gtm_dist).toBe(gtmDist);
    });

    it("a user of the copy runs mumps and gets 42", async () => {
        const r = await h.runMumps(root, "gtmuser");
        expect(r.stderr).toBe("");
        expect(r.stdout).toBe("42\n");
        expect(r.code).toBe(0);
        expect((await h.runMumps(root, "root")).stdout).toBe("42\n");
        expect((await root.execOk(["id", "-un"], { user: "gtmuser" })).trim()).toBe("gtmuser");
    });

    it("sees gtmsecshr running as root, and not at all once the wrapper lost its setuid bit", async () => {
        const started = await h.startGtmsecshr(root, "gtmuser");
        expect(started.code).toBe(0);
        let procs: h.GtmsecshrProcess[] = [];
        for (let i = 0; i < 50 && procs.length === 0; i++) {
            await h.sleep(100);
            procs = h.findGtmsecshr(root.dir);
        }
        expect(procs.length).toBe(1);
        expect(procs[0].runningAsRoot).toBe(true);
        expect(procs[0].rootDir).toBe(root.dir);
        expect(procs[0].exe).toBe(`${root.dir}${gtmDist}/gtmsecshrdir/gtmsecshr`);
        h.killPidsSync(procs.map((p) => p.pid));
        expect(h.findGtmsecshr(root.dir)).toEqual([]);

        // Hard links survive copy-up (overlay index=on): utf8/gtmsecshr follows the top-level one.
        await root.execOk(["chmod", "u-s", `${gtmDist}/gtmsecshr`]);
        const top = fs.statSync(path.join(root.dir, gtmDist, "gtmsecshr"));
        const utf8 = fs.statSync(path.join(root.dir, gtmDist, "utf8/gtmsecshr"));
        expect(top.ino).toBe(utf8.ino);
        expect(utf8.mode & 0o4000).toBe(0);
        expect(fs.statSync(path.join(ROOTFS!, gtmDist, "gtmsecshr")).mode & 0o4000).toBe(0o4000);

        const again = await h.startGtmsecshr(root, "gtmuser");
        expect(again.code).toBe(0);
        await h.sleep(1000);
        expect(h.findGtmsecshr(root.dir)).toEqual([]);
    });
});

describe.skipIf(!ROOTFS)("root copy by cp -a", () => {
    afterAll(() => h.cleanupAll());

    it("works without overlayfs and is removed by cleanup", async () => {
        const t0 = Date.now();
        const root = await h.createRootCopy(ROOTFS!, { mode: "copy" });
        console.log(`[mdb-test] cp -a root copy took ${Date.now() - t0} ms`);
        expect(root.mode).toBe("copy");
        expect(h.mountsUnder(root.workDir)).toEqual(expect.arrayContaining([`${root.dir}/dev/shm`, `${root.dir}/dev/pts`, `${root.dir}/proc`]));
        expect(h.mountsUnder(root.workDir)).not.toContain(root.dir);
        expect((await h.runMumps(root, "root")).stdout).toBe("42\n");
        root.cleanup();
        expect(leftovers({ namespaces: [], workDir: root.workDir })).toEqual([]);
    }, 180_000);
});

describe.skipIf(!ROOTFS)("cleanup when a suite fails or its process dies", () => {
    let tmp: string;
    beforeAll(() => {
        tmp = fs.mkdtempSync("/tmp/mdbt-selftest-");
    });
    const withWorkBase = <T>(base: string, fn: () => T): T => {
        const saved = process.env.MDB_TEST_WORK_DIR;
        process.env.MDB_TEST_WORK_DIR = base;
        try {
            return fn();
        } finally {
            if (saved === undefined) delete process.env.MDB_TEST_WORK_DIR;
            else process.env.MDB_TEST_WORK_DIR = saved;
        }
    };
    afterAll(() => {
        h.cleanupAll();
        // Should a test have failed before its sweep: remove the crash leftovers (unmounting first).
        withWorkBase(path.join(tmp, "work"), () => h.sweepWorkDirs());
        h.runSync(["rm", "-rf", "--one-file-system", "--", tmp], { check: true });
    });
    const env = () => ({ ...h.BASE_ENV, HOME: process.env.HOME ?? "/root", MDB_FIXTURE_ROOTFS: ROOTFS!, MDB_TEST_ROOTFS: ROOTFS! });

    it("a failing assertion still removes namespaces, mounts, work directory and processes", async () => {
        const out = path.join(tmp, "failing.json");
        const r = await h.run(
            [process.execPath, path.join(REPO, "node_modules/vitest/vitest.mjs"), "run", "--config", "test/helpers/host/fixtures/vitest.fixture.config.ts"],
            { cwd: REPO, env: { ...env(), MDB_FIXTURE_OUT: out }, timeoutMs: 120_000 },
        );
        expect(r.code).not.toBe(0);
        expect(r.stdout + r.stderr).toContain("failing on purpose");
        const res = JSON.parse(fs.readFileSync(out, "utf8")) as import("../helpers/host/fixtures/resources").FixtureResources;
        expect(res.namespaces.length).toBe(3);
        expect(leftovers({ ...res, pids: [res.sshdSupervisorPid, res.sshdPid, res.listenerPid] })).toEqual([]);
    }, 150_000);

    it("after SIGKILL, processes stop by themselves and the next sweep removes the rest", async () => {
        const out = path.join(tmp, "crash.json");
        // A work base of its own, so that concurrent runs of this file cannot sweep the leftovers first.
        const workBase = path.join(tmp, "work");
        const mine = await h.createNetwork({ nodes: 1 });
        const r = await h.run([process.execPath, "-r", "ts-node/register/transpile-only", "test/helpers/host/fixtures/crash.ts", out], {
            cwd: REPO,
            env: { ...env(), MDB_TEST_WORK_DIR: workBase },
            timeoutMs: 120_000,
        });
        expect(r.signal).toBe("SIGKILL");
        const res = JSON.parse(fs.readFileSync(out, "utf8")) as import("../helpers/host/fixtures/resources").FixtureResources;
        // sshd (parent-death signal via timeout(1)) and the listener (parent-death SIGKILL) die with their owner.
        const pids = [res.sshdSupervisorPid, res.sshdPid, res.listenerPid];
        for (let i = 0; i < 50 && pids.some(h.processAlive); i++) await h.sleep(100);
        expect(pids.filter(h.processAlive)).toEqual([]);
        // The work directory and its mounts are left behind (and the namespaces, unless
        // a concurrent test process has already swept them) ...
        expect(path.dirname(res.workDir)).toBe(workBase);
        expect(h.mountsUnder(res.workDir)).toContain(res.rootDir);
        expect(h.ownerIsGone(path.basename(res.workDir))).toBe(true);
        // ... until the next sweep, which leaves live owners (this process) alone.
        h.sweepNamespaces();
        expect(withWorkBase(workBase, () => h.sweepWorkDirs())).toEqual([path.basename(res.workDir)]);
        expect(h.listNamespaces()).toEqual(expect.arrayContaining([mine.hub, mine.nodes[0].ns]));
        expect(leftovers(res)).toEqual([]);
        mine.cleanup();
    }, 150_000);
});
