/**
 * Check mode on a real root: `check` changes nothing (the whole root filesystem and the live
 * nftables ruleset identical before and after, on a fresh host and on a drifted one) and reports
 * as would-change exactly what the next apply changes; each drift scenario is detected with its
 * control id and repaired by apply, after which a check finds nothing to change. Needs root;
 * under CI a missing root fails the run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReports, parseSummary, type HostReport, type HostRun } from "../../components/host/summary";
import { validateProfile, type HostProfile } from "../../components/profile";
import * as h from "../helpers/host/harness";
import { diffManifest, takeRootManifest } from "../helpers/host/manifest";
import { render } from "../helpers/render";

const ROOTFS = h.requireRootFs("check mode");

const key = (r: HostReport) => `${r.control} ${r.item}`;
const keys = (reports: readonly HostReport[]) => reports.map(key).sort();

describe.skipIf(!ROOTFS)("check mode on a real root, over SSH", () => {
    let net: h.Network;
    let root: h.RootCopy;
    let sshd: h.Sshd;
    let dist: string;
    let profile: HostProfile;
    let script: string;
    const input = (adminCidrs: string[]) => ({
        name: "gtm-check",
        product: "gtm",
        environment: "production",
        distribution: { path: dist, members: ["alice"], restrict: { ZSYSTEM: "gtmadmin" } },
        network: { adminCidrs },
        services: { cronAllow: ["root", "alice"] },
    });
    const [db, admin] = [0, 1];
    const ns = (i: number) => net.nodes[i].ns;
    const run = (args: string, p = profile) => sshd.run(ns(admin), `bash -s -- ${args}`, { input: p === profile ? script : render(p), timeoutMs: 180_000 });
    const runOk = async (args: string): Promise<HostRun> => {
        const result = await run(args);
        expect(result.code, result.stdout + result.stderr).toBe(0);
        return parseSummary(result.stdout);
    };
    const sh = (cmd: string) => root.execOk(["bash", "-c", cmd]);
    const ruleset = () => net.execOk(ns(db), ["nft", "list", "ruleset"]);
    /** The paths an SSH session changes by itself (login records): measured, so nothing else is excused. */
    let sessionPaths: string[] = [];
    const pathOf = (entry: string) => entry.slice(0, entry.indexOf("\t"));
    const adminPath = (result: h.ExecResult) => parseReports(result.stdout).find((r) => r.kind === "ok" && r.control === "MDBH-FW-003")?.detail;

    /** Runs `check`, proving it changed nothing: root filesystem and live ruleset identical. */
    async function checkChangesNothing(): Promise<HostRun> {
        const [before, rulesBefore] = [await takeRootManifest(root), await ruleset()];
        const summary = await runOk("check");
        const changed = diffManifest(before, await takeRootManifest(root)).filter((d) => !sessionPaths.includes(pathOf(d)));
        expect(changed).toEqual([]);
        expect(await ruleset()).toBe(rulesBefore);
        return summary;
    }

    beforeAll(async () => {
        net = await h.createNetwork({ nodes: 2 });
        root = await h.createRootCopy(ROOTFS!);
        await root.addUser("alice");
        sshd = await h.startSshd(net, net.nodes[db], root);
        dist = h.findGtmDist(root.dir);
        profile = validateProfile(input([`${net.nodes[admin].addr}/32`]));
        script = render(profile);
        const before = await takeRootManifest(root);
        await sshd.runOk(ns(admin), "true");
        sessionPaths = diffManifest(before, await takeRootManifest(root)).map(pathOf);
    }, 300_000);
    afterAll(() => h.cleanupAll());

    let fresh: HostRun;

    it("on a fresh host changes nothing, creates no state directory, and lists what an apply would change", async () => {
        fresh = await checkChangesNothing();
        expect(sessionPaths.every((p) => /^\/(var\/log|run)(\/|$)/.test(p)), sessionPaths.join(" ")).toBe(true);
        expect(fresh.mode).toBe("check");
        expect(fresh.changed).toEqual([]);
        expect(fresh.wouldChange).toBe(fresh.pending.length);
        expect(fresh).not.toHaveProperty("token");
        expect(keys(fresh.pending)).toEqual(expect.arrayContaining(["MDBH-GTM-001 group:gtmusers", "MDBH-GTM-001 member:alice", "MDBH-GTM-002 chmod", "MDBH-GTM-002 chgrp", "MDBH-FW-001 table inet mdb_hardening", "MDBH-SVC-001 cups.service", "MDBH-SVC-004 /etc/cron.allow"]));
        expect((await root.exec(["test", "-e", "/var/lib/mdb-hardening"])).code).toBe(1);
        // No table of ours is loaded yet: the probe is loaded into a network namespace of its own.
        expect(adminPath(await run("check"))).toBe(`${net.nodes[admin].addr} is in adminCidrs (asked of the probe in a network namespace of its own)`);
    }, 300_000);

    it("an apply then changes exactly what the check listed, records its token, and the next check finds nothing", async () => {
        const applied = await runOk("apply release-1");
        expect(applied.mode).toBe("apply");
        expect(keys(applied.changed)).toEqual(keys(fresh.pending));
        expect(await root.readFile("/var/lib/mdb-hardening/token")).toBe("release-1\n");
        const after = await checkChangesNothing();
        expect(after.pending).toEqual([]);
        expect(after.token).toBe("release-1");
        expect(adminPath(await run("check"))).toBe(`${net.nodes[admin].addr} is in adminCidrs (asked of the table in force)`);
    }, 300_000);

    it("drift mode leaves out the deep checks and takes about a second of host time", async () => {
        const real: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < 5; i++) {
            const timed = await sshd.run(ns(admin), `TIMEFORMAT='host-seconds %R %U %S'; time bash -s -- drift`, { input: script, timeoutMs: 60_000 });
            expect(timed.code).toBe(0);
            expect(parseSummary(timed.stdout)).toMatchObject({ mode: "drift", wouldChange: 0 });
            const [, r, u, s] = /host-seconds ([\d.]+) ([\d.]+) ([\d.]+)/.exec(timed.stderr)!.map(Number);
            real.push(r);
            cpu.push(u + s);
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2];
        console.log(`drift: median ${median(real)} s elapsed, ${median(cpu).toFixed(2)} s CPU (user+system) on the host, over 5 runs (elapsed ${Math.min(...real)}–${Math.max(...real)} s)`);
        // CPU time does not grow with the load other suites put on the machine; elapsed time does.
        expect(median(cpu)).toBeLessThan(1);
    });

    // Each: the drift, what a check must report as would-change (control item) — exactly what the
    // apply then changes —, and the audit's finding about it where the audit looks at it.
    const scenarios: { name: string; drift: () => Promise<unknown>; pending: () => string[]; finding?: () => string }[] = [
        { name: "a unit unmasked", drift: () => h.runOk(["systemctl", `--root=${root.dir}`, "unmask", "cups.service"]), pending: () => ["MDBH-SVC-001 cups.service"], finding: () => "MDBH-SVC-001 unit:cups.service" },
        {
            name: "the distribution chmod -R o+rx",
            drift: () => sh(`chmod -R o+rx '${dist}'`),
            pending: () => ["MDBH-GTM-002 chmod"],
            finding: () => "MDBH-GTM-002 distribution",
        },
        { name: "gtmsecshr's setuid bit removed", drift: () => sh(`chmod u-s '${dist}/gtmsecshr'`), pending: () => [`MDBH-GTM-004 ${dist}/gtmsecshr`] },
        { name: "the nft table deleted", drift: () => net.execOk(ns(db), ["nft", "delete", "table", "inet", "mdb_hardening"]), pending: () => ["MDBH-FW-001 table inet mdb_hardening"] },
        { name: "restrict.txt edited", drift: () => sh(`echo ZBREAK >>'${dist}/restrict.txt'`), pending: () => [`MDBH-GTM-007 ${dist}/restrict.txt`], finding: () => "MDBH-GTM-007 restrict.txt" },
        { name: "cron.allow removed", drift: () => sh("rm /etc/cron.allow"), pending: () => ["MDBH-SVC-004 /etc/cron.allow"] },
    ];

    for (const s of scenarios) {
        it(`${s.name}: check reports it with its control id, apply repairs it, the next check finds nothing`, async () => {
            await s.drift();
            const found = await runOk("check");
            expect(keys(found.pending)).toEqual(s.pending().sort());
            if (s.finding) expect(keys(found.problems)).toContain(s.finding());
            const repaired = await runOk("apply");
            expect(keys(repaired.changed)).toEqual(s.pending().sort());
            expect((await runOk("check")).pending).toEqual([]);
        }, 120_000);
    }

    it("on a drifted host changes nothing either, and reports every drift at once", async () => {
        for (const s of scenarios) await s.drift();
        const drifted = await checkChangesNothing();
        expect(keys(drifted.pending)).toEqual([...new Set(scenarios.flatMap((s) => s.pending()))].sort());
        await runOk("apply");
        expect((await runOk("check")).pending).toEqual([]);
    }, 300_000);

    it("refuses, with an error line and no change, a profile whose firewall would lock out the SSH client", async () => {
        const lockout = validateProfile(input(["10.213.0.200/32"]));
        const [before, rulesBefore] = [await takeRootManifest(root), await ruleset()];
        const result = await run("check", lockout);
        expect(result.code).toBe(2);
        expect(parseReports(result.stdout).filter((r) => r.kind === "error").map(key)).toEqual(["MDBH-FW-003 admin-path"]);
        expect(diffManifest(before, await takeRootManifest(root)).filter((d) => !sessionPaths.includes(pathOf(d)))).toEqual([]);
        expect(await ruleset()).toBe(rulesBefore);
    }, 120_000);

    it("refuses an unknown mode and a malformed token before any change (exit 2)", async () => {
        for (const [args, item] of [["repair", "arguments"], ["apply 'bad;token'", "token"]]) {
            const result = await run(args);
            expect(result.code, args).toBe(2);
            expect(parseReports(result.stdout).map((r) => `${r.kind} ${key(r)}`)).toEqual([`error MDBH-HOST-005 ${item}`]);
        }
        expect(await root.readFile("/var/lib/mdb-hardening/token")).toBe("release-1\n");
    });
});
