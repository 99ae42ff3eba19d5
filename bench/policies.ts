/**
 * Throughput of the whole policy pack on a synthetic 10,000-resource stack, through the
 * @pulumi/policy runtime's own handlers (deserialization, unknown-checking proxy, config and
 * not-applicable handling included; gRPC transport excluded):
 *  - analyze: every resource policy on every resource, one call per resource, as in a preview;
 *  - analyzeStack: every stack policy once over all resources, as at the end of a preview.
 * A resource-check is one policy looking at one resource. The same run with policies that do
 * nothing gives the runtime's own share. Results go to bench/results/policies.json.
 *
 * Run: npm run bench:policies [-- <resources>]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { componentTypes, databaseHostRole, hostTags, irisEndpoints, osEndpoints } from "../components/catalog";
import { hardeningOutput, hardeningPlan } from "../components/plan";
import { validateProfile } from "../components/profile";
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

async function main(): Promise<void> {
    const count = Number(process.argv[2] ?? 10_000);
    const resourcePolicies = policies.filter((p) => !("validateStack" in p)).length;
    const stackPolicies = policies.length - resourcePolicies;
    const stack = syntheticStack(count);
    // Requests are what the engine sends: built outside the timed region.
    const requests = stack.map((r) => SdkAnalyzer.analyzeRequest(r));
    const stackRequest = SdkAnalyzer.stackRequest(stack);
    const measure = async (sdk: SdkAnalyzer) => {
        const run = async () => {
            let violations = 0;
            const t0 = performance.now();
            for (const request of requests) violations += (await sdk.analyze(request)).diagnostics.length;
            const t1 = performance.now();
            violations += (await sdk.analyzeStack(stackRequest)).diagnostics.length;
            const t2 = performance.now();
            return { analyzeMs: t1 - t0, analyzeStackMs: t2 - t1, violations };
        };
        await run(); // warm-up: JIT and the pack's config caches
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push(await run());
        return { runs, best: runs.reduce((a, b) => (a.analyzeMs + a.analyzeStackMs <= b.analyzeMs + b.analyzeStackMs ? a : b)) };
    };
    const { runs, best } = await measure(new SdkAnalyzer(policies));
    const noop = policies.map((p) => ("validateStack" in p ? { ...p, validateStack: () => undefined } : { ...p, validateResource: () => undefined, remediateResource: undefined }));
    const baseline = (await measure(new SdkAnalyzer(noop))).best;

    const checks = { analyze: count * resourcePolicies, analyzeStack: count * stackPolicies };
    const totalMs = best.analyzeMs + best.analyzeStackMs;
    const results = {
        date: new Date().toISOString(),
        node: process.version,
        cpu: `${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} cores)`,
        resources: count,
        policies: { resource: resourcePolicies, stack: stackPolicies },
        violationsReported: best.violations,
        analyze: { ms: round(best.analyzeMs), resourcesPerSecond: rate(count, best.analyzeMs), resourceChecksPerSecond: rate(checks.analyze, best.analyzeMs) },
        analyzeStack: { ms: round(best.analyzeStackMs), resourceChecksPerSecond: rate(checks.analyzeStack, best.analyzeStackMs) },
        total: { ms: round(totalMs), resourceChecks: checks.analyze + checks.analyzeStack, resourceChecksPerSecond: rate(checks.analyze + checks.analyzeStack, totalMs) },
        runsMs: runs.map((r) => round(r.analyzeMs + r.analyzeStackMs)),
        /** The same calls with policies that do nothing: the runtime's deserialization and bookkeeping. */
        runtimeOnlyMs: { analyze: round(baseline.analyzeMs), analyzeStack: round(baseline.analyzeStackMs) },
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
