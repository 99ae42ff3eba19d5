// Network namespaces for host tests.
//
// Topology (one per createNetwork call):
//
//     <id>-hub:  bridge br0 (no address), ports v0..v<N-1>
//     <id>-n<i>: eth0 = 10.213.0.<i+1>/24 (veth peer of hub's v<i>), lo up
//
// where <id> = mdbt-<pid>-<starttime>-<random>. Every interface is created
// directly inside a namespace (never in the machine's own namespace), nothing is
// routed out of the hub, so the only reachable addresses are loopback and the
// namespaces' own 10.213.0.x addresses. Separate networks are fully isolated,
// so parallel test files can all use the same addresses.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { ExecOptions, ExecResult, IPV4_RE, OWNER, PREFIX, assertMatch, killPidsSync, ownerIsGone, registerCleanup, run, runOk, runSync } from "./exec";

export const NETNS_NAME_RE = /^mdbt-\d+-\d+-[0-9a-f]{8}-(hub|n\d{1,2})$/;

export interface NetNode {
    /** Namespace name (for `ip netns exec`). */
    ns: string;
    /** IPv4 address of eth0, e.g. 10.213.0.1. */
    addr: string;
    index: number;
}

export interface Network {
    id: string;
    hub: string;
    nodes: NetNode[];
    /** Run argv inside namespace `ns` (must be one of this network's). */
    exec(ns: string, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
    /** Like exec(), throws unless exit 0; returns stdout. */
    execOk(ns: string, argv: readonly string[], opts?: ExecOptions): Promise<string>;
    /** Load an nftables ruleset (text for `nft -f -`) inside namespace `ns`. */
    nft(ns: string, ruleset: string): Promise<void>;
    /** Kill every process in the namespaces and delete them. Idempotent, synchronous. */
    cleanup(): void;
}

export interface NetworkOptions {
    /** Number of node namespaces (1..50). */
    nodes: number;
    /** First three octets of the /24 (default "10.213.0"). */
    subnet?: string;
}

/** `ip netns exec <ns> argv...` as an argument array. */
export function nsArgv(ns: string, argv: readonly string[]): string[] {
    assertMatch("namespace name", ns, NETNS_NAME_RE);
    return ["ip", "netns", "exec", ns, ...argv];
}

export function listNamespaces(): string[] {
    const r = runSync(["ip", "netns", "list"], { check: true });
    return r.stdout
        .split("\n")
        .map((l) => l.trim().split(/\s+/)[0])
        .filter((n) => n !== undefined && n !== "");
}

function namespacePids(ns: string): number[] {
    const r = runSync(["ip", "netns", "pids", ns]);
    if (r.code !== 0) return [];
    return r.stdout
        .split(/\s+/)
        .filter((s) => /^\d+$/.test(s))
        .map(Number)
        .filter((p) => p !== process.pid);
}

/** Kill the namespace's processes and delete it (only harness-named namespaces). */
export function deleteNamespaceSync(ns: string): void {
    assertMatch("namespace name", ns, NETNS_NAME_RE);
    if (!fs.existsSync(`/run/netns/${ns}`) && !listNamespaces().includes(ns)) return;
    killPidsSync(namespacePids(ns));
    const r = runSync(["ip", "netns", "del", ns]);
    if (r.code !== 0 && listNamespaces().includes(ns)) {
        throw new Error(`ip netns del ${ns} failed: ${r.stderr.trim()}`);
    }
}

/** Delete harness namespaces left behind by test processes that no longer exist. */
export function sweepNamespaces(): string[] {
    const removed: string[] = [];
    for (const ns of listNamespaces()) {
        if (!NETNS_NAME_RE.test(ns) || !ns.startsWith(PREFIX + "-") || !ownerIsGone(ns)) continue;
        deleteNamespaceSync(ns);
        removed.push(ns);
    }
    return removed;
}

export async function createNetwork(opts: NetworkOptions): Promise<Network> {
    const n = opts.nodes;
    if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error(`invalid node count: ${n}`);
    const subnet = opts.subnet ?? "10.213.0";
    assertMatch("subnet", `${subnet}.0`, IPV4_RE);
    sweepNamespaces();

    const id = `${OWNER}-${crypto.randomBytes(4).toString("hex")}`;
    const hub = `${id}-hub`;
    const nodes: NetNode[] = Array.from({ length: n }, (_, i) => ({ ns: `${id}-n${i}`, addr: `${subnet}.${i + 1}`, index: i }));
    const all = [hub, ...nodes.map((x) => x.ns)];
    for (const ns of all) assertMatch("namespace name", ns, NETNS_NAME_RE);

    let cleaned = false;
    const cleanupFn = () => {
        if (cleaned) return;
        const errors: string[] = [];
        for (const ns of [...all].reverse()) {
            try {
                deleteNamespaceSync(ns);
            } catch (e) {
                errors.push((e as Error).message);
            }
        }
        if (errors.length) throw new Error(errors.join("\n"));
        cleaned = true;
    };
    const cleanup = registerCleanup(`network ${id}`, cleanupFn);

    const ip = (args: string[]) => runOk(["ip", ...args], { timeoutMs: 15_000 });
    try {
        for (const ns of all) await ip(["netns", "add", ns]);
        await ip(["-n", hub, "link", "set", "lo", "up"]);
        await ip(["-n", hub, "link", "add", "br0", "type", "bridge"]);
        await ip(["-n", hub, "link", "set", "br0", "up"]);
        for (const node of nodes) {
            const port = `v${node.index}`;
            await ip(["-n", hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", node.ns]);
            await ip(["-n", hub, "link", "set", port, "master", "br0"]);
            await ip(["-n", hub, "link", "set", port, "up"]);
            await ip(["-n", node.ns, "link", "set", "lo", "up"]);
            await ip(["-n", node.ns, "addr", "add", `${node.addr}/24`, "dev", "eth0"]);
            await ip(["-n", node.ns, "link", "set", "eth0", "up"]);
        }
    } catch (e) {
        cleanup();
        throw e;
    }

    const own = (ns: string) => {
        if (!all.includes(ns)) throw new Error(`namespace ${ns} is not part of network ${id}`);
        return ns;
    };
    return {
        id,
        hub,
        nodes,
        exec: (ns, argv, o) => run(nsArgv(own(ns), argv), o),
        execOk: (ns, argv, o) => runOk(nsArgv(own(ns), argv), o),
        nft: async (ns, ruleset) => {
            await runOk(nsArgv(own(ns), ["nft", "-f", "-"]), { input: ruleset, timeoutMs: 15_000 });
        },
        cleanup,
    };
}
