/**
 * Throughput of the policy pack on a synthetic 10,000-resource stack, through the @pulumi/policy
 * runtime's own handlers (deserialization, unknown-checking proxy, config and not-applicable
 * handling included; gRPC transport excluded), side by side with @pulumi/awsguard 0.3.1, in
 * CPU time of the benchmark's process (all times below are CPU milliseconds):
 *  - analyze: every resource policy on every resource, one call per resource, as in a preview;
 *  - analyzeStack: every stack policy once over all resources, as at the end of a preview.
 * A resource-check is one policy looking at one resource. Each policy set also runs with its
 * policies' checks replaced by ones that do nothing (same types, so the runtime takes the same
 * path): that time is the runtime's own (deserialization and bookkeeping), the rest is policy time.
 *
 * awsguard 0.3.1 (bench/package.json, installed by `npm run bench:policies`, not by the package)
 * has no security-group policies; its EC2 policies are taken from its `compute` module as plain
 * policy objects, without constructing its pack (which would start a policy server). Comparable:
 * `ec2-instance-no-public-ip` ~ database-host-no-public-ip, `encrypted-volumes` ~
 * database-host-encrypted-volumes; its other two EC2 policies (detailed monitoring, volume in use)
 * have no counterpart and run in the "awsguard EC2" set. Runs of the sets are interleaved, and
 * the best of five is kept. Results go to bench/results/policies.json.
 *
 * Run: npm run bench:policies [-- <resources>]
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

/** The same policies with checks that do nothing, keeping the type a validation is tied to (the runtime skips other types unread). */
function noop(set: Policies): Policies {
    const nothing = (v: unknown) => Object.assign(() => undefined, { __pulumiType: (v as { __pulumiType?: string }).__pulumiType });
    return set.map((p) => ("validateStack" in p
        ? { ...p, validateStack: () => undefined }
        : { ...p, validateResource: Array.isArray(p.validateResource) ? p.validateResource.map(nothing) : nothing(p.validateResource), remediateResource: undefined }));
}

interface Run {
    analyzeMs: number;
    analyzeStackMs: number;
    violations: number;
}

async function main(): Promise<void> {
    const count = Number(process.argv[2] ?? 10_000);
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
    // The comparable sets again on the stack's instances alone: the resources both packs' policies read.
    const instances = stack.filter((r) => r.type === awsTypes.instance).map((r) => SdkAnalyzer.analyzeRequest(r));
    const analyzers = [
        ...Object.entries(sets).map(([name, set]) => ({ name, set, requests })),
        ...["mdb-hardening comparable", "awsguard comparable"].map((name) => ({ name: `${name}, instances only`, set: sets[name], requests: instances })),
    ].map((a) => ({ ...a, real: new SdkAnalyzer(a.set), runtime: new SdkAnalyzer(noop(a.set)) }));
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
    const best = (runs: Run[]) => runs.reduce((a, b) => (a.analyzeMs + a.analyzeStackMs <= b.analyzeMs + b.analyzeStackMs ? a : b));
    const runs = new Map(analyzers.map((a) => [a.name, { real: [] as Run[], runtime: [] as Run[] }]));
    // Warm-up (JIT, the pack's config caches), then five interleaved rounds.
    for (let round = 0; round < 6; round++) {
        for (const a of analyzers) {
            const real = await run(a.real, a.set, a.requests);
            const runtime = await run(a.runtime, a.set, a.requests);
            if (round > 0) runs.get(a.name)!.real.push(real), runs.get(a.name)!.runtime.push(runtime);
        }
    }
    const results = {
        date: new Date().toISOString(),
        node: process.version,
        cpu: `${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} cores)`,
        loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
        resources: count,
        sets: Object.fromEntries(analyzers.map(({ name, set, requests: sent }) => {
            const { real, runtime } = runs.get(name)!;
            const [r, base] = [best(real), best(runtime)];
            const resourcePolicies = set.filter((p) => !("validateStack" in p)).length;
            const checks = sent.length * set.length;
            const totalMs = r.analyzeMs + r.analyzeStackMs;
            const runtimeMs = base.analyzeMs + base.analyzeStackMs;
            const policyMs = Math.max(0, totalMs - runtimeMs);
            return [name, {
                resources: sent.length,
                policies: { resource: resourcePolicies, stack: set.length - resourcePolicies, names: set.map((p) => p.name) },
                violationsReported: r.violations,
                resourceChecks: checks,
                totalMs: round(totalMs),
                runtimeMs: round(runtimeMs),
                policyMs: round(policyMs),
                analyze: { ms: round(r.analyzeMs), runtimeMs: round(base.analyzeMs) },
                analyzeStack: { ms: round(r.analyzeStackMs), runtimeMs: round(base.analyzeStackMs) },
                resourceChecksPerSecond: rate(checks, totalMs),
                policyNsPerResourceCheck: Math.round((policyMs * 1e6) / checks),
                runsMs: real.map((x) => round(x.analyzeMs + x.analyzeStackMs)),
            }];
        })),
    };
    const file = path.join(__dirname, "results", "policies.json");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
}

function round(ms: number): number {
    return Math.round(ms * 10) / 10;
}

function rate(n: number, ms: number): number {
    return Math.round(n / (ms / 1000));
}

main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
});
