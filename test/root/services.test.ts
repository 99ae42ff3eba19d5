/**
 * The services part on a real Debian root: a unit the profile names is refused before any change
 * when this host knows it under a protected name (an alias symlink, or an Alias= of its unit file),
 * and so is a client binary whose link resolves into a directory another account controls.
 * Needs root; under CI a missing root fails the run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReports } from "../../components/host/summary";
import { validateProfile } from "../../components/profile";
import * as h from "../helpers/host/harness";
import { gtmInput } from "../helpers/profiles";
import { render } from "../helpers/render";

const ROOTFS = h.requireRootFs("services part");

describe.skipIf(!ROOTFS)("services part on a real root", () => {
    let root: h.RootCopy;
    const profile = (unit: string) => validateProfile(gtmInput({ services: { disable: [unit] }, hardening: { distribution: false, firewall: false } }));
    /** Unit links and masks under /etc/systemd/system, to show nothing changed. */
    const unitLinks = () => root.execOk(["bash", "-c", "find /etc/systemd/system -printf '%p %l\\n' | sort"]);

    beforeAll(async () => {
        root = await h.createRootCopy(ROOTFS!);
        await root.execOk(["ln", "-s", "/lib/systemd/system/ssh.service", "/etc/systemd/system/remote-admin.service"]);
        await root.writeFile("/etc/systemd/system/vendor-login.service", "[Service]\nExecStart=/bin/true\n[Install]\nAlias=getty@tty9.service\n", "0644");
    }, 120_000);
    afterAll(() => h.cleanupAll());

    for (const [unit, known] of [["remote-admin.service", "ssh.service"], ["vendor-login.service", "getty@tty9.service"]] as const) {
        it(`refuses ${unit}, which this host knows as ${known}, before changing anything`, async () => {
            const before = await unitLinks();
            const r = await root.exec(["bash", "-s"], { input: render(profile(unit)) });
            expect(r.code).toBe(2);
            expect(parseReports(r.stdout).filter((l) => l.kind !== "info")).toEqual([
                { kind: "error", control: "preflight", item: unit, detail: `is ${known} on this host, which keeps the host reachable, logged or protected; never disabled` },
            ]);
            expect(await unitLinks()).toBe(before);
        });
    }

    it("refuses a client binary that resolves into a directory another account controls", async () => {
        await root.addUser("mallory");
        await root.execOk(["bash", "-c", "cp -a /usr/bin/at /root/at.saved && install -d -o mallory /home/mallory/bin && install -o mallory /bin/true /home/mallory/bin/at && ln -sfn /home/mallory/bin/at /usr/bin/at"]);
        try {
            const before = await unitLinks();
            const r = await root.exec(["bash", "-s"], { input: render(profile("atd.service")) });
            expect(r.code).toBe(2);
            expect(parseReports(r.stdout).find((l) => l.kind === "error")).toEqual({
                kind: "error", control: "preflight", item: "/home/mallory/bin", detail: "not controlled by root alone (owner mallory, mode 755); refused",
            });
            expect(await unitLinks()).toBe(before);
        } finally {
            await root.execOk(["bash", "-c", "rm -f /usr/bin/at && cp -a /root/at.saved /usr/bin/at"]);
        }
    });

    it("masks a unit whose names are all unprotected", async () => {
        const r = await root.exec(["bash", "-s"], { input: render(profile("atd.service")) });
        expect(r.code).toBe(0);
        expect(await root.execOk(["readlink", "/etc/systemd/system/atd.service"])).toBe("/dev/null\n");
    });
});
