/**
 * Benchmark of the host script on the GT.M test root (needs root and the cached root from
 * test/helpers/host/build-root.sh): SSH sessions per apply, first-apply and re-run wall times.
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
    const first: number[] = [];
    const rerun: number[] = [];
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
            for (const [times, label] of [[first, "first"], [rerun, "re-run"]] as const) {
                const before = accepted();
                const start = process.hrtime.bigint();
                const result = await sshd.run(net.nodes[1].ns, "bash -s", { input: script, timeoutMs: 300_000 });
                times.push(Number(process.hrtime.bigint() - start) / 1e6);
                const summary = parseSummary(result.stdout);
                if (label === "first") changes = summary.changes;
                else if (summary.changes !== 0) throw new Error(`re-run changed ${summary.changes} things`);
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
        sshSessionsPerApply: Math.max(...sessions),
        firstApply: { ...stats(first), changes },
        reRun: { ...stats(rerun), changes: 0 },
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
