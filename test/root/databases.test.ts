/**
 * The database audit on real GT.M (Debian's fis-gtm in a root copy): a database made by a member
 * with GDE and MUPIP, journaling on; each finding appears for a wrong mode or owner and goes away
 * when fixed; the live shared memory and semaphores of an open database are compared with the file.
 * Needs root; under CI a missing root fails the run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ftokSemaphoreNote, mixedAccessAdvice } from "../../components/catalog";
import { parseReports, type HostReport } from "../../components/host/summary";
import { validateProfile, type HostProfile } from "../../components/profile";
import * as h from "../helpers/host/harness";
import { render } from "../helpers/render";

const ROOTFS = h.requireRootFs("databases");

describe.skipIf(!ROOTFS)("database, journal and IPC audit on GT.M", () => {
    let root: h.RootCopy;
    let dist: string;
    let profile: HostProfile;
    const db = "/data/app.dat";
    const jnl = "/data/app.mjl";
    let gtmusers: string;

    /** Runs bash as alice (a gtmusers member) with the GT.M environment and umask 007. */
    const asAlice = (script: string) =>
        root.execOk(["bash", "-c", `umask 007; ${script}`], { user: "alice", vars: { ...h.gtmEnv(dist), gtmgbldir: "/data/app.gld" }, timeoutMs: 60_000 });
    const sh = (cmd: string) => root.execOk(["bash", "-c", cmd]);

    /** One run; its audit lines about the database, by item. */
    async function audit(): Promise<Map<string, HostReport>> {
        const result = await root.exec(["bash", "-s"], { input: render(profile), timeoutMs: 120_000 });
        expect(result.code, result.stdout + result.stderr).toBe(0);
        const lines = parseReports(result.stdout).filter((r) => r.control === "audit" && r.item.endsWith(`:${db}`));
        return new Map(lines.map((r) => [r.item.slice(0, r.item.indexOf(":")), r]));
    }
    const findings = (lines: Map<string, HostReport>) => [...lines].filter(([, r]) => r.kind === "finding").map(([k, r]) => `${k}: ${r.detail}`);

    /** Keeps the database open (one mumps process holding it) until the returned function stops it. */
    async function openDatabase(): Promise<() => Promise<void>> {
        const pid = (await asAlice(`setsid "$gtm_dist/mumps" -run %XCMD 'set ^x=1 hang 300' </dev/null >/dev/null 2>&1 & echo $!`)).trim();
        const live = async () => (await root.readFile("/proc/sysvipc/shm")).trim().split("\n").length > 1;
        for (let i = 0; i < 100 && !(await live()); i++) await h.sleep(100);
        // SIGTERM is MUPIP STOP for GT.M: the process runs the database down and removes its IPC.
        return async () => {
            await root.execOk(["kill", pid]);
            for (let i = 0; i < 100 && (await root.exec(["kill", "-0", pid])).code === 0; i++) await h.sleep(100);
        };
    }

    beforeAll(async () => {
        root = await h.createRootCopy(ROOTFS!);
        dist = h.findGtmDist(root.dir);
        await root.addGroup("gtmusers", { system: true });
        await root.addUser("alice", { groups: ["gtmusers"] });
        await root.addUser("carol");
        gtmusers = (await sh("getent group gtmusers | cut -d: -f3")).trim();
        // The directory's set-group-ID bit gives the files its group, as a site shares a database directory.
        await sh("mkdir -m 2770 /data && chown alice:gtmusers /data");
        await asAlice([
            `printf 'change -segment DEFAULT -file=${db}\\nexit\\n' | "$gtm_dist/mumps" -run GDE`,
            `"$gtm_dist/mupip" create`,
            `"$gtm_dist/mupip" set -journal="enable,on,before,file=${jnl}" -file ${db}`,
        ].join(" && "));
        profile = validateProfile({
            name: "gtm-db",
            product: "gtm",
            environment: "production",
            distribution: { path: dist, members: ["alice"], tmpDir: "/var/tmp/gtm" },
            databases: { files: [db] },
            network: { adminCidrs: ["10.213.0.2/32"] },
            hardening: { firewall: false, services: false },
        });
    }, 180_000);
    afterAll(() => h.cleanupAll());

    it("MUPIP CREATE leaves the database and its journal 0666 whatever the umask: findings", async () => {
        expect((await sh(`stat -c '%U %G %a' ${db} ${jnl}`)).trim().split("\n")).toEqual(["alice gtmusers 666", "alice gtmusers 666"]);
        expect(findings(await audit())).toEqual([
            "db: alice gtmusers 666: readable or writable by others",
            `journal: ${jnl} (alice gtmusers 666) is readable or writable by others`,
        ]);
    });

    it("reads the header as the owner: BG, the journal GT.M created, nothing live; no finding once narrowed", async () => {
        await sh(`chmod 660 ${db} ${jnl}`);
        const lines = await audit();
        expect(findings(lines)).toEqual([]);
        expect(Object.fromEntries([...lines].map(([k, r]) => [k, `${r.kind} ${r.detail}`]))).toEqual({
            db: "ok alice gtmusers 660",
            owner: "ok owner alice is in group gtmusers",
            header: "ok read as alice",
            access: "ok BG; nobody reads it without write access (mode 660)",
            journal: `ok ${jnl} alice gtmusers 660`,
            shm: "ok none live",
            sem: "ok none live",
            ftok: "ok none live",
        });
    });

    it("a database or journal open to others is a finding, gone when fixed", async () => {
        await sh(`chmod 664 ${db}`);
        let found = findings(await audit());
        expect(found).toContain("db: alice gtmusers 664: readable or writable by others");
        // Others read what owner and group write: the mixed access the documents warn of under BG.
        expect(found).toContain(`access: BG access method while some users may read it but not write it (mode 664): ${mixedAccessAdvice}`);
        await sh(`chmod 660 ${db} && chmod 666 ${jnl}`);
        found = findings(await audit());
        expect(found).toEqual([`journal: ${jnl} (alice gtmusers 666) is readable or writable by others`]);
        await sh(`chmod 660 ${jnl}`);
        expect(findings(await audit())).toEqual([]);
    });

    it("a journal whose group is not the database's is a finding, gone when fixed", async () => {
        await sh(`chgrp carol ${jnl}`);
        const carol = (await sh("getent group carol | cut -d: -f3")).trim();
        expect(findings(await audit())).toEqual([`journal: ${jnl} (alice carol 660) grants more than the database file (gid ${gtmusers} mode 660): group ${carol} has access`]);
        await sh(`chgrp gtmusers ${jnl}`);
        expect(findings(await audit())).toEqual([]);
    });

    it("an owner outside the file's group and the distribution group, or root, is a finding and its header is not read", async () => {
        await sh(`chown carol ${db}`);
        let lines = await audit();
        expect(findings(lines)).toEqual([
            "owner: owner carol is not a member of the file's group gtmusers (the GT.M/YottaDB documents advise against this)",
            "header: owner carol is not in gtmusers and cannot run the distribution; header not read",
        ]);
        await sh(`chown root ${db}`);
        lines = await audit();
        expect(lines.get("header")).toEqual({ kind: "finding", control: "audit", item: `header:${db}`, detail: "owned by root: the header is read as the owner, never as root; not read" });
        await sh(`chown alice ${db}`);
        expect(findings(await audit())).toEqual([]);
    });

    it("lists the live shared memory and semaphores: like the file's, or broader when the file was narrowed under them", async () => {
        let stop = await openDatabase();
        try {
            const lines = await audit();
            expect(findings(lines)).toEqual([]);
            expect(lines.get("shm")?.detail).toMatch(new RegExp(`^shm \\d+ gid ${gtmusers} mode 660$`));
            expect(lines.get("sem")?.detail).toMatch(new RegExp(`^sem \\d+ gid ${gtmusers} mode 660$`));
            // GT.M's ftok semaphore is always 0777: reported, not counted.
            expect(lines.get("ftok")).toMatchObject({ kind: "info" });
            // Its group is the opening process's (alice's own group), not the file's.
            const alice = (await sh("id -g alice")).trim();
            expect(lines.get("ftok")?.detail).toMatch(new RegExp(`^sem \\d+ gid ${alice} mode 777 is broader than the database file \\(gid ${gtmusers} mode 660\\): others have access, group ${alice} has access; `));
            expect(lines.get("ftok")?.detail.endsWith(ftokSemaphoreNote)).toBe(true);
        } finally {
            await stop();
        }
        // Opened while the file was 0666, the shared memory and semaphore stay 0666 after a chmod.
        await sh(`chmod 666 ${db}`);
        stop = await openDatabase();
        try {
            await sh(`chmod 660 ${db}`);
            const found = findings(await audit());
            expect(found).toEqual([
                expect.stringMatching(new RegExp(`^shm: shm \\d+ gid \\d+ mode 666 is broader than the database file \\(gid ${gtmusers} mode 660\\): others have access$`)),
                expect.stringMatching(new RegExp(`^sem: sem \\d+ gid \\d+ mode 666 is broader than the database file \\(gid ${gtmusers} mode 660\\): others have access$`)),
            ]);
        } finally {
            await stop();
        }
        const lines = await audit();
        expect(findings(lines)).toEqual([]);
        expect(lines.get("shm")?.detail).toBe("none live");
    });

    it("a BG database with a read-only group gets the MM finding; with MM it is gone", async () => {
        await sh(`chmod 640 ${db}`);
        expect(findings(await audit())).toEqual([`access: BG access method while some users may read it but not write it (mode 640): ${mixedAccessAdvice}`]);
        // MM takes no before-image journal: journal without before images, then switch (stand-alone).
        await asAlice(`"$gtm_dist/mupip" set -journal="enable,on,nobefore" -file ${db} && "$gtm_dist/mupip" set -access_method=MM -file ${db}`);
        const lines = await audit();
        expect(findings(lines)).toEqual([]);
        expect(lines.get("access")).toMatchObject({ kind: "ok", detail: "MM" });
    });
});
