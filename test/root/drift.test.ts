/**
 * Drift in preview and up against the real host script on the test root: the components' check
 * (ssh2, from this process, through a loopback forwarder into the admin namespace) and the
 * simulated engine of test/helpers/engineRuns.ts running the apply command over SSH. Drifted →
 * an update is planned; up → repaired; the next preview → none; a clean host → none.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExistingHost } from "../../components";
import { checkDrift } from "../../components/host/drift";
import type { SshTarget } from "../../components/host/ssh";
import { validateProfile, type HostProfile } from "../../components/profile";
import { EngineRuns } from "../helpers/engineRuns";
import * as h from "../helpers/host/harness";
import { render } from "../helpers/render";

const ROOTFS = h.requireRootFs("drift in preview and up");

describe.skipIf(!ROOTFS)("drift in preview and up, on a real root", () => {
    let net: h.Network;
    let root: h.RootCopy;
    let sshd: h.Sshd;
    let fwd: h.Forwarder;
    let profile: HostProfile;
    let target: SshTarget;
    let engine: EngineRuns;
    const name = "drift-db";
    const command = `${name}-hardening-apply`;
    const systemctl = (...args: string[]) => h.run(["systemctl", `--root=${root.dir}`, ...args]);

    beforeAll(async () => {
        net = await h.createNetwork({ nodes: 2 });
        root = await h.createRootCopy(ROOTFS!);
        await root.addUser("alice");
        sshd = await h.startSshd(net, net.nodes[0], root);
        fwd = await h.startForwarder(net.nodes[1].ns, sshd.host, sshd.port);
        profile = validateProfile({
            name,
            product: "gtm",
            environment: "production",
            distribution: { path: h.findGtmDist(root.dir), members: ["alice"] },
            network: { adminCidrs: [`${net.nodes[1].addr}/32`] },
        });
        target = { host: "127.0.0.1", port: fwd.port, user: "root", privateKey: sshd.clientPrivateKey, hostKey: sshd.hostPublicKey };
        engine = new EngineRuns(target);
    }, 180_000);
    afterAll(() => h.cleanupAll());

    const program = () => new ExistingHost(name, { profile, connection: { host: "127.0.0.1", port: fwd.port, privateKey: sshd.clientPrivateKey, hostKey: sshd.hostPublicKey } }).summary;

    it("a fresh host: preview plans the hardening, up applies it, the next preview plans nothing", async () => {
        expect((await engine.run(true, program)).planned).toEqual([command]);
        const up = await engine.run(false, program);
        expect(up.planned).toEqual([command]);
        expect(engine.storedCreate(command)).toMatch(/^bash -s -- apply drift-[0-9a-f]{16}$/);
        expect((await root.readFile("/var/lib/mdb-hardening/token")).trim()).toBe(engine.storedCreate(command)!.split(" ").pop());
        const after = await engine.run(true, program);
        expect(after.planned).toEqual([]);
        expect(after.summary).toMatchObject({ wouldChange: 0 });
    }, 300_000);

    it("a unit unmasked behind Pulumi's back: planned, repaired by up, then clean", async () => {
        const unit = "cups.service";
        await systemctl("unmask", unit);
        const preview = await engine.run(true, program);
        expect(preview.planned).toEqual([command]);
        await engine.run(false, program);
        expect((await systemctl("is-enabled", unit)).stdout.trim()).toBe("masked");
        expect((await engine.run(true, program)).planned).toEqual([]);
        expect((await engine.run(false, program)).planned).toEqual([]);
    }, 300_000);

    it("the drift check itself: one session, nothing changed, its host time printed", async () => {
        const accepted = () => sshd.log().split("\n").filter((l) => l.includes("Accepted publickey")).length;
        const sessions = accepted();
        const token = (await root.readFile("/var/lib/mdb-hardening/token")).trim();
        const started = process.hrtime.bigint();
        const check = await checkDrift(target, render(profile), { retryForMs: 0, timeoutMs: 60_000 });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        expect(accepted() - sessions).toBe(1);
        expect(check.run).toMatchObject({ mode: "drift", wouldChange: 0, changes: 0, token });
        expect(check.token).toBe(token);
        console.log(`drift check of the GT.M test root over SSH: ${ms.toFixed(0)} ms wall time (bench/ measures it properly)`);
    }, 120_000);
});
