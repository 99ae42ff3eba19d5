/**
 * Benchmark of the host script on the GT.M test root (needs root and the cached root from
 * test/helpers/host/build-root.sh): SSH sessions per run; wall time (over SSH) and host time (bash's
 * own `time` around the script, on the host) of the first apply, a re-run, a check-mode run and a
 * drift check on the hardened host.
 * Run: npm run bench:host   — writes bench/results/host-script.json.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderHostScript } from "../components/host/script";
import { hardeningPlan } from "../components/plan";
import { parseSummary } from "../components/host/summary";
import { validateProfile } from "../components/profile";
import * as h from "../test/helpers/host/harness";

const runs = Number(process.env.BENCH_RUNS ?? 5);

async function main(): Promise<void> {
    const rootfs = h.findCachedRoot();
    if (process.getuid?.() !== 0 || !rootfs) throw new Error("needs root and the cached root filesystem (bash test/helpers/host/build-root.sh)");
    const modes = [
        { label: "firstApply", command: "bash -s" },
        { label: "reRun", command: "bash -s" },
        { label: "check", command: "bash -s -- check" },
        { label: "drift", command: "bash -s -- drift" },
    ] as const;
    const wall = new Map<string, number[]>(modes.map((m) => [m.label, []]));
    const host = new Map<string, number[]>(modes.map((m) => [m.label, []]));
    const sessions: number[] = [];
    let changes = 0;
    let scriptBytes = 0;
    try {
        for (let i = 0; i < runs; i++) {
            const net = await h.createNetwork({ nodes: 2 });
            const root = await h.createRootCopy(rootfs);
            await root.addUser("alice");
            const sshd = await h.startSshd(net, net.nodes[0], root);
            const profile = validateProfile({
                name: "bench",
                product: "gtm",
                environment: "production",
                distribution: { path: h.findGtmDist(root.dir), members: ["alice"] },
                network: { adminCidrs: [`${net.nodes[1].addr}/32`] },
            });
            const script = renderHostScript(hardeningPlan(profile));
            scriptBytes = Buffer.byteLength(script);
            const accepted = () => sshd.log().split("\n").filter((l) => l.includes("Accepted publickey")).length;
            for (const { label, command } of modes) {
                const before = accepted();
                const start = process.hrtime.bigint();
                // bash's own timer around the script: the time it takes on the host, without SSH.
                const result = await sshd.run(net.nodes[1].ns, `TIMEFORMAT=mdbh-host-seconds=%R; time ${command}`, { input: script, timeoutMs: 300_000 });
                wall.get(label)!.push(Number(process.hrtime.bigint() - start) / 1e6);
                const seconds = /mdbh-host-seconds=([\d.]+)/.exec(result.stderr);
                if (!seconds) throw new Error(`${label}: no host time in ${JSON.stringify(result.stderr)}`);
                host.get(label)!.push(Number(seconds[1]) * 1000);
                const summary = parseSummary(result.stdout);
                if (label === "firstApply") changes = summary.changes;
                else if (summary.changes !== 0 || summary.wouldChange !== 0) throw new Error(`${label} on the hardened host: ${summary.changes} changes, ${summary.wouldChange} would change`);
                sessions.push(accepted() - before);
            }
            h.cleanupAll();
        }
    } finally {
        h.cleanupAll();
    }
    const stats = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        return { medianMs: Math.round(s[Math.floor(s.length / 2)]), minMs: Math.round(s[0]), maxMs: Math.round(s[s.length - 1]) };
    };
    const result = {
        date: new Date().toISOString(),
        machine: "2 cores (polyglot CI machine), chrooted Debian bookworm copy with fis-gtm V7.0-005, over SSH inside a network namespace",
        runs,
        scriptBytes,
        sshSessionsPerRun: Math.max(...sessions),
        ...Object.fromEntries(modes.map(({ label }) => [label, {
            wall: stats(wall.get(label)!),
            host: stats(host.get(label)!),
            ...(label === "firstApply" ? { changes } : {}),
        }])),
    };
    const out = path.join(__dirname, "results", "host-script.json");
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${out}\n`);
}

main().catch((e) => {
    h.cleanupAll();
    console.error(e);
    process.exitCode = 1;
});
