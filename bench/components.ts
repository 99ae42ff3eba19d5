/**
 * Cost of building the components into a program: 1,000 ExistingHosts (validation, plan, host
 * script render and digest once per host, one SSH command each) under Pulumi mocks, compiled code.
 *
 * Each run is a fresh process that builds `warm` hosts first (module caches, JIT), then times the
 * next `hosts`; the kinds of run alternate, so a busy machine slows them alike:
 *  - components: `new ExistingHost` per host;
 *  - sdk: the SDK's own floor, the same three resources per host (the two components with their
 *    type tokens and aliases, the `remote.Command` with the same inputs and options, the same
 *    outputs registered) from scripts rendered before the clock starts: what is left when
 *    everything of ours is taken out; sdk-command: the `remote.Command` alone (the least a host
 *    needs); sdk-unpaused: the floor without pausing the SDK's per-promise stack traces
 *    (components/promiseStacks.ts);
 *  - steps: our per-host work alone, without resources: validation, plan, render, digest.
 * Reported per kind: median and best of wall and CPU time per host (CPU: the whole process, the
 * garbage collector's threads too), the heap after a forced GC (warm-up hosts included; for the
 * components also once every script was read whole), the load average around the runs. Results go
 * to bench/results/components.json.
 *
 * Run: npm run bench:components [-- <hosts> <runs>]
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { HostProfileInput } from "../components/profile";

const kinds = ["components", "sdk", "sdk-command", "sdk-unpaused", "steps"] as const;
type Kind = (typeof kinds)[number];
const warm = 100;

const profile = (i: number): HostProfileInput => ({
    name: `gtm-${i}`, product: "gtm", environment: "production",
    distribution: { path: "/usr/lib/x86_64-linux-gnu/fis-gtm/V7.0-005_x86_64", members: ["app"] },
    network: { adminCidrs: ["10.250.0.0/24"], ingress: [{ name: "api", port: 8443, from: ["10.1.0.0/24"] }] },
});
const connection = (i: number) => ({ host: `10.1.${i >> 8}.${i & 255}`, privateKey: "k", hostKey: "ssh-ed25519 AAAA" });

interface Timing { readonly wallMs: number; readonly cpuMs: number }

function timed(count: number, build: (i: number) => void): Timing {
    global.gc?.();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < count; i++) build(warm + i);
    const cpu = process.cpuUsage(cpuStart);
    return { wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** One run of one kind, in this process; prints its figures as one JSON line. */
async function run(kind: Kind, hosts: number): Promise<void> {
    await pulumi.runtime.setMocks(
        { newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, stdout: "MDBH\tdata\tstate\tmode\tapply\nMDBH\tsummary\tb\tchanges\t0\nMDBH\tsummary\tb\tfindings\t0\n" } }), call: () => ({}) },
        "bench", "bench", false,
    );
    const c = await import("../components");
    const { hardeningOutput, hardeningPlan } = await import("../components/plan");
    const { componentTypes } = await import("../components/catalog");
    const { componentOptions } = await import("../components/componentOptions");
    const { pausePromiseStacks } = await import("../components/promiseStacks");
    const summaries: pulumi.Output<unknown>[] = [];
    const scripts: string[] = [];
    let build: (i: number) => void;
    if (kind === "components") {
        build = (i) => {
            const host = new c.ExistingHost(`host-${i}`, { profile: profile(i), connection: connection(i), detectDrift: false });
            summaries.push(host.summary);
            scripts.push(host.hostHardening.script);
        };
    } else if (kind === "steps") {
        const steps = { validate: 0, plan: 0, render: 0, digest: 0 };
        const step = <T>(name: keyof typeof steps, f: () => T): T => {
            const start = performance.now();
            const value = f();
            steps[name] += performance.now() - start;
            return value;
        };
        build = (i) => {
            const validated = step("validate", () => c.validateProfile(profile(i)));
            const plan = step("plan", () => hardeningPlan(validated));
            const script = step("render", () => c.renderHostScript(plan));
            step("digest", () => c.scriptDigest(script));
        };
        for (let i = 0; i < warm; i++) build(i);
        for (const name of Object.keys(steps) as (keyof typeof steps)[]) steps[name] = 0;
        const timing = timed(hosts, build);
        process.stdout.write(`${JSON.stringify({ ...timing, steps })}\n`);
        return;
    } else {
        // Everything of ours made before the clock starts; registered as HostHardening and ExistingHost register.
        const made = Array.from({ length: warm + hosts }, (_, i) => {
            const plan = hardeningPlan(c.validateProfile(profile(i)));
            const script = c.renderHostScript(plan);
            return { script, digest: c.scriptDigest(script), hardening: hardeningOutput(plan) };
        });
        build = (i) => {
            const { script, digest, hardening } = made[i];
            const resume = kind === "sdk-unpaused" ? () => undefined : pausePromiseStacks();
            try {
                const host = kind === "sdk-command" ? undefined : new Bare(componentTypes.existingHost, `host-${i}`, {}, componentOptions("existingHost"));
                const hh = host && new Bare(componentTypes.hostHardening, `host-${i}-hardening`, {}, componentOptions("hostHardening", { parent: host }));
                const cmd = new command.remote.Command(
                    `host-${i}-hardening-apply`,
                    {
                        connection: { ...connection(i), port: 22, user: "root", privateKey: pulumi.secret("k") },
                        create: "bash -s",
                        stdin: script,
                        addPreviousOutputInEnv: false,
                    },
                    { ...(hh ? { parent: hh } : {}), additionalSecretOutputs: ["stdout", "stderr"] },
                );
                const summary = pulumi.unsecret(cmd.stdout.apply((stdout) => stdout.length));
                hh?.publish({ scriptDigest: digest, summary });
                host?.publish({ hardening, scriptDigest: digest, summary });
                summaries.push(summary);
            } finally {
                resume();
            }
        };
    }
    for (let i = 0; i < warm; i++) build(i);
    const start = performance.now();
    const timing = timed(hosts, build);
    await Promise.all(summaries.map((s) => new Promise((resolve) => s.apply(resolve))));
    const settledMs = performance.now() - start;
    global.gc?.();
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    // A script shares its body's text with the others until something reads it whole (the real
    // engine's serialization does); then it holds its own copy.
    for (const script of scripts) Buffer.byteLength(script);
    global.gc?.();
    process.stdout.write(`${JSON.stringify({ ...timing, settledMs, heapMb, ...(kind === "components" ? { heapMbScriptsRead: process.memoryUsage().heapUsed / 2 ** 20 } : {}) })}\n`);
}

/** A component of the floor: nothing but the SDK's registration. */
class Bare extends pulumi.ComponentResource {
    publish(outputs: pulumi.Inputs): void {
        this.registerOutputs(outputs);
    }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

function main(): void {
    if (process.argv[2] === "run") {
        run(process.argv[3] as Kind, Number(process.argv[4])).catch((e) => {
            process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(1);
        });
        return;
    }
    const hosts = Number(process.argv[2] ?? 1000);
    const runs = Number(process.argv[3] ?? 5);
    const loadBefore = os.loadavg()[0];
    const results = Object.fromEntries(kinds.map((kind) => [kind, [] as Record<string, unknown>[]])) as Record<Kind, Record<string, unknown>[]>;
    for (let r = 0; r < runs; r++) {
        for (const kind of kinds) {
            const out = execFileSync(process.execPath, ["--expose-gc", __filename, "run", kind, String(hosts)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
            results[kind].push(JSON.parse(out));
        }
    }
    const perHost = (kind: Kind, key: string) => results[kind].map((x) => (x[key] as number) / hosts);
    const summary = (kind: Kind) => ({
        wallMsPerHost: { median: round(median(perHost(kind, "wallMs"))), best: round(Math.min(...perHost(kind, "wallMs"))) },
        cpuMsPerHost: { median: round(median(perHost(kind, "cpuMs"))), best: round(Math.min(...perHost(kind, "cpuMs"))) },
        ...(kind === "steps"
            ? { stepsUsPerHost: Object.fromEntries(Object.keys(results.steps[0].steps as object).map((s) => [s, round(median(results.steps.map((x) => (x.steps as Record<string, number>)[s] * 1000 / hosts)), 1)])) }
            : {
                settledMsPerHost: round(median(perHost(kind, "settledMs"))),
                heapUsedMbAfterGc: round(median(results[kind].map((x) => x.heapMb as number)), 1),
                ...(kind === "components" ? { heapUsedMbAfterGcScriptsRead: round(median(results[kind].map((x) => x.heapMbScriptsRead as number)), 1) } : {}),
            }),
    });
    const components = summary("components");
    const sdk = summary("sdk");
    const result = {
        date: new Date().toISOString().slice(0, 10),
        node: process.version,
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        // Above the core count, other work on the machine inflates the wall times.
        loadAverage1m: { before: round(loadBefore, 2), after: round(os.loadavg()[0], 2) },
        hosts,
        warmUpHosts: warm,
        runs,
        components,
        sdk,
        // What the components add to the floor in place (medians): our steps, their garbage, our frames in the SDK's stacks.
        componentsOverSdkMsPerHost: { wall: round(components.wallMsPerHost.median - sdk.wallMsPerHost.median), cpu: round(components.cpuMsPerHost.median - sdk.cpuMsPerHost.median) },
        sdkCommandOnly: summary("sdk-command"),
        sdkUnpaused: summary("sdk-unpaused"),
        ours: summary("steps"),
    };
    writeFileSync(path.join(__dirname, "..", "..", "bench", "results", "components.json"), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main();
