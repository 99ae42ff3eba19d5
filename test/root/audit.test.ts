/**
 * `mdb-hardening audit --ssh` against the harness's sshd: the connection path with the system
 * OpenSSH client, run from an admin namespace. ssh reads its configuration from a file a wrapper on
 * PATH hands it (`-F`): the generated host key in known_hosts, StrictHostKeyChecking yes, as a
 * user's ~/.ssh/config would set them. Each case is exit 3 naming the target, for a reason only a
 * real session shows: nothing listening, a host key that does not match, a user sudo refuses (the
 * key authenticated, the remote command ran; the script never ran as root).
 * Needs root; under CI a missing root fails the run.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as h from "../helpers/host/harness";
import { projectRoot } from "../helpers/example";

const ROOTFS = h.requireRootFs("audit over ssh");

describe.skipIf(!ROOTFS)("mdb-hardening audit over ssh, against a real sshd", () => {
    let net: h.Network, root: h.RootCopy, sshd: h.Sshd;
    const work = mkdtempSync(path.join(tmpdir(), "mdbh-audit-root-"));
    const profile = path.join(work, "gtm.yaml");
    const config = path.join(work, "ssh_config");

    /** The CLI in the admin namespace, ssh configured by `knownHosts`. */
    const audit = (target: string, knownHosts: string, ...options: string[]) => {
        writeFileSync(config, `StrictHostKeyChecking yes\nUserKnownHostsFile ${knownHosts}\nConnectTimeout 5\n`);
        return h.run(h.nsArgv(net.nodes[1].ns, [
            process.execPath, "-r", "ts-node/register/transpile-only", "bin/mdb-hardening.ts", "audit", profile, "--ssh", target, "--identity", sshd.clientKey, ...options,
        ]), { cwd: projectRoot, env: { ...h.BASE_ENV, PATH: `${path.join(work, "bin")}:${h.BASE_ENV.PATH}` }, timeoutMs: 120_000 });
    };

    beforeAll(async () => {
        net = await h.createNetwork({ nodes: 2 });
        root = await h.createRootCopy(ROOTFS!);
        sshd = await h.startSshd(net, net.nodes[0], root);
        await root.addUser("auditor", { createHome: true, shell: "/bin/bash" });
        await sshd.authorize("auditor");
        writeFileSync(profile, `name: gtm-1\nproduct: gtm\nenvironment: production\ndistribution: { path: /usr/lib/x86_64-linux-gnu/fis-gtm/V7.0-005_x86_64 }\nnetwork: { adminCidrs: [10.213.0.0/24] }\n`);
        const bin = path.join(work, "bin");
        mkdirSync(bin);
        writeFileSync(path.join(bin, "ssh"), `#!/bin/sh\nexec /usr/bin/ssh -F ${config} "$@"\n`);
        chmodSync(path.join(bin, "ssh"), 0o755);
    }, 120_000);
    afterAll(() => {
        h.cleanupAll();
        rmSync(work, { recursive: true, force: true });
    });

    it("nothing listening: exit 3, naming the target and ssh's reason", async () => {
        const r = await audit(`root@${sshd.host}:2999`, sshd.knownHostsFile);
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(new RegExp(`^mdb-hardening: root@${sshd.host.replace(/\./g, "\\.")}:2999: the ssh session printed no report \\(exit 255\\): .*Connection refused`));
    }, 180_000);

    it("a host key that does not match known_hosts: exit 3, nothing run", async () => {
        const other = path.join(work, "other_host_key");
        await h.runOk(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other]);
        const wrong = path.join(work, "wrong_known_hosts");
        writeFileSync(wrong, `${sshd.host} ${readFileSync(`${other}.pub`, "utf8").split(" ").slice(0, 2).join(" ")}\n`);
        const r = await audit(`root@${sshd.host}:${sshd.port}`, wrong);
        expect(r.code).toBe(3);
        expect(r.stderr).toContain(`mdb-hardening: root@${sshd.host}:${sshd.port}: the ssh session printed no report (exit 255): `);
        expect(r.stderr).toMatch(/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
    }, 180_000);

    it("a user sudo refuses: the session authenticated and ran sudo -n, which asked for a password; exit 3", async () => {
        const r = await audit(`auditor@${sshd.host}:${sshd.port}`, sshd.knownHostsFile);
        expect(r.code).toBe(3);
        expect(r.stderr).toContain(`mdb-hardening: auditor@${sshd.host}:${sshd.port}: the ssh session printed no report (exit 1): sudo: `);
        expect(r.stderr).toMatch(/sudo: a password is required\n$/);
        expect(sshd.log()).toMatch(/Accepted publickey for auditor/);
    }, 180_000);

    it("a real check-mode run: exit 1 with what an apply would change, nothing changed; after the apply nothing would change", async () => {
        const target = `root@${sshd.host}`;
        const before = await audit(target, sshd.knownHostsFile, "--format", "json");
        expect(before.code).toBe(1);
        const report = JSON.parse(before.stdout) as { verdict: string; results: { id: string; status: string }[] };
        expect(report.verdict).toBe("non-compliant");
        expect(report.results).toContainEqual(expect.objectContaining({ id: "MDBH-FW-001", status: "would-change" }));
        expect(await root.exec(["test", "-e", "/var/lib/mdb-hardening"])).toMatchObject({ code: 1 });
        const script = (await h.run([process.execPath, "-r", "ts-node/register/transpile-only", "bin/mdb-hardening.ts", "render", profile], { cwd: projectRoot, timeoutMs: 120_000 })).stdout;
        expect((await sshd.run(net.nodes[1].ns, "bash -s", { input: script, timeoutMs: 180_000 })).code).toBe(0);
        const after = await audit(target, sshd.knownHostsFile, "--format", "json");
        const repaired = JSON.parse(after.stdout) as typeof report;
        expect(repaired.results.filter((r) => r.status === "would-change")).toEqual([]);
        // The copy shares this machine's process table, so the daemon audit (MDBH-HOST-007) sees the
        // test runner's processes: the only findings left, and the reason the verdict stays 1 here.
        expect(new Set(repaired.results.filter((r) => r.status === "fail").map((r) => r.id))).toEqual(new Set(["MDBH-HOST-007"]));
        expect(after.code).toBe(1);
    }, 300_000);
});
