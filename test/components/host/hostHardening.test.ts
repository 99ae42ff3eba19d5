/**
 * Drift detection across program runs, as the engine sees it: each run is a fresh program under
 * mocks whose remote.Command "provider" keeps state between runs the way the engine does — it plans
 * an update when the command's inputs differ from the stored ones and, outside a preview, runs the
 * command on the host (one SSH session, as @pulumi/command does). The host is the in-process SSH
 * server of test/helpers/fakeSshHost.ts, so the check really goes over SSH.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DatabaseHost, ExistingHost, type HostSummary } from "../../../components";
import { runOverSsh } from "../../../components/host/ssh";
import { startFakeHost, type FakeHost } from "../../helpers/fakeSshHost";
import { gtmInput } from "../../helpers/profiles";

interface Stored {
    readonly create: string;
    readonly stdin: string;
    readonly stdout: string;
}

interface RunResult {
    /** Commands whose inputs differ from the state: an update the engine would show. */
    readonly planned: string[];
    /** The commands the host saw during this run (checks and applies). */
    readonly sessions: string[];
    /** Undefined when the engine would not know it yet (a preview of a command that will run). */
    readonly summary: HostSummary | undefined;
}

/** The value the engine sends for an output not known during a preview. */
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const secretSig = "4dabf18193072939515e22adb298388d";
const plain = (value: unknown): unknown =>
    value && typeof value === "object" && secretSig in value ? (value as unknown as { value: unknown }).value : value;

describe("drift in preview and up", () => {
    let host: FakeHost;
    const state = new Map<string, Stored>();
    beforeAll(async () => {
        host = await startFakeHost();
    });
    afterAll(() => host.close());

    async function programRun(preview: boolean, options: { detectDrift?: boolean } = {}): Promise<RunResult> {
        const planned: string[] = [];
        const sessionsBefore = host.commands.length;
        await pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    if (args.type !== "command:remote:Command") return { id: `${args.name}-id`, state: args.inputs };
                    const create = plain(args.inputs.create) as string;
                    const stdin = plain(args.inputs.stdin) as string;
                    let stored = state.get(args.name);
                    if (!stored || stored.create !== create || stored.stdin !== stdin) {
                        planned.push(args.name);
                        if (!preview) {
                            const result = await runOverSsh({ host: "127.0.0.1", port: host.port, user: "root", privateKey: host.clientPrivateKey, hostKey: host.hostKey }, create, stdin, 10_000);
                            stored = { create, stdin, stdout: result.stdout };
                            state.set(args.name, stored);
                        }
                    }
                    // A command the engine will run has no output yet during a preview: unknown, as the engine reports it.
                    const stdout = planned.includes(args.name) && preview ? unknown : stored!.stdout;
                    return { id: `${args.name}-id`, state: { ...args.inputs, stdout, stderr: "" } };
                },
                call: () => ({}),
            },
            "mdb-hardening",
            "drift",
            preview,
        );
        const existing = new ExistingHost("db", {
            profile: gtmInput({ name: "db" }),
            connection: { host: "127.0.0.1", port: host.port, privateKey: host.clientPrivateKey, hostKey: host.hostKey },
            ...options,
        });
        let summary: HostSummary | undefined;
        existing.summary.apply((known) => (summary = known));
        // Waits for every registration, the component's outputs included.
        await pulumi.runtime.disconnect();
        return { planned, sessions: host.commands.slice(sessionsBefore), summary };
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
        const before = state.get("db-hardening-apply")!.create;
        host.drift("avahi-daemon.service");
        expect((await programRun(true)).planned).toEqual(["db-hardening-apply"]);
        await programRun(false);
        expect(state.get("db-hardening-apply")!.create).not.toBe(before);
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
                    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...(args.type === "aws:ec2/instance:Instance" ? { privateIp: unknown } : {}) } }),
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
