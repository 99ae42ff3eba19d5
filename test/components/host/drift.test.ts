/**
 * The drift mechanism itself: the run token, the check over a real SSH session (ssh2 client against
 * an in-process SSH server), and the engine's decision — a command whose inputs differ from what
 * the state holds is updated — simulated over successive program runs under mocks.
 */
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDrift, firstToken, runToken } from "../../../components/host/drift";
import { scriptCommand } from "../../../components/host/invocation";
import { parseSummary } from "../../../components/host/summary";
import { fakeHostKeys, startFakeHost, type FakeHost } from "../../helpers/fakeSshHost";

const driftRun = (token: string | undefined, wouldChange: number, findings: number) => parseSummary([
    "MDBH\tdata\tstate\tmode\tdrift",
    ...(token !== undefined ? [`MDBH\tdata\tstate\ttoken\t${token}`] : []),
    `MDBH\tsummary\tp\twould-change\t${wouldChange}`,
    `MDBH\tsummary\tp\tfindings\t${findings}`,
].join("\n") + "\n");
const clean = (token?: string) => driftRun(token, 0, 2);
const drifted = driftRun("t1", 3, 0);

describe("the run token", () => {
    it("is the recorded one while nothing would change (findings are not drift), a fresh one when something would", () => {
        expect(runToken(clean("t1"))).toBe("t1");
        expect(runToken(clean())).toBe(firstToken);
        expect(runToken(clean(""))).toBe(firstToken);
        expect(runToken(drifted, () => "abc")).toBe("drift-abc");
        expect(runToken(drifted)).toMatch(/^drift-[0-9a-f]{16}$/);
        expect(runToken(drifted)).not.toBe(runToken(drifted));
    });

    it("never passes a recorded token out of its grammar to the command line", () => {
        expect(runToken(clean("x; reboot"), () => "n")).toBe("drift-n");
        expect(runToken(clean("a".repeat(65)), () => "n")).toBe("drift-n");
    });

    it("goes on the script's command line, through sudo for another user", () => {
        expect(scriptCommand("root", "apply t1")).toBe("bash -s -- apply t1");
        expect(scriptCommand("admin", "drift")).toBe('sudo -n env SSH_CONNECTION="$SSH_CONNECTION" bash -s -- drift');
        expect(scriptCommand("root")).toBe("bash -s");
    });
});

async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}

describe("the check over SSH", () => {
    let host: FakeHost;
    beforeAll(async () => {
        host = await startFakeHost();
    });
    afterAll(() => host.close());
    const target = () => ({ host: "127.0.0.1", port: host.port, user: "root", privateKey: host.clientPrivateKey, hostKey: host.hostKey });
    const once = { retryForMs: 0, timeoutMs: 10_000 };

    it("runs the script in drift mode in one session, with the script on stdin", async () => {
        host.token = "t7";
        host.pending = [];
        const before = host.commands.length;
        const check = await checkDrift(target(), "script", once);
        expect(host.commands.slice(before)).toEqual(["bash -s -- drift"]);
        expect(check.token).toBe("t7");
        expect(check.run.wouldChange).toBe(0);
        host.drift("cups.service");
        const again = await checkDrift(target(), "script", once);
        expect(again.run.wouldChange).toBe(1);
        expect(again.token).toMatch(/^drift-/);
    });

    it("refuses a host whose key is not connection.hostKey, naming the host", async () => {
        const other = fakeHostKeys();
        await expect(checkDrift({ ...target(), hostKey: other.host.public }, "s", once)).rejects.toThrow(`root@127.0.0.1:${host.port}: the host's key does not match connection.hostKey`);
    });

    it("fails at once, naming the host, when it cannot be reached during a preview", async () => {
        const port = await closedPort();
        const started = Date.now();
        await expect(checkDrift({ ...target(), port }, "s", once)).rejects.toThrow(`root@127.0.0.1:${port}: connect ECONNREFUSED`);
        expect(Date.now() - started).toBeLessThan(5_000);
    });

    it("keeps trying a host that is still booting during an update", async () => {
        const port = await closedPort();
        const keys = fakeHostKeys();
        const late = new Promise<FakeHost>((resolve) => setTimeout(() => resolve(startFakeHost({ keys, port })), 1_500));
        const check = checkDrift({ host: "127.0.0.1", port, user: "root", privateKey: keys.client.private, hostKey: keys.host.public }, "s", { retryForMs: 20_000, timeoutMs: 5_000, retryDelayMs: 200 });
        const booted = await late;
        try {
            expect((await check).token).toBe(firstToken);
            expect(booted.commands).toEqual(["bash -s -- drift"]);
        } finally {
            await booted.close();
        }
    });
});
