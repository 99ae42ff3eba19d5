/**
 * Cost of building the components into a program: 1,000 ExistingHosts (validation, plan and host
 * script render once per host, one SSH command each) under Pulumi mocks, compiled code, as a
 * program of many hosts runs it. Measures construction time per host and the heap after all
 * registrations settled. Results go to bench/results/components.json.
 *
 * Run: npm run bench:components [-- <hosts>]
 */
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import type { HostProfileInput } from "../components/profile";

async function main(): Promise<void> {
    const hosts = Number(process.argv[2] ?? 1000);
    await pulumi.runtime.setMocks(
        { newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, stdout: "MDBH\tdata\tstate\tmode\tapply\nMDBH\tsummary\tb\tchanges\t0\nMDBH\tsummary\tb\tfindings\t0\n" } }), call: () => ({}) },
        "bench", "bench", false,
    );
    const { ExistingHost } = await import("../components");
    const profile = (i: number): HostProfileInput => ({
        name: `gtm-${i}`, product: "gtm", environment: "production",
        distribution: { path: "/usr/lib/x86_64-linux-gnu/fis-gtm/V7.0-005_x86_64", members: ["app"] },
        network: { adminCidrs: ["10.250.0.0/24"], ingress: [{ name: "api", port: 8443, from: ["10.1.0.0/24"] }] },
    });
    // Warm the module caches and the JIT on a few hosts first, as a real program's first hosts would.
    for (let i = 0; i < 10; i++) new ExistingHost(`warm-${i}`, { profile: profile(i), connection: { host: `10.0.0.${i}`, privateKey: "k", hostKey: "ssh-ed25519 AAAA" }, detectDrift: false });
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const built = [];
    for (let i = 0; i < hosts; i++) {
        built.push(new ExistingHost(`host-${i}`, { profile: profile(i), connection: { host: `10.1.${i >> 8}.${i & 255}`, privateKey: "k", hostKey: "ssh-ed25519 AAAA" }, detectDrift: false }));
    }
    const constructMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    await Promise.all(built.map((h) => new Promise((resolve) => h.summary.apply(resolve))));
    const settledMs = performance.now() - start;
    global.gc?.();
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    const result = {
        date: new Date().toISOString().slice(0, 10),
        node: process.version,
        cpu: os.cpus()[0]?.model,
        hosts,
        constructionMsPerHost: Number((constructMs / hosts).toFixed(3)),
        // CPU time of the process (all threads) while constructing: less sensitive than wall time to a busy machine.
        constructionCpuMsPerHost: Number(((cpu.user + cpu.system) / 1000 / hosts).toFixed(3)),
        settledMsPerHost: Number((settledMs / hosts).toFixed(3)),
        heapUsedMbAfterGc: Number(heapMb.toFixed(1)),
        gcForced: typeof global.gc === "function",
        // Load average over the last minute at the end: above the core count, the wall times are inflated.
        loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
        cores: os.cpus().length,
    };
    writeFileSync(path.join(__dirname, "..", "..", "bench", "results", "components.json"), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
});
