/**
 * The host script where another account owns files: each attack is prepared by an unprivileged
 * user (mallory) inside a root copy; the script must refuse before changing anything (an error
 * line, exit 2) or do its work without reaching anything outside what the profile declares.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validateProfile, type HostProfile } from "../../components/profile";
import * as h from "../helpers/host/harness";
import { diffManifest, takeManifest, type Manifest } from "../helpers/host/manifest";
import { render } from "../helpers/render";

const ROOTFS = h.requireRootFs("hostile host");

describe.skipIf(!ROOTFS)("host script on a host where others own files", () => {
    let root: h.RootCopy;
    let dist: string;
    let pristine: string;
    const tmpDir = "/var/tmp/gtm";
    const profile = (overrides: Record<string, unknown> = {}): HostProfile => validateProfile({
        name: "gtm-db",
        product: "gtm",
        environment: "production",
        distribution: { path: dist, members: ["alice"], tmpDir },
        databases: { readOnly: ["/data/config.dat"], files: ["/data/app.dat"] },
        network: { adminCidrs: ["10.213.0.2/32"] },
        hardening: { firewall: false, services: false },
        ...overrides,
    });
    const run = (p: HostProfile = profile()) => root.exec(["bash", "-s"], { input: render(p), timeoutMs: 120_000 });
    const asMallory = (cmd: string) => root.execOk(["bash", "-c", cmd], { user: "mallory" });
    const sh = (cmd: string) => root.execOk(["bash", "-c", cmd]);
    const stat = async (...paths: string[]) => (await root.execOk(["stat", "-c", "%U %G %a %F", "--", ...paths])).trim().split("\n");
    // What a successful run may change: group files, the declared paths, its own state, profile.d file and logind drop-in.
    const allowed = () => ["/etc/group", "/etc/gshadow", "/etc/group-", "/etc/gshadow-", "/etc/profile.d/mdb-hardening.sh", "/etc/systemd/logind.conf.d", dist, tmpDir, "/data/config.dat", "/var/lib/mdb-hardening"];
    const declared = () => [dist, tmpDir, "/data", "/var/lib/mdb-hardening"];
    let before: Manifest;

    /** Refused before any change: exit 2, the error line naming the path, and an unchanged manifest. */
    async function expectRefused(p: HostProfile, error: string | RegExp): Promise<void> {
        const result = await run(p);
        expect(result.code, result.stdout + result.stderr).toBe(2);
        expect(result.stdout.split("\n").find((l) => l.startsWith("MDBH\terror\t"))).toMatch(error);
        expect(diffManifest(before, await takeManifest(root, declared()))).toEqual([]);
    }

    /** Puts back the pristine distribution and removes whatever an attack or a run left. */
    async function restore(manifest = true): Promise<void> {
        const parent = dist.replace(/\/[^/]+$/, "");
        await root.execOk(["bash", "-c", 'rm -rf -- "$1" "$2" /var/lib/mdb-hardening /etc/profile.d/mdb-hardening.sh /etc/systemd/logind.conf.d /etc/sudoers.d/ops /data/m && cp -a -- "$3" "$1" && chown root "$4" && chmod 664 /data/config.dat && { groupdel gtmusers 2>/dev/null || true; }', "restore", dist, tmpDir, pristine, parent]);
        if (manifest) before = await takeManifest(root, declared());
    }

    beforeAll(async () => {
        root = await h.createRootCopy(ROOTFS!);
        await root.addUser("alice");
        await root.addUser("mallory");
        dist = h.findGtmDist(root.dir);
        pristine = "/root/pristine-dist";
        await sh(`cp -a -- '${dist}' ${pristine} && mkdir -p /data && echo config >/data/config.dat && echo app >/data/app.dat && chmod 664 /data/config.dat && chown alice:alice /data/app.dat`);
    }, 180_000);
    beforeEach(() => restore(), 60_000);
    afterAll(() => h.cleanupAll());

    it("refuses a distribution directory the user can write (a planted gtmsecshr would become setuid root)", async () => {
        await sh(`mkdir '${dist}/extra' && chown mallory '${dist}/extra'`);
        await asMallory(`cp /bin/bash '${dist}/extra/gtmsecshr'`);
        await snapshot();
        await expectRefused(profile(), new RegExp(`^MDBH\terror\tMDBH-HOST-003\t${esc(dist)}/extra\tnot controlled by root alone \\(owner mallory, mode 755\\); refused$`));
        expect(await stat(`${dist}/extra/gtmsecshr`)).toEqual(["mallory mallory 755 regular file"]);
    });

    it("refuses an ancestor of the distribution the user owns", async () => {
        const parent = dist.replace(/\/[^/]+$/, "");
        await sh(`chown mallory '${parent}'`);
        await snapshot();
        await expectRefused(profile(), new RegExp(`^MDBH\terror\tMDBH-HOST-003\t${esc(parent)}\tnot controlled by root alone \\(owner mallory, mode 755\\)`));
    });

    it("a root-planted extra gtmsecshr and hard links to /etc/shadow and sudo are findings, left alone", async () => {
        await sh(`mkdir '${dist}/extra' && cp /bin/bash '${dist}/extra/gtmsecshr' && mkdir '${dist}/extra/gtmsecshrdir' && ln /etc/shadow '${dist}/extra/shadow' && ln /usr/bin/sudo '${dist}/extra/sudo'`);
        await snapshot();
        const result = await run();
        expect(result.code, result.stdout + result.stderr).toBe(0);
        for (const [control, p, detail] of [["MDBH-GTM-005", "extra/gtmsecshr", "not the vendor's gtmsecshr; left alone"], ["MDBH-GTM-005", "extra/gtmsecshrdir", "not the vendor's gtmsecshr; left alone"], ["MDBH-GTM-002", "extra/shadow", `has hard links outside ${dist}; left alone`], ["MDBH-GTM-002", "extra/sudo", `has hard links outside ${dist}; left alone`]]) {
            expect(result.stdout).toContain(`MDBH\tfinding\t${control}\t${dist}/${p}\t${detail}\n`);
        }
        // The planted copy gets what the whole tree gets (o-rwx, a-w), never setuid.
        expect(await stat(`${dist}/extra/gtmsecshr`, "/etc/shadow", "/usr/bin/sudo")).toEqual(["root gtmusers 550 regular file", "root shadow 640 regular file", "root root 4755 regular file"]);
        expect(await stat(`${dist}/gtmsecshr`, `${dist}/gtmsecshrdir/gtmsecshr`, `${dist}/utf8/gtmsecshr`)).toEqual(["root gtmusers 4550 regular file", "root gtmusers 4500 regular file", "root gtmusers 4550 regular file"]);
        expect(diffManifest(before, await takeManifest(root, declared()), allowed())).toEqual([]);
    });

    it("refuses read-only database and database file entries that are symbolic links", async () => {
        await sh("mkdir -p /data/m && chown mallory /data/m");
        await asMallory("ln -s /etc/passwd /data/m/ro.dat && ln -s /etc/shadow /data/m/db.dat");
        await snapshot();
        await expectRefused(profile({ databases: { readOnly: ["/data/m/ro.dat"] } }), /^MDBH\terror\tMDBH-GTM-011\t\/data\/m\/ro\.dat\tdeclared read-only database is a symbolic link; refused$/);
        await expectRefused(profile({ databases: { files: ["/data/m/db.dat"] } }), /^MDBH\terror\tMDBH-GTM-012\t\/data\/m\/db\.dat\tdeclared database file is a symbolic link; refused$/);
    });

    it("refuses a state directory another user created first, with a lock symlink in it", async () => {
        await sh("mkdir -m 0755 /var/lib/mdb-hardening && chown mallory /var/lib/mdb-hardening");
        await asMallory("ln -s /etc/passwd /var/lib/mdb-hardening/lock");
        await snapshot();
        await expectRefused(profile(), /^MDBH\terror\tMDBH-HOST-004\t\/var\/lib\/mdb-hardening\tmust be a root-owned directory of mode 0700 \(is mallory 755 directory\); refused$/);
    });

    it("refuses a tmpDir the user owns, and a sudoers line naming the group", async () => {
        await asMallory(`mkdir ${tmpDir}`);
        await snapshot();
        await expectRefused(profile(), new RegExp(`^MDBH\terror\tMDBH-HOST-003\t${tmpDir}\texists and is not a root-owned directory \\(mallory 755 directory\\); refused$`));
        await sh(`rm -rf ${tmpDir} && echo '%gtmusers ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/ops && chmod 440 /etc/sudoers.d/ops`);
        await snapshot();
        await expectRefused(profile(), /^MDBH\terror\tMDBH-GTM-010\t\/etc\/sudoers\.d\/ops\tnames the distribution group gtmusers \(%gtmusers\)/);
        // A file pulled in with @include is read too; a group named only in a trailing comment is not a grant.
        await sh("echo 'alice ALL=(ALL) ALL # not %gtmusers' >/etc/sudoers.d/ops && echo '%gtmusers ALL=(ALL) ALL' >/etc/sudoers.extra && chmod 440 /etc/sudoers.extra && cp /etc/sudoers /root/sudoers.saved && echo '@include /etc/sudoers.extra' >>/etc/sudoers");
        await snapshot();
        await expectRefused(profile(), /^MDBH\terror\tMDBH-GTM-010\t\/etc\/sudoers\.extra\tnames the distribution group gtmusers \(%gtmusers\)/);
        await sh("cp /root/sudoers.saved /etc/sudoers && rm -f /etc/sudoers.extra");
        expect((await run()).code).toBe(0);
    });

    it("a process racing a symlink at tmpDir under sticky /var/tmp for 3 s never redirects the script", async () => {
        const racer = root.exec(["bash", "-c", `end=$((SECONDS + 3)); while [ $SECONDS -lt $end ]; do ln -sfn /etc ${tmpDir} 2>/dev/null; rm -f ${tmpDir} 2>/dev/null; done; true`], { user: "mallory", timeoutMs: 30_000 });
        const codes: (number | null)[] = [];
        const start = Date.now();
        while (Date.now() - start < 3_000) {
            const r = await run();
            codes.push(r.code);
            if (r.code !== 0 && r.code !== 2) console.error(r.stdout, r.stderr);
        }
        await racer;
        codes.push((await run()).code);
        expect(codes.every((c) => c === 0 || c === 2), codes.join(",")).toBe(true);
        expect(codes.at(-1)).toBe(0);
        expect(await stat("/etc", tmpDir)).toEqual(["root root 755 directory", "root gtmusers 1770 directory"]);
        expect(diffManifest(before, await takeManifest(root, declared()), allowed())).toEqual([]);
    }, 60_000);

    it("killed at every command of the distribution part in turn, never leaves GT.M runnable by others without setuid gtmsecshr; a re-run converges", async () => {
        // A DEBUG trap (inherited by functions with set -T) counts the commands run inside
        // distribution_apply, report printing and the mode gate aside (they change nothing), and
        // SIGKILLs the script at command K.
        const killAt = (k: number) => render(profile()).replace("\nset -euo pipefail\n", `\nset -euo pipefail\nset -T; mdbh_k=0; trap 'case " \${FUNCNAME[*]} " in *" distribution_apply "*) case "\${FUNCNAME[0]}" in say | escape_field | ok | changed | finding | will_change | applying) ;; *) mdbh_k=$((mdbh_k + 1)); [ "$mdbh_k" != ${k} ] || kill -9 $$ ;; esac ;; esac' DEBUG\ntrap 'echo "mdbh-count $mdbh_k" >&2' EXIT\n`);
        const endState = () => root.execOk(["bash", "-c", 'find "$1" "$2" -printf "%p %y %u %g %m\\n" | sort; getent group gtmusers', "end", dist, tmpDir]);
        const exposed = async () => {
            const [d, m, s] = await stat(dist, `${dist}/mumps`, `${dist}/gtmsecshr`);
            const others = (x: string) => parseInt(x.split(" ")[2], 8) & 0o001;
            const setuidRoot = s.startsWith("root ") && (parseInt(s.split(" ")[2], 8) & 0o4000) !== 0;
            return others(d) !== 0 && others(m) !== 0 && !setuidRoot;
        };
        const full = await run(profile());
        expect(full.code).toBe(0);
        const reference = await endState();
        const counted = await root.exec(["bash", "-s"], { input: killAt(0), timeoutMs: 60_000 });
        const total = Number(/mdbh-count (\d+)/.exec(counted.stderr)?.[1]);
        expect(total).toBeGreaterThan(10);
        console.log(`distribution part: ${total} commands, killed at each`);
        for (let k = 1; k <= total; k++) {
            await restore(false);
            const killed = await root.exec(["bash", "-s"], { input: killAt(k), timeoutMs: 60_000 });
            expect(killed.code, `k=${k}`).not.toBe(0);
            expect(await exposed(), `k=${k}: others can run mumps while gtmsecshr is not setuid root`).toBe(false);
            expect((await run()).code, `k=${k}`).toBe(0);
            expect(await endState(), `k=${k}`).toBe(reference);
        }
    }, 900_000);

    /** The manifest the run is compared with, taken once the attack is prepared. */
    async function snapshot(): Promise<void> {
        before = await takeManifest(root, declared());
    }
});

function esc(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
