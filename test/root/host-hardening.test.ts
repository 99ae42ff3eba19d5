/**
 * The host script on real systems: a Debian root (chroot copy) with FIS GT.M, real users and
 * unit files, reached over SSH inside a network namespace; the firewall tested with real TCP and
 * UDP sockets from other namespaces. Needs root; under CI a missing root fails the run.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarize, type HostSummary } from "../../components/host/hostHardening";
import { parseReports, parseSummary } from "../../components/host/summary";
import { renderMergeFile } from "../../components/iris/merge";
import { auditCpf } from "../../components/iris/ports";
import { validateProfile, type HostProfile } from "../../components/profile";
import * as h from "../helpers/host/harness";
import { render } from "../helpers/render";
import { projectRoot } from "../helpers/example";

const ROOTFS = h.requireRootFs("host hardening");

/** The database host's profile: GT.M restricted to gtmusers, one TCP and one UDP application port. */
function gtmProfile(dist: string, overrides: Record<string, unknown> = {}): HostProfile {
    return validateProfile({
        name: "gtm-db",
        product: "gtm",
        environment: "production",
        distribution: { path: dist, members: ["alice", "ghost"], tmpDir: "/var/tmp/gtm" },
        databases: { readOnly: ["/data/config.dat"], files: ["/data/app.dat", "/data/bad.dat"] },
        network: {
            adminCidrs: ["10.213.0.2/32"],
            ingress: [
                { name: "app", port: 7000, protocol: "tcp", from: ["10.213.0.3/32"] },
                { name: "app-udp", port: 7001, protocol: "udp", from: ["10.213.0.3/32"] },
            ],
        },
        services: { cronAllow: ["root", "alice"] },
        ...overrides,
    });
}

/** Users, groups and database files the profile refers to, as a site would have them. */
async function populate(root: h.RootCopy): Promise<void> {
    await root.addUser("alice");
    await root.addUser("bob");
    await root.execOk(["mkdir", "-p", "/data"]);
    await root.writeFile("/data/config.dat", "config", "0664");
    await root.writeFile("/data/app.dat", "app", "0660");
    await root.writeFile("/data/bad.dat", "bad", "0660");
    await root.execOk(["chown", "alice:alice", "/data/app.dat"]);
    await root.execOk(["chown", "bob:alice", "/data/bad.dat"]);
}

function item(summary: HostSummary, part: string, name: string): string | undefined {
    return summary.changed.find((r) => r.control === part && r.item === name)?.detail;
}

describe.skipIf(!ROOTFS)("host hardening on a real root, over SSH", () => {
    let net: h.Network;
    let root: h.RootCopy;
    let sshd: h.Sshd;
    let dist: string;
    let profile: HostProfile;
    let first: HostSummary;
    const [db, admin, client, outsider] = [0, 1, 2, 3];
    const ns = (i: number) => net.nodes[i].ns;
    const addr = (i: number) => net.nodes[i].addr;
    const apply = (script: string) => sshd.run(ns(admin), "bash -s", { input: script, timeoutMs: 180_000 });
    const systemctl = (...args: string[]) => h.run(["systemctl", `--root=${root.dir}`, ...args]);

    beforeAll(async () => {
        net = await h.createNetwork({ nodes: 4 });
        root = await h.createRootCopy(ROOTFS!);
        await populate(root);
        sshd = await h.startSshd(net, net.nodes[db], root);
        dist = h.findGtmDist(root.dir);
        profile = gtmProfile(dist);
    }, 180_000);
    afterAll(() => h.cleanupAll());

    it("applies over SSH; an SSH session open during the apply survives it", async () => {
        // An undeclared listener, for the audit to find.
        await h.startListener(ns(db), "tcp", addr(db), 9999, 300_000);
        const longSession = sshd.run(ns(admin), "sleep 8; echo still-here", { timeoutMs: 60_000 });
        const result = await apply(render(profile));
        expect(result.stderr).not.toMatch(/MDBH\terror/);
        expect(result.code).toBe(0);
        first = summarize(result.stdout, profile);
        const session = await longSession;
        expect(session.stdout).toBe("still-here\n");
        expect(first.changes).toBeGreaterThan(10);
        expect(item(first, "distribution", "group:gtmusers")).toBe("created");
        expect(item(first, "distribution", "member:alice")).toBe("added to gtmusers");
        expect(item(first, "firewall", "table inet mdb_hardening")).toBe("loaded");
    });

    it("restricts GT.M to the group and keeps it working: member runs mumps, non-member is refused", async () => {
        const member = await h.runMumps(root, "alice", "write 6*7,!", { gtmDist: dist });
        expect(member.stdout).toBe("42\n");
        expect(member.code).toBe(0);
        const other = await h.runMumps(root, "bob", "write 6*7,!", { gtmDist: dist });
        expect(other.code).not.toBe(0);
        expect(other.stderr).toMatch(/Permission denied/);
        expect(await root.execOk(["find", dist, "!", "-type", "l", "-perm", "/o=rwx", "-print"])).toBe("");
        expect(await root.execOk(["find", dist, "!", "-group", "gtmusers", "-print"])).toBe("");
    });

    it("keeps gtmsecshr root-owned and setuid: a member starting it gets a root gtmsecshr", async () => {
        expect((await root.execOk(["stat", "-c", "%U %G %a", `${dist}/gtmsecshr`, `${dist}/gtmsecshrdir`, `${dist}/gtmsecshrdir/gtmsecshr`])).trim().split("\n")).toEqual([
            "root gtmusers 4550",
            "root gtmusers 500",
            "root gtmusers 4500",
        ]);
        const started = await h.startGtmsecshr(root, "alice", { gtmDist: dist });
        expect(started.code).toBe(0);
        let procs: h.GtmsecshrProcess[] = [];
        for (let i = 0; i < 50 && procs.length === 0; i++) {
            procs = h.findGtmsecshr(root.dir);
            if (procs.length === 0) await h.sleep(100);
        }
        expect(procs.length).toBeGreaterThan(0);
        expect(procs.every((p) => p.runningAsRoot)).toBe(true);
        const refused = await h.startGtmsecshr(root, "bob", { gtmDist: dist });
        expect(refused.stderr).toMatch(/Permission denied/);
    });

    it("pins gtm_tmp, makes configuration databases read-only, reports database files", async () => {
        expect(await root.readFile("/etc/profile.d/mdb-hardening.sh")).toMatch(/export gtm_tmp='\/var\/tmp\/gtm'\n$/);
        expect((await root.execOk(["stat", "-c", "%U %G %a", "/var/tmp/gtm"])).trim()).toBe("root gtmusers 1770");
        expect((await root.execOk(["stat", "-c", "%a", "/data/config.dat"])).trim()).toBe("444");
        expect(item(first, "databases", "/data/config.dat")).toBe("made read-only");
        expect(first.problems).toEqual(expect.arrayContaining([
            { kind: "finding", control: "distribution", item: "member:ghost", detail: "user does not exist; not added" },
            { kind: "finding", control: "audit", item: "owner:/data/bad.dat", detail: "owner bob is not a member of the file's group alice (the GT.M/YottaDB documents advise against this)" },
            // Stand-in files, not GT.M databases: no header to read (test/root/databases.test.ts has real ones).
            { kind: "finding", control: "audit", item: "header:/data/bad.dat", detail: "owner bob is not in gtmusers and cannot run the distribution; header not read" },
            { kind: "finding", control: "audit", item: "header:/data/app.dat", detail: expect.stringMatching(/^not readable as alice with mupip dumpfhead: /) },
        ]));
        expect(first.problems.filter((p) => p.item.endsWith(":/data/app.dat")).map((p) => p.item)).toEqual(["header:/data/app.dat"]);
    });

    it("masks the optional units that exist, with their sockets and paths, and never the essentials", async () => {
        for (const unit of ["rpcbind.service", "rpcbind.socket", "cups.service", "cups.socket", "cups.path", "avahi-daemon.service", "avahi-daemon.socket", "atd.service", "snmpd.service", "gpm.service"]) {
            expect((await systemctl("is-enabled", unit)).stdout.trim(), unit).toBe("masked");
        }
        for (const unit of ["ssh.service", "nftables.service"]) {
            expect((await systemctl("is-enabled", unit)).stdout.trim(), unit).toBe("enabled");
        }
        expect(first.absent).toEqual(expect.arrayContaining(["named.service", "apache2.service", "/usr/bin/lpr"]));
        expect((await root.execOk(["stat", "-c", "%a", "/usr/bin/at"])).trim()).toBe("0");
        // Recorded with dpkg, so an upgrade of the at package keeps the mode.
        expect(await root.execOk(["dpkg-statoverride", "--list", "/usr/bin/at"])).toBe("root root 0 /usr/bin/at\n");
        expect(first.changed.filter((r) => r.item === "/usr/bin/at").map((r) => r.detail)).toEqual(["chmod 000", "dpkg-statoverride root root 0"]);
        expect(await root.readFile("/etc/cron.allow")).toBe("root\nalice\n");
    });

    it("firewall: declared peers pass, everyone else is dropped, TCP and UDP", async () => {
        await h.startListener(ns(db), "tcp", addr(db), 7000, 300_000);
        await h.startListener(ns(db), "udp", addr(db), 7001, 300_000);
        expect(await h.probe(ns(client), "tcp", addr(db), 7000)).toBe("open");
        expect(await h.probe(ns(client), "udp", addr(db), 7001)).toBe("open");
        expect(await h.probe(ns(outsider), "tcp", addr(db), 7000)).toBe("dropped");
        expect(await h.probe(ns(outsider), "udp", addr(db), 7001)).toBe("dropped");
        expect(await h.probe(ns(admin), "tcp", addr(db), 7000)).toBe("dropped");
        expect(await h.probe(ns(client), "tcp", addr(db), 22)).toBe("dropped");
        expect(await h.probe(ns(outsider), "tcp", addr(db), 9999)).toBe("dropped");
        expect((await sshd.run(ns(admin), "echo new-session")).stdout).toBe("new-session\n");
        expect(await root.readFile("/etc/nftables.conf")).toContain('\ninclude "/etc/mdb-hardening/nftables.nft"\n');
    });

    it("audit reports the undeclared listener", () => {
        expect(first.problems).toEqual(expect.arrayContaining([
            { kind: "finding", control: "audit", item: "listen:tcp/9999", detail: `listening on ${addr(db)} but not declared in the profile` },
        ]));
    });

    it("a second run changes nothing", async () => {
        const again = await apply(render(profile));
        expect(again.code).toBe(0);
        const summary = summarize(again.stdout, profile);
        expect(summary.changed).toEqual([]);
        expect(summary.changes).toBe(0);
    });

    it("reloads the firewall when its live table drifted", async () => {
        await net.execOk(ns(db), ["nft", "add", "rule", "inet", "mdb_hardening", "input", "tcp", "dport", "7000", "accept"]);
        expect(await h.probe(ns(outsider), "tcp", addr(db), 7000)).toBe("open");
        const summary = summarize((await apply(render(profile))).stdout, profile);
        expect(summary.changed.map((r) => `${r.control} ${r.item} ${r.detail}`)).toEqual(["firewall table inet mdb_hardening loaded"]);
        expect(await h.probe(ns(outsider), "tcp", addr(db), 7000)).toBe("dropped");
    });

    it("refuses, before changing anything, a firewall that would lock out the SSH client applying it", async () => {
        const lockout = gtmProfile(dist, { distribution: { path: dist, group: "gtmops" }, network: { adminCidrs: ["10.213.0.4/32"] } });
        const result = await apply(render(lockout));
        expect(result.code).toBe(2);
        expect(() => parseSummary(result.stdout)).toThrow(`host script refused: preflight firewall: the SSH client applying this (${addr(admin)}) is not in network.adminCidrs; the firewall would refuse its next connection`);
        expect((await root.exec(["getent", "group", "gtmops"])).code).toBe(2);
        expect((await sshd.run(ns(admin), "echo still-admin")).stdout).toBe("still-admin\n");
    });

    it("masks extra units the profile names, and reports one it cannot mask instead of deleting it", async () => {
        const unit = "[Unit]\nDescription=test\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n";
        await root.writeFile("/lib/systemd/system/vendor-agent.service", unit, "0644");
        await root.writeFile("/etc/systemd/system/local-agent.service", unit, "0644");
        const extra = gtmProfile(dist, { services: { cronAllow: ["root", "alice"], disable: ["vendor-agent.service", "local-agent.service"] } });
        const summary = summarize((await apply(render(extra))).stdout, extra);
        expect(summary.changed.map((r) => `${r.item} ${r.detail}`)).toEqual(["vendor-agent.service disabled -> masked"]);
        expect(summary.problems).toContainEqual({ kind: "finding", control: "services", item: "local-agent.service", detail: "could not be masked (a unit file in /etc/systemd/system?)" });
        expect((await systemctl("is-enabled", "vendor-agent.service")).stdout.trim()).toBe("masked");
        expect(await root.readFile("/etc/systemd/system/local-agent.service")).toBe(unit);
    });

    it("refuses to chgrp -R a directory that is not the distribution", async () => {
        await root.execOk(["mkdir", "-p", "/srv/not-gtm"]);
        const wrong = gtmProfile("/srv/not-gtm");
        const result = await apply(render(wrong));
        expect(result.code).toBe(2);
        expect(result.stdout).toContain("MDBH\terror\tpreflight\t/srv/not-gtm\tnot a FIS GT.M distribution: mumps missing");
    });
});

describe.skipIf(!ROOTFS)("host script interrupted at several points", () => {
    let net: h.Network;
    let reference: string;
    const copies: h.RootCopy[] = [];
    afterAll(() => h.cleanupAll());

    /** What the hardening decides: permissions under the distribution, unit states, files it writes, the live table. */
    async function endState(root: h.RootCopy, ns: string, dist: string): Promise<string> {
        const perms = await root.execOk(["find", dist, "/var/tmp/gtm", "/data", "-printf", "%p %u %g %m\n"]);
        const units = await h.runOk(["systemctl", `--root=${root.dir}`, "list-unit-files", "--no-legend", "--no-pager"]);
        const files = await Promise.all(["/etc/nftables.conf", "/etc/cron.allow", "/etc/profile.d/mdb-hardening.sh", "/etc/group"].map((f) => root.readFile(f)));
        const table = await net.execOk(ns, ["nft", "list", "table", "inet", "mdb_hardening"]);
        return [perms.split("\n").sort().join("\n"), units, ...files, table].join("\n----\n");
    }

    /** Runs the script in the copy and SIGKILLs it after `lines` report lines (undefined: to the end). */
    async function runUntil(root: h.RootCopy, ns: string, script: string, lines?: number): Promise<{ seen: number; finished: boolean }> {
        const { spawn } = await import("node:child_process");
        const argv = h.nsArgv(ns, root.chrootArgv(["bash", "-s"]));
        const child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "inherit"], detached: true });
        child.stdin.end(script);
        let seen = 0;
        let finished = false;
        let buffered = "";
        child.stdout.on("data", (b: Buffer) => {
            buffered += b.toString();
            const parts = buffered.split("\n");
            buffered = parts.pop()!;
            seen += parts.filter((l) => l.startsWith("MDBH\t")).length;
            finished ||= parts.some((l) => l.startsWith("MDBH\tsummary\t"));
            if (lines !== undefined && seen >= lines) h.killGroup(child.pid, "SIGKILL");
        });
        return new Promise((resolve) => child.on("close", () => resolve({ seen, finished })));
    }

    beforeAll(async () => {
        net = await h.createNetwork({ nodes: 5 });
        const clean = await h.createRootCopy(ROOTFS!);
        copies.push(clean);
        await populate(clean);
        const dist = h.findGtmDist(clean.dir);
        expect((await runUntil(clean, net.nodes[0].ns, render(gtmProfile(dist)))).finished).toBe(true);
        reference = await endState(clean, net.nodes[0].ns, dist);
    }, 300_000);

    for (const [i, killAfter] of [1, 5, 12, 30].entries()) {
        it(`killed after ${killAfter} report lines, a re-run reaches the same end state`, async () => {
            const root = await h.createRootCopy(ROOTFS!);
            copies.push(root);
            await populate(root);
            const dist = h.findGtmDist(root.dir);
            const script = render(gtmProfile(dist));
            const node = net.nodes[i + 1].ns;
            const killed = await runUntil(root, node, script, killAfter);
            expect(killed.seen).toBeGreaterThanOrEqual(killAfter);
            expect(killed.finished).toBe(false);
            expect((await runUntil(root, node, script)).finished).toBe(true);
            expect(await endState(root, node, dist)).toBe(reference);
            root.cleanup();
        }, 180_000);
    }
});

describe.skipIf(!ROOTFS)("IRIS configuration merge, applied the supported way, as the instance owner", () => {
    let root: h.RootCopy;
    let protectedFiles: string;
    const cpf = readFileSync(path.join(projectRoot, "test/fixtures/cpf/iris-2020.4-shard-linux.cpf"), "utf8");
    const marker = "/var/lib/mdb-hardening/iris-IRIS.merge.cpf";
    const oldMarker = "/usr/irissys/mdb-hardening.merge.cpf";
    // Stands in for the instance's `iris` command: records its calls with the calling user, reports
    // the instance running, and fails a merge while /etc/fake-iris-fail exists.
    const fakeIris = [
        "#!/bin/sh",
        'echo "$(id -un) $*" >>/var/log/fake-iris.calls',
        'case "$1" in',
        "qlist) echo 'IRIS^/usr/irissys^2024.1.0^running, since Mon Nov 23 2026^iris.cpf^1972^0^0^ok^IRIS^^' ;;",
        'merge) [ -e /etc/fake-iris-fail ] && exit 7; cp "$3" /var/log/fake-iris.merged ;;',
        "esac",
        "",
    ].join("\n");
    const irisProfile = (features: Record<string, boolean> = {}) => validateProfile({
        name: "iris-db",
        product: "iris",
        environment: "production",
        iris: { features },
        network: { adminCidrs: ["10.213.0.2/32"], appClients: ["10.213.0.0/24"], licenseServers: ["10.213.0.9/32"] },
        hardening: { firewall: false, services: false },
    });
    const runRaw = async (p: HostProfile) => root.execOk(["bash", "-s"], { input: render(p) });
    const runScript = async (p: HostProfile) => summarize(await runRaw(p), p);
    const calls = async () => (await root.readFile("/var/log/fake-iris.calls")).trim().split("\n");
    const merges = async () => (await calls()).filter((c) => c.includes(" merge "));
    const asOwner = (...argv: string[]) => root.execOk(argv, { user: "irisowner" });
    // Content, owner and mode of the files a redirected root write or read would reach.
    const snapshot = async () => (await root.execOk(["sh", "-c", "stat -c '%n %U %G %a %s' /etc/passwd /etc/shadow; sha256sum /etc/passwd /etc/shadow"]));
    const stagedFiles = () => root.execOk(["find", "/usr/irissys", "-maxdepth", "1", "-name", ".mdb-hardening.merge.cpf.*", "-printf", "%f %y\n"]);

    beforeAll(async () => {
        root = await h.createRootCopy(ROOTFS!);
        await root.addUser("irisowner");
        await root.writeFile("/usr/bin/iris", fakeIris, "0755");
        await root.execOk(["mkdir", "-p", "/usr/irissys"]);
        await root.writeFile("/usr/irissys/iris.cpf", cpf, "0644");
        await root.execOk(["chown", "-R", "irisowner:irisowner", "/usr/irissys"]);
        await root.execOk(["chmod", "0755", "/usr/irissys"]);
        for (const f of ["/var/log/fake-iris.calls", "/var/log/fake-iris.merged"]) {
            await root.writeFile(f, "", "0644");
            await root.execOk(["chown", "irisowner", f]);
        }
        // The owner's traps: the staged path and the marker of earlier versions point at /etc/passwd.
        await asOwner("ln", "-s", "/etc/passwd", "/usr/irissys/.mdb-hardening.merge.cpf.new");
        await asOwner("ln", "-s", "/etc/passwd", oldMarker);
        protectedFiles = await snapshot();
    }, 120_000);
    afterAll(() => h.cleanupAll());

    it("merges the rendered file once as the owner, records it in root's state directory, and audits iris.cpf", async () => {
        const p = irisProfile();
        const summary = await runScript(p);
        expect(summary.changed.map((r) => `${r.control} ${r.item}`)).toEqual(["iris merge"]);
        const [qlist, merge, ...rest] = await calls();
        expect([qlist, rest]).toEqual(["root qlist IRIS", []]);
        expect(merge).toMatch(/^irisowner merge IRIS \/usr\/irissys\/\.mdb-hardening\.merge\.cpf\.[A-Za-z0-9]{6}$/);
        expect(await root.readFile("/var/log/fake-iris.merged")).toBe(renderMergeFile(p));
        expect(await root.readFile(marker)).toBe(renderMergeFile(p));
        expect((await root.execOk(["stat", "-c", "%U %a", marker])).trim()).toBe("root 600");
        // The staged copy is gone; the planted symlink is left alone; the old marker (a symlink) removed.
        expect(await stagedFiles()).toBe(".mdb-hardening.merge.cpf.new l\n");
        expect((await root.exec(["test", "-L", oldMarker])).code).toBe(1);
        expect(await snapshot()).toBe(protectedFiles);
        expect(summary.cpfDeviations).toEqual(auditCpf(p, cpf, "iris.cpf"));
        expect(summary.cpfDeviations.length).toBeGreaterThan(0);
    });

    it("does not call iris merge again while the file is unchanged", async () => {
        const summary = await runScript(irisProfile());
        expect(summary.changes).toBe(0);
        expect(await calls()).toHaveLength(2);
    });

    it("merges again when the profile changes, and retries a failed merge on the next run", async () => {
        const ecp = irisProfile({ ecp: true });
        await root.writeFile("/etc/fake-iris-fail", "", "0644");
        // What a killed run would leave: removed by the next merge.
        await asOwner("touch", "/usr/irissys/.mdb-hardening.merge.cpf.Killed");
        const failed = await runScript(ecp);
        expect(failed.problems.map((r) => `${r.control} ${r.item} ${r.detail}`)).toContain("iris merge iris merge IRIS failed (exit 7); see /usr/irissys/mgr/messages.log");
        expect(await root.readFile(marker)).toBe(renderMergeFile(irisProfile()));
        expect(await stagedFiles()).toBe(".mdb-hardening.merge.cpf.new l\n");
        await root.execOk(["rm", "/etc/fake-iris-fail"]);
        const retried = await runScript(ecp);
        expect(retried.changed.map((r) => `${r.control} ${r.item}`)).toEqual(["iris merge"]);
        expect(await root.readFile(marker)).toBe(renderMergeFile(ecp));
        expect(await merges()).toHaveLength(3);
        expect(await snapshot()).toBe(protectedFiles);
    });

    it("takes the marker earlier versions kept in the installation directory as applied", async () => {
        const ecp = irisProfile({ ecp: true });
        await root.execOk(["rm", marker]);
        await root.writeFile(oldMarker, renderMergeFile(ecp), "0644");
        await root.execOk(["chown", "irisowner:irisowner", oldMarker]);
        const summary = await runScript(ecp);
        expect(summary.changes).toBe(0);
        expect(await merges()).toHaveLength(3);
        expect(await root.readFile(marker)).toBe(renderMergeFile(ecp));
        expect((await root.exec(["test", "-e", oldMarker])).code).toBe(1);
        expect((await runScript(ecp)).changes).toBe(0);
        expect(await merges()).toHaveLength(3);
    });

    it("reports iris.cpf planted as a symlink to /etc/shadow, and sends nothing of it", async () => {
        await asOwner("mv", "/usr/irissys/iris.cpf", "/usr/irissys/iris.cpf.saved");
        await asOwner("ln", "-s", "/etc/shadow", "/usr/irissys/iris.cpf");
        try {
            const p = irisProfile({ ecp: true });
            const out = await runRaw(p);
            expect(out).not.toMatch(/^MDBH\tdata\t/m);
            const shadow = (await root.readFile("/etc/shadow")).split("\n").filter((l) => l !== "");
            for (const line of shadow) expect(out).not.toContain(line);
            expect(summarize(out, p).problems).toContainEqual({ kind: "finding", control: "iris", item: "iris.cpf", detail: "/usr/irissys/iris.cpf is a symlink; not read" });
            expect(await snapshot()).toBe(protectedFiles);
        } finally {
            await root.execOk(["mv", "-f", "/usr/irissys/iris.cpf.saved", "/usr/irissys/iris.cpf"]);
        }
    });

    it("refuses a root-owned installation directory its group can write", async () => {
        await root.execOk(["chown", "root:irisowner", "/usr/irissys"]);
        await root.execOk(["chmod", "0775", "/usr/irissys"]);
        try {
            const p = irisProfile();
            const summary = summarize(await runRaw(p), p);
            expect(summary.changes).toBe(0);
            expect(summary.problems.filter((r) => r.control === "iris").map((r) => `${r.item} ${r.detail}`)).toEqual([
                expect.stringMatching(/^IRIS \/usr\/irissys is writable by others \(uid 0 gid \d+ mode 775\); IRIS part not applied$/),
            ]);
            expect(summary.cpfDeviations).toEqual([]);
            expect(await merges()).toHaveLength(3);
        } finally {
            await root.execOk(["chown", "irisowner:irisowner", "/usr/irissys"]);
            await root.execOk(["chmod", "0755", "/usr/irissys"]);
        }
    });

    it("refuses an installation directory that is a symlink", async () => {
        await root.execOk(["mv", "/usr/irissys", "/usr/irissys.real"]);
        await root.execOk(["ln", "-s", "/usr/irissys.real", "/usr/irissys"]);
        try {
            const p = irisProfile();
            const summary = summarize(await runRaw(p), p);
            expect(summary.changes).toBe(0);
            expect(summary.problems).toContainEqual({ kind: "finding", control: "iris", item: "IRIS", detail: "/usr/irissys is not a directory (or is a symlink); IRIS part not applied" });
            expect(await merges()).toHaveLength(3);
        } finally {
            await root.execOk(["rm", "/usr/irissys"]);
            await root.execOk(["mv", "/usr/irissys.real", "/usr/irissys"]);
        }
    });

    it("refuses, before any change, a root-owned installation directory under a directory another account controls", async () => {
        await root.execOk(["bash", "-c", "install -d -o irisowner /home/irisowner/opt && install -d -o root -m 755 /home/irisowner/opt/iris"]);
        const p = validateProfile({ ...irisProfile(), iris: { installDir: "/home/irisowner/opt/iris" } });
        const r = await root.exec(["bash", "-s"], { input: render(p) });
        expect(r.code).toBe(2);
        expect(parseReports(r.stdout).find((l) => l.kind === "error")).toEqual({
            kind: "error", control: "preflight", item: "/home/irisowner/opt", detail: "not controlled by root alone (owner irisowner, mode 755); refused",
        });
        expect(await snapshot()).toBe(protectedFiles);
    });
});
