/**
 * The GT.M/YottaDB recommendations beyond the group restriction, on Debian's GT.M 7.0-005 in a
 * root copy: restrict.txt (enforced by the real runtime, gated by the installed release),
 * installer parity (a-w, no setgid/sticky), the logind RemoveIPC drop-in and the dedicated
 * $gtm_tmp. YottaDB has no package here: its rendering and gating are unit-tested only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReports, parseSummary, type HostReport } from "../../components/host/summary";
import { validateProfile, type HostProfile } from "../../components/profile";
import * as h from "../helpers/host/harness";
import { diffManifest, takeManifest } from "../helpers/host/manifest";
import { heldText, render } from "../helpers/render";

const ROOTFS = h.requireRootFs("distribution recommendations");

describe.skipIf(!ROOTFS)("GT.M recommendations on Debian's GT.M 7.0-005", () => {
    let root: h.RootCopy;
    let dist: string;
    const dropIn = "/etc/systemd/logind.conf.d/mdb-hardening.conf";
    const profile = (distribution: Record<string, unknown> = {}, path = dist): HostProfile => validateProfile({
        name: "gtm-db",
        product: "gtm",
        environment: "production",
        distribution: { path, members: ["alice", "carol"], restrict: { ZSYSTEM: "gtmadmin" }, ...distribution },
        network: { adminCidrs: ["10.213.0.2/32"] },
        hardening: { firewall: false, services: false },
    });
    const run = async (p: HostProfile) => {
        const result = await root.exec(["bash", "-s"], { input: render(p), timeoutMs: 120_000 });
        const reports = parseReports(result.stdout);
        return { ...result, reports, summary: result.code === 0 ? parseSummary(result.stdout) : undefined };
    };
    const sh = (cmd: string) => root.execOk(["bash", "-c", cmd]);
    const stat = async (path: string) => (await sh(`stat -c '%U %G %a %F' -- '${path}'`)).trim();
    const line = (reports: readonly HostReport[], kind: string, control: string, item: string) => reports.find((r) => r.kind === kind && r.control === control && r.item === item)?.detail;
    // The host audit also sees the test machine's own processes and listeners; they are not this suite's.
    const ownProblems = (problems: readonly HostReport[]) => problems.filter((p) => !/^(daemon|listen):/.test(p.item));
    const zsystem = (user: string) => h.runMumps(root, user, 'zsystem "echo zsystem-ran"', { gtmDist: dist });

    beforeAll(async () => {
        root = await h.createRootCopy(ROOTFS!);
        await root.addUser("alice");
        await root.addUser("carol");
        dist = h.findGtmDist(root.dir);
    }, 180_000);
    afterAll(() => h.cleanupAll());

    it("first run: facility group created without members, restrict.txt, a-w, setgid cleared, $gtm_tmp, RemoveIPC=no", async () => {
        await sh(`chmod g+s '${dist}'`);
        const { code, reports, summary, stdout } = await run(profile());
        expect(code, stdout).toBe(0);
        expect(line(reports, "info", "MDBH-GTM-006", "release")).toBe("V7.0-005");
        expect(line(reports, "changed", "MDBH-GTM-007", "group:gtmadmin")).toBe("created without members (a facility group of restrict.txt)");
        expect((await sh("getent group gtmadmin")).trim()).toMatch(/^gtmadmin:x:\d+:$/);
        expect(await stat(`${dist}/restrict.txt`)).toBe("root gtmusers 440 regular file");
        expect(await root.readFile(`${dist}/restrict.txt`)).toBe("ZSYSTEM:gtmadmin\n");
        expect(line(reports, "changed", "MDBH-GTM-003", "chmod a-w")).toMatch(/^\d+ paths made read-only$/);
        expect(await sh(`find '${dist}' ! -type l -perm /a=w -print`)).toBe("");
        expect(line(reports, "changed", "MDBH-GTM-003", dist)).toBe("setgid/sticky cleared");
        expect(await stat(dist)).toBe("root gtmusers 550 directory");
        expect(await stat("/var/lib/gtm_tmp")).toBe("root gtmusers 1770 directory");
        expect(await root.readFile(dropIn)).toMatch(/\n\[Login\]\nRemoveIPC=no\n$/);
        expect(line(reports, "info", "MDBH-GTM-009", "RemoveIPC")).toBe("takes effect when systemd-logind restarts or at the next boot");
        expect(line(reports, "ok", "MDBH-GTM-009", "RemoveIPC")).toBe("no");
        for (const [control, item] of [["MDBH-GTM-004", "gtmsecshrdir"], ["MDBH-GTM-004", "gtmsecshrdir/gtmsecshr"], ["MDBH-GTM-007", "restrict.txt"]]) expect(line(reports, "ok", control, item), item).toBeDefined();
        expect(ownProblems(summary!.problems)).toEqual([]);
    });

    it("restrict.txt is enforced by GT.M: a member outside the facility group is refused ZSYSTEM, one inside runs it; root too needs the group", async () => {
        await sh("usermod -a -G gtmadmin carol");
        const refused = await zsystem("alice");
        expect(refused.stdout + refused.stderr).toMatch(/%GTM-E-RESTRICTEDOP/);
        expect(refused.stdout).not.toMatch(/zsystem-ran/);
        expect((await zsystem("carol")).stdout).toBe("zsystem-ran\n");
        // The runtime goes by the file's mode bits, not root's override: a 0440 file restricts root as well.
        expect((await zsystem("root")).stdout + (await zsystem("root")).stderr).toMatch(/%GTM-E-RESTRICTEDOP/);
        await sh("usermod -a -G gtmadmin root");
        const rootInGroup = await root.exec(["setpriv", "--reuid=0", "--regid=0", "--init-groups", "--", "env", ...Object.entries(h.gtmEnv(dist)).map(([k, v]) => `${k}=${v}`), `${dist}/mumps`, "-run", "%XCMD", 'zsystem "echo zsystem-ran"']);
        expect(rootInGroup.stdout).toBe("zsystem-ran\n");
        await sh("gpasswd -d root gtmadmin >/dev/null");
        // Plain M still works for the member the facility is restricted for.
        expect((await h.runMumps(root, "alice", "write 6*7,!", { gtmDist: dist })).stdout).toBe("42\n");
    });

    it("a second run changes nothing", async () => {
        const { code, summary } = await run(profile());
        expect(code).toBe(0);
        expect(summary!.changed).toEqual([]);
        expect(ownProblems(summary!.problems)).toEqual([]);
    });

    it("never changes an existing tmpDir: another owner or mode is a finding, a shared 1777 one information", async () => {
        const srv = await stat("/srv");
        expect(line((await run(profile({ tmpDir: "/srv" }))).reports, "finding", "MDBH-GTM-008", "/srv")).toBe(`exists as ${srv.replace(/ directory$/, "")}, not 1770 root gtmusers; not changed (set tmpDir to a directory of its own)`);
        expect(await stat("/srv")).toBe(srv);
        expect(line((await run(profile({ tmpDir: "/tmp" }))).reports, "info", "MDBH-GTM-008", "/tmp")).toMatch(/^a shared directory \(1777\)/);
        await run(profile());
    });

    it("the audit reads RemoveIPC as logind will: a later drop-in setting yes is a finding", async () => {
        await sh("printf '[Login]\\nRemoveIPC=yes\\n' >/etc/systemd/logind.conf.d/zz-site.conf");
        expect(line((await run(profile())).reports, "finding", "MDBH-GTM-009", "RemoveIPC")).toMatch(/^systemd-logind's RemoveIPC is yes: /);
        // The same name in /etc hides the one in /usr/lib.
        await sh("mkdir -p /usr/lib/systemd/logind.conf.d && mv /etc/systemd/logind.conf.d/zz-site.conf /usr/lib/systemd/logind.conf.d/ && printf '[Login]\\n' >/etc/systemd/logind.conf.d/zz-site.conf");
        expect(line((await run(profile())).reports, "ok", "MDBH-GTM-009", "RemoveIPC")).toBe("no");
        await sh("rm /etc/systemd/logind.conf.d/zz-site.conf /usr/lib/systemd/logind.conf.d/zz-site.conf");
    });

    it("audits what gtmsecshr's wrapper checks: its directory root's without a bit of 0277, the helper root's and setuid", async () => {
        // The apply restores both before the audit runs, so the audit function is run on its own here.
        const script = heldText(render(profile()));
        const auditOnly = `${script.slice(0, script.lastIndexOf("\n# reads: "))}\nsecshr_audit\n`;
        const secshr = async () => parseReports((await root.exec(["bash", "-s"], { input: auditOnly })).stdout).map((r) => `${r.kind} ${r.item} ${r.detail}`);
        expect(await secshr()).toEqual(["ok gtmsecshrdir root 500", "ok gtmsecshrdir/gtmsecshr root 4500"]);
        await sh(`chmod 0510 '${dist}/gtmsecshrdir' && chmod 0500 '${dist}/gtmsecshrdir/gtmsecshr'`);
        expect(await secshr()).toEqual([
            "finding gtmsecshrdir root 510: the wrapper refuses a directory not root's or with any bit of 0277",
            "finding gtmsecshrdir/gtmsecshr root 500: the wrapper refuses a helper not root's and setuid, or group/world-writable",
        ]);
        expect(line((await run(profile())).reports, "changed", "MDBH-GTM-004", `${dist}/gtmsecshrdir/gtmsecshr`)).toBe("root gtmusers 500 -> root gtmusers 4500");
        expect(await secshr()).toEqual(["ok gtmsecshrdir root 500", "ok gtmsecshrdir/gtmsecshr root 4500"]);
    });

    it("refuses a declared release other than the installed one, before any change", async () => {
        const before = await takeManifest(root, [dist]);
        const { code, reports } = await run(profile({ version: "V7.0-004", restrict: { ZSYSTEM: "gtmadmin", DSE: "gtmadmin" } }));
        expect(code).toBe(2);
        expect(line(reports, "error", "MDBH-GTM-006", dist)).toBe("is FIS GT.M V7.0-005, the profile declares V7.0-004; refused");
        expect(diffManifest(before, await takeManifest(root, [dist]))).toEqual([]);
    });

    it("refuses a line the installed release cannot parse (a stand-in distribution of V6.3-002), before any change", async () => {
        // GT.M 7.0-005 knows every keyword; the stand-in's library carries an older release name.
        const old = "/opt/gtm-old";
        await sh(`mkdir -p ${old}/gtmsecshrdir && for f in mumps gtmsecshr gtmsecshrdir/gtmsecshr; do echo stand-in >${old}/$f; done && printf '\\177ELF...GT.M V6.3-002 Linux x86_64\\0...' >${old}/libgtmshr.so`);
        const before = await takeManifest(root, [old]);
        const halt = await run(profile({ restrict: { HALT: "gtmops" } }, old));
        expect(halt.code).toBe(2);
        expect(line(halt.reports, "error", "MDBH-GTM-007", `${old}/restrict.txt`)).toBe('"HALT:gtmops" needs GT.M V6.3-003 or later; installed: V6.3-002 (GT.M V6.3-002), which cannot parse it and would restrict every facility for everyone; nothing written');
        const punctuated = await run(profile({ restrict: { ZSYSTEM: "gtm-ops" } }, old));
        expect(line(punctuated.reports, "error", "MDBH-GTM-007", `${old}/restrict.txt`)).toMatch(/^"ZSYSTEM:gtm-ops" needs GT.M V6.3-013 or later; installed: V6.3-002/);
        expect(diffManifest(before, await takeManifest(root, [old]))).toEqual([]);
        // A keyword that release knows passes the same gate.
        const zsys = await run(profile({ restrict: { ZSYSTEM: "gtmadmin" } }, old));
        expect(zsys.code, zsys.stdout).toBe(0);
        expect(await root.readFile(`${old}/restrict.txt`)).toBe("ZSYSTEM:gtmadmin\n");
        await sh(`rm -rf ${old}`);
    });

    it("repairs a restrict.txt that restricts everything (an unknown group) or ZCMDLINE: reading the release runs no M", async () => {
        await sh(`chmod u+w '${dist}/restrict.txt' && echo ZSYSTEM:nosuchgroup >'${dist}/restrict.txt'`);
        expect((await h.runMumps(root, "carol", "write 6*7,!", { gtmDist: dist })).stdout).not.toBe("42\n");
        const repaired = await run(profile({ restrict: { ZSYSTEM: "gtmadmin", ZCMDLINE: "gtmadmin" } }));
        expect(repaired.code, repaired.stdout).toBe(0);
        expect(line(repaired.reports, "info", "MDBH-GTM-006", "release")).toBe("V7.0-005");
        expect(await root.readFile(`${dist}/restrict.txt`)).toBe("ZSYSTEM:gtmadmin\nZCMDLINE:gtmadmin\n");
        // With ZCMDLINE restricted, %XCMD runs nothing for alice: a release probe through M would now fail.
        expect((await h.runMumps(root, "alice", "write 6*7,!", { gtmDist: dist })).stdout).toBe("");
        expect((await run(profile({ restrict: { ZSYSTEM: "gtmadmin", ZCMDLINE: "gtmadmin" } }))).summary?.changed).toEqual([]);
        await run(profile());
    });

    it("a restrict emptied in the profile removes the file it wrote, and only an unchanged one", async () => {
        await run(profile());
        const emptied = await run(profile({ restrict: {} }));
        expect(line(emptied.reports, "changed", "MDBH-GTM-007", `${dist}/restrict.txt`)).toBe("removed (restrict is empty in the profile)");
        expect(await sh(`ls -A '${dist}/restrict.txt' /var/lib/mdb-hardening/restrict.written 2>/dev/null || true`)).toBe("");
        expect((await run(profile({ restrict: {} }))).summary?.changed).toEqual([]);

        await run(profile());
        await sh(`chmod u+w '${dist}/restrict.txt' && echo DSE:gtmadmin >>'${dist}/restrict.txt' && chmod 440 '${dist}/restrict.txt'`);
        const edited = await run(profile({ restrict: {} }));
        expect(line(edited.reports, "finding", "MDBH-GTM-007", `${dist}/restrict.txt`)).toBe("changed since mdb-hardening wrote it; left alone although restrict is empty in the profile");
        expect(await root.readFile(`${dist}/restrict.txt`)).toBe("ZSYSTEM:gtmadmin\nDSE:gtmadmin\n");
        // Back to the profile's restrict: the edited file is rewritten to what it declares.
        const repaired = await run(profile());
        expect(line(repaired.reports, "changed", "MDBH-GTM-007", `${dist}/restrict.txt`)).toBe("written");
        expect(await root.readFile(`${dist}/restrict.txt`)).toBe("ZSYSTEM:gtmadmin\n");
    });

    it("verifies the distribution's checksums on request: with dpkg for the package, with the installer's log for an installer-built copy", async () => {
        const deep = (path = dist) => run(profile({ verifyIntegrity: true }, path));
        // The modes this script changed (o-rwx, a-w, gtmsecshr) are not judged, only contents.
        expect(line((await deep()).reports, "ok", "MDBH-GTM-017", "integrity")).toBe("checksums match fis-gtm-7.0:amd64 (dpkg --verify)");
        const changed = `${dist}/_DATE.m`;
        await sh(`cp -a '${changed}' /root/_DATE.m && echo ' ; changed' >>'${changed}'`);
        expect(line((await deep()).reports, "finding", "MDBH-GTM-017", `integrity:${changed}`)).toBe("modified: its checksum differs from fis-gtm-7.0:amd64's");
        await sh(`cp -a /root/_DATE.m '${changed}'`);
        expect((await run(profile())).summary?.changed).toEqual([]);

        // Installed elsewhere by an installer: its log names the paths it was installed at.
        const copy = "/opt/gtm-installed";
        const log = `${copy}/install_sha256_checksum.log`;
        await sh(`cp -a '${dist}' ${copy} && cd ${copy} && find . -type f ! -name install_sha256_checksum.log -printf '%P\\0' | xargs -0 sha256sum | sed 's|^\\([0-9a-f]*\\)  \\(.*\\)$|SHA256(/usr/local/stage/V7.0-005/\\2)= \\1|' >${log}`);
        expect(line((await deep(copy)).reports, "ok", "MDBH-GTM-017", "integrity")).toMatch(new RegExp(`^checksums of \\d{3} files match ${log}$`));
        await sh(`echo ' ; changed' >>${copy}/_DATE.m && rm ${copy}/_DH.m`);
        const findings = (await deep(copy)).reports.filter((r) => r.kind === "finding" && r.item.startsWith("integrity:")).map((r) => `${r.item} ${r.detail}`);
        expect(findings.sort()).toEqual([`integrity:${copy}/_DATE.m FAILED against ${log}`, `integrity:${copy}/_DH.m FAILED open or read against ${log}`]);
        await sh(`rm -rf ${copy}`);
    });
});
