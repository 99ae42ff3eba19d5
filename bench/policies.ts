/**
 * Throughput of the policy pack on a synthetic 10,000-resource stack, through the @pulumi/policy
 * runtime's own handlers (deserialization, unknown-checking proxy, config and not-applicable
 * handling included; gRPC transport excluded), side by side with @pulumi/awsguard 0.3.1:
 *  - analyze: every resource policy on every resource, one call per resource, as in a preview;
 *  - analyzeStack: every stack policy once over all resources, as at the end of a preview.
 * A resource-check is one policy looking at one resource.
 *  - Total: CPU time of the benchmark's process for the whole run (what the pack costs a preview).
 *  - Policy time: time spent inside the policies' own validation functions, measured by a second
 *    run with each validation wrapped in a high-resolution clock, less the wrapper's own cost
 *    (calibrated on an empty validation). What a policy does to say "not applicable" (a throw) is
 *    policy time; what the runtime then does with that verdict, as for a policy it skips by type
 *    unread, is the runtime's.
 *  - Runtime: total less policy time (deserialization, proxies, bookkeeping, responses).
 *
 * awsguard 0.3.1 (bench/package.json, installed by `npm run bench:policies`, not by the package)
 * has no security-group policies; its EC2 policies are taken from its `compute` module as plain
 * policy objects, without constructing its pack (which would start a policy server). Comparable:
 * `ec2-instance-no-public-ip` ~ database-host-no-public-ip, `encrypted-volumes` ~
 * database-host-encrypted-volumes; its other two EC2 policies (detailed monitoring, volume in use)
 * have no counterpart and run in the "awsguard EC2" set. Runs of the sets are interleaved, and
 * the best of five is kept.
 *
 * Run: npm run bench:policies [-- <resources> [<results file>]] (default bench/results/policies.json)
 */
import type { Policies, ResourceValidationPolicy } from "@pulumi/policy";
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { componentTypes, databaseHostRole, hostTags, irisEndpoints, osEndpoints } from "../components/catalog";
import { hardeningOutput, hardeningPlan } from "../components/plan";
import { validateProfile } from "../components/profile";
import { databaseHostEncryptedVolumes, databaseHostNoPublicIp } from "../policies/instances";
import { ruleTypes } from "../policies/network";
import { policies } from "../policies/pack";
import { awsTypes } from "../policies/resources";
import type { Resource } from "../test/helpers/policies/harness";
import { SdkAnalyzer } from "../test/helpers/policies/sdk";

/**
 * A stack of database hosts, ten resources each, shaped as the components build them: host
 * component, security-group component and group (inline rules), two standalone rules, instance,
 * EBS volume, subnet, route table and association. Every tenth host opens its superserver to
 * the world, so reporting is part of the cost.
 */
function syntheticStack(resources: number): Resource[] {
    const hardening = hardeningOutput(hardeningPlan(validateProfile({ name: "bench", product: "yottadb", environment: "production",
        distribution: { path: "/opt/yottadb/r2.02", members: ["app"] }, network: { adminCidrs: ["10.250.0.0/24"] } })));
    const tcp = (port: number, cidr: string) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [cidr] });
    const stack: Resource[] = [];
    for (let i = 0; stack.length < resources; i++) {
        const n = (name: string) => `${name}-${i}`;
        const sources = i % 10 === 0 ? "0.0.0.0/0" : "10.1.0.0/24";
        stack.push(
            { type: componentTypes.databaseHost, name: n("host"), props: { hardening } },
            { type: "mdb-hardening:index:DatabaseSecurityGroup", name: n("sg-component"), props: {}, parent: n("host") },
            {
                type: ruleTypes.securityGroup, name: n("sg"), parent: n("sg-component"),
                props: {
                    vpcId: "vpc-1",
                    tags: { [hostTags.environment]: "production" },
                    ingress: [tcp(osEndpoints.ssh.port, "10.250.0.0/24"), tcp(irisEndpoints.superserver.port, sources), tcp(irisEndpoints.licenseQueryCallback.port, "10.2.0.10/32")],
                    egress: [{ protocol: "udp", fromPort: irisEndpoints.licenseServer.port, toPort: irisEndpoints.licenseServer.port, cidrBlocks: ["10.2.0.10/32"] }],
                },
            },
            { type: ruleTypes.securityGroupRule, name: n("rule"), props: { type: "ingress", ...tcp(8443, "10.1.0.0/24"), securityGroupId: "sg-1" }, propertyDependencies: { securityGroupId: [n("sg")] } },
            { type: ruleTypes.ingressRule, name: n("vpc-rule"), props: { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.1.0.0/24", securityGroupId: "sg-1" }, propertyDependencies: { securityGroupId: [n("sg")] } },
            { type: awsTypes.subnet, name: n("subnet"), props: { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", mapPublicIpOnLaunch: false } },
            { type: awsTypes.routeTable, name: n("rt"), props: { vpcId: "vpc-1", routes: [] } },
            { type: awsTypes.routeTableAssociation, name: n("rta"), props: {}, propertyDependencies: { subnetId: [n("subnet")], routeTableId: [n("rt")] } },
            {
                type: awsTypes.instance, name: n("instance"), parent: n("host"),
                props: {
                    ami: "ami-0123", instanceType: "m6i.large", associatePublicIpAddress: false,
                    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
                    rootBlockDevice: { encrypted: true, volumeSize: 30 },
                    ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 100, encrypted: true }],
                    tags: { [hostTags.role]: databaseHostRole },
                },
                propertyDependencies: { subnetId: [n("subnet")], vpcSecurityGroupIds: [n("sg")] },
            },
            { type: awsTypes.volume, name: n("journal"), props: { availabilityZone: "eu-west-1a", size: 100, encrypted: true, tags: { [hostTags.role]: databaseHostRole } } },
        );
    }
    return stack.slice(0, resources);
}

/** awsguard 0.3.1's EC2 policy objects, from bench/node_modules (its own @pulumi/aws 4 and @pulumi/policy). */
function awsguardEc2(): Record<string, ResourceValidationPolicy> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compute = require(path.join(__dirname, "node_modules", "@pulumi", "awsguard", "compute")) as Record<string, ResourceValidationPolicy>;
    const { ec2InstanceNoPublicIP, encryptedVolumes, ec2InstanceDetailedMonitoringEnabled, ec2VolumeInUse } = compute;
    return { ec2InstanceNoPublicIP, encryptedVolumes, ec2InstanceDetailedMonitoringEnabled, ec2VolumeInUse };
}

/** Time spent inside validation functions, in nanoseconds. */
interface Clock {
    ns: bigint;
    calls: number;
}

/** Runs `validate` on the clock; the function keeps the type it is tied to, so the runtime skips other types unread as before. */
function onClock<F extends (...args: never[]) => unknown>(validate: F, clock: Clock): F {
    const timed = (...args: Parameters<F>) => {
        const t0 = process.hrtime.bigint();
        try {
            return validate(...args);
        } finally {
            clock.ns += process.hrtime.bigint() - t0;
            clock.calls++;
        }
    };
    return Object.assign(timed, { __pulumiType: (validate as { __pulumiType?: string }).__pulumiType }) as unknown as F;
}

/** The same policies with every validation on its policy's clock. */
function timed(set: Policies, clocks: Map<string, Clock>): Policies {
    return set.map((p) => {
        const clock: Clock = { ns: 0n, calls: 0 };
        clocks.set(p.name, clock);
        return "validateStack" in p
            ? { ...p, validateStack: onClock(p.validateStack, clock) }
            : { ...p, validateResource: Array.isArray(p.validateResource) ? p.validateResource.map((v) => onClock(v, clock)) : onClock(p.validateResource!, clock), remediateResource: undefined };
    });
}

/** The clock's own cost per call, from an empty validation called as the runtime calls one. */
function wrapperNs(): number {
    const clock: Clock = { ns: 0n, calls: 0 };
    const empty = onClock(() => undefined, clock);
    for (let round = 0; round < 3; round++) {
        clock.ns = 0n;
        clock.calls = 0;
        for (let i = 0; i < 200_000; i++) empty();
    }
    return Number(clock.ns) / clock.calls;
}

interface Run {
    analyzeMs: number;
    analyzeStackMs: number;
    violations: number;
}

async function main(): Promise<void> {
    const count = Number(process.argv[2] ?? 10_000);
    const file = path.resolve(process.argv[3] ?? path.join(__dirname, "results", "policies.json"));
    const stack = syntheticStack(count);
    // Requests are what the engine sends: built outside the timed region.
    const requests = stack.map((r) => SdkAnalyzer.analyzeRequest(r));
    const stackRequest = SdkAnalyzer.stackRequest(stack);
    const guard = awsguardEc2();
    const sets: Record<string, Policies> = {
        "mdb-hardening": policies,
        "mdb-hardening comparable": [databaseHostNoPublicIp, databaseHostEncryptedVolumes],
        "awsguard comparable": [guard.ec2InstanceNoPublicIP, guard.encryptedVolumes],
        "awsguard EC2": Object.values(guard),
    };
    // The comparable sets again on the stack's instances alone, the resources both packs' policies read: ten passes over them,
    // as their policy time is small enough for one preempted thread to blur a single pass.
    const instanceRequests = stack.filter((r) => r.type === awsTypes.instance).map((r) => SdkAnalyzer.analyzeRequest(r));
    const instances = Array.from({ length: 10 }, () => instanceRequests).flat();
    const analyzers = [
        ...Object.entries(sets).map(([name, set]) => ({ name, set, requests })),
        ...["mdb-hardening comparable", "awsguard comparable"].map((name) => ({ name: `${name}, instances only`, set: sets[name], requests: instances })),
    ].map((a) => {
        const clocks = new Map<string, Clock>();
        return { ...a, clocks, plain: new SdkAnalyzer(a.set), timed: new SdkAnalyzer(timed(a.set, clocks)) };
    });
    // CPU time of this process, not wall time: on a shared machine the wall clock also counts the time other processes had the CPU.
    const cpuMs = () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
    };
    const run = async (sdk: SdkAnalyzer, set: Policies, requests: readonly ReturnType<typeof SdkAnalyzer.analyzeRequest>[]): Promise<Run> => {
        let violations = 0;
        const t0 = cpuMs();
        for (const request of requests) violations += (await sdk.analyze(request)).diagnostics.length;
        const t1 = cpuMs();
        if (set.some((p) => "validateStack" in p)) violations += (await sdk.analyzeStack(stackRequest)).diagnostics.length;
        const t2 = cpuMs();
        return { analyzeMs: t1 - t0, analyzeStackMs: t2 - t1, violations };
    };
    const overheadNs = wrapperNs();
    const totalOf = (r: Run) => r.analyzeMs + r.analyzeStackMs;
    const results = new Map(analyzers.map((a) => [a.name, { total: [] as Run[], policyMs: [] as number[], calls: 0, byPolicy: new Map<string, number[]>() }]));
    const netMs = (c: Clock) => Math.max(0, Number(c.ns) - overheadNs * c.calls) / 1e6;
    // Warm-up (JIT, the pack's config caches), then five interleaved rounds.
    for (let round = 0; round < 6; round++) {
        for (const a of analyzers) {
            const total = await run(a.plain, a.set, a.requests);
            for (const c of a.clocks.values()) Object.assign(c, { ns: 0n, calls: 0 });
            await run(a.timed, a.set, a.requests);
            const r = results.get(a.name)!;
            if (round === 0) continue;
            const clocks = [...a.clocks.values()];
            r.total.push(total);
            r.policyMs.push(clocks.reduce((sum, c) => sum + netMs(c), 0));
            r.calls = clocks.reduce((sum, c) => sum + c.calls, 0);
            for (const [name, c] of a.clocks) r.byPolicy.set(name, [...(r.byPolicy.get(name) ?? []), netMs(c)]);
        }
    }
    const output = {
        date: new Date().toISOString(),
        node: process.version,
        cpu: `${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} cores)`,
        loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
        resources: count,
        clockOverheadNsPerCall: Math.round(overheadNs),
        sets: Object.fromEntries(analyzers.map(({ name, set, requests: sent }) => {
            const { total, policyMs, calls, byPolicy } = results.get(name)!;
            const best = total.reduce((a, b) => (totalOf(a) <= totalOf(b) ? a : b));
            const policy = Math.min(...policyMs);
            const resourcePolicies = set.filter((p) => !("validateStack" in p)).length;
            const checks = sent.length * resourcePolicies + (set.length - resourcePolicies) * stack.length;
            return [name, {
                analyzeCalls: sent.length,
                policies: { resource: resourcePolicies, stack: set.length - resourcePolicies, names: set.map((p) => p.name) },
                violationsReported: best.violations,
                resourceChecks: checks,
                validationCalls: calls,
                totalMs: round(totalOf(best)),
                analyzeMs: round(best.analyzeMs),
                analyzeStackMs: round(best.analyzeStackMs),
                policyMs: round(policy),
                runtimeMs: round(Math.max(0, totalOf(best) - policy)),
                totalNsPerResourceCheck: Math.round((totalOf(best) * 1e6) / checks),
                policyNsPerResourceCheck: Math.round((policy * 1e6) / checks),
                totalRunsMs: total.map((x) => round(totalOf(x))),
                policyRunsMs: policyMs.map(round),
                // Each policy's best run: where the policy time goes.
                policyMsByPolicy: Object.fromEntries([...byPolicy].map(([policy, runs]) => [policy, round(Math.min(...runs))])),
            }];
        })),
    };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
    console.log(JSON.stringify(output, null, 2));
}

function round(ms: number): number {
    return Math.round(ms * 10) / 10;
}

main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
});
