/**
 * Profile waivers on a real root: a waived control is left as it is by apply and check alike and
 * reported as waived with its justification; an expired waiver no longer holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSummary } from "../../components/host/summary";
import { validateProfile, type HostProfile } from "../../components/profile";
import * as h from "../helpers/host/harness";
import { render } from "../helpers/render";

const ROOTFS = h.requireRootFs("profile waivers");

describe.skipIf(!ROOTFS)("profile waivers on a real root", () => {
    let net: h.Network;
    let root: h.RootCopy;
    let sshd: h.Sshd;
    const unit = "cups.service";
    const justification = "ward printing until CHG-1021";
    const profileWith = (expires: string): HostProfile => validateProfile({
        name: "waived-db",
        product: "gtm",
        environment: "production",
        distribution: { path: h.findGtmDist(root.dir) },
        network: { adminCidrs: [`${net.nodes[1].addr}/32`] },
        waivers: [{ control: "MDBH-SVC-001", item: unit, justification, expires }],
    });
    const run = async (profile: HostProfile, mode: string) => parseSummary((await sshd.run(net.nodes[1].ns, `bash -s -- ${mode}`, { input: render(profile), timeoutMs: 180_000 })).stdout);
    const enabled = async () => (await h.run(["systemctl", `--root=${root.dir}`, "is-enabled", unit])).stdout.trim();

    beforeAll(async () => {
        net = await h.createNetwork({ nodes: 2 });
        root = await h.createRootCopy(ROOTFS!);
        sshd = await h.startSshd(net, net.nodes[0], root);
    }, 180_000);
    afterAll(() => h.cleanupAll());

    it("apply leaves a waived unit as it is and says why; check agrees", async () => {
        const before = await enabled();
        expect(before).not.toBe("masked");
        const applied = await run(profileWith("2999-12-31"), "apply");
        expect(applied.waived).toEqual([{ kind: "waived", control: "MDBH-SVC-001", item: unit, detail: expect.stringContaining(`waived: ${justification} (until 2999-12-31)`) }]);
        expect(applied.changed.some((r) => r.item === unit)).toBe(false);
        expect(await enabled()).toBe(before);
        const checked = await run(profileWith("2999-12-31"), "check");
        expect(checked).toMatchObject({ wouldChange: 0 });
        expect(checked.waived.map((r) => r.item)).toEqual([unit]);
    }, 300_000);

    it("an expired waiver holds no more: check reports the change, apply makes it", async () => {
        const expired = profileWith("2020-01-01");
        const checked = await run(expired, "check");
        expect(checked.pending.map((r) => [r.control, r.item])).toContainEqual(["MDBH-SVC-001", unit]);
        expect(checked.waived).toEqual([]);
        await run(expired, "apply");
        expect(await enabled()).toBe("masked");
    }, 300_000);
});
