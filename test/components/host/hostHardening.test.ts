/**
 * Drift detection across program runs, as the engine sees them (test/helpers/engineRuns.ts). The
 * host is the in-process SSH server of test/helpers/fakeSshHost.ts, so the check really goes over
 * SSH; test/root/drift.test.ts runs the same against the real script on the test root.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DatabaseHost, ExistingHost } from "../../../components";
import { EngineRuns, unknownValue } from "../../helpers/engineRuns";
import { startFakeHost, type FakeHost } from "../../helpers/fakeSshHost";
import { gtmInput } from "../../helpers/profiles";

describe("drift in preview and up", () => {
    let host: FakeHost;
    let engine: EngineRuns;
    beforeAll(async () => {
        host = await startFakeHost();
        engine = new EngineRuns({ host: "127.0.0.1", port: host.port, user: "root", privateKey: host.clientPrivateKey, hostKey: host.hostKey });
    });
    afterAll(() => host.close());

    /** A program run; `sessions` are the commands the host saw during it (checks and applies). */
    async function programRun(preview: boolean, options: { detectDrift?: boolean } = {}) {
        const before = host.commands.length;
        const run = await engine.run(preview, () => new ExistingHost("db", {
            profile: gtmInput({ name: "db" }),
            connection: { host: "127.0.0.1", port: host.port, privateKey: host.clientPrivateKey, hostKey: host.hostKey },
            ...options,
        }).summary);
        return { ...run, sessions: host.commands.slice(before) };
    }

    it("a drifted host: preview plans the hardening, up repairs it, the next preview plans nothing", async () => {
        host.drift("cups.service");
        const firstPreview = await programRun(true);
        expect(firstPreview).toMatchObject({ planned: ["db-hardening-apply"], sessions: ["bash -s -- drift"] });
        expect(host.pending).toEqual(["cups.service"]);

        const up = await programRun(false);
        expect(up.planned).toEqual(["db-hardening-apply"]);
        expect(up.sessions).toEqual(["bash -s -- drift", expect.stringMatching(/^bash -s -- apply drift-[0-9a-f]{16}$/)]);
        expect(up.summary).toMatchObject({ changes: 1 });
        expect(host.pending).toEqual([]);

        // Right after the repair: no second run to settle.
        const after = await programRun(true);
        expect(after).toMatchObject({ planned: [], sessions: ["bash -s -- drift"] });
        // The summary is the check's: what the host is now.
        expect(after.summary).toMatchObject({ changes: 0, wouldChange: 0 });
    });

    it("a clean host: preview and up plan nothing and run nothing but the check", async () => {
        expect(await programRun(true)).toMatchObject({ planned: [], sessions: ["bash -s -- drift"] });
        expect(await programRun(false)).toMatchObject({ planned: [], sessions: ["bash -s -- drift"] });
    });

    it("drift again later: planned again with a new token, repaired, clean", async () => {
        const before = engine.storedCreate("db-hardening-apply");
        host.drift("avahi-daemon.service");
        expect((await programRun(true)).planned).toEqual(["db-hardening-apply"]);
        await programRun(false);
        expect(engine.storedCreate("db-hardening-apply")).not.toBe(before);
        expect((await programRun(true)).planned).toEqual([]);
    });

    it("detectDrift: false opens no session and keeps the plain command", async () => {
        host.drift("cups.service");
        const run = await programRun(true, { detectDrift: false });
        expect(run.sessions).toEqual([]);
        expect(run.planned).toEqual(["db-hardening-apply"]);
        host.pending = [];
    });

    it("skips a host with no address yet (being created) or no connection, and says so", async () => {
        const logged: string[] = [];
        const spy = vi.spyOn(console, "log").mockImplementation((message: string) => void logged.push(String(message)));
        try {
            const before = host.commands.length;
            await pulumi.runtime.setMocks(
                {
                    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...(args.type === "aws:ec2/instance:Instance" ? { privateIp: unknownValue } : {}) } }),
                    call: () => ({}),
                },
                "mdb-hardening",
                "drift",
                true,
            );
            const placement = { vpcId: "vpc-1", subnetId: "subnet-1", ami: "ami-1" };
            new DatabaseHost("new-db", { profile: gtmInput({ name: "new-db" }), ...placement, connection: { privateKey: host.clientPrivateKey, hostKey: host.hostKey } });
            new DatabaseHost("user-data-db", { profile: gtmInput({ name: "user-data-db" }), ...placement });
            await pulumi.runtime.disconnect();
            expect(host.commands.length).toBe(before);
            expect(logged).toEqual(expect.arrayContaining([
                expect.stringContaining("new-db-hardening: drift not checked: the host's address is not known yet (it is being created)"),
                expect.stringContaining("user-data-db: drift not checked: no connection"),
            ]));
        } finally {
            spy.mockRestore();
        }
    });
});
