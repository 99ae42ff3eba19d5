/**
 * Preview unknowns, as the @pulumi/policy runtime surfaces them: reading an unknown property
 * throws UnknownValueError, which the runtime turns into an advisory "can't run during preview"
 * diagnostic. The policies never catch it, so an unknown never passes a resource silently and
 * never crashes the pack. Checked with the harness and with the runtime's own handlers.
 */
import { describe, expect, it } from "vitest";
import { irisEndpoints } from "../../components/catalog";
import { databaseHostImdsv2, databaseHostNoPublicIp } from "../../policies/instances";
import { policies } from "../../policies/pack";
import { noWorldIngressToDatabasePorts } from "../../policies/securityGroups";
import { databaseHostHardened } from "../../policies/stack";
import { evaluate, unknown, type Resource } from "../helpers/policies/harness";
import { hardenedInstanceProps, instance, securityGroup, tcp } from "../helpers/policies/resources";
import { SdkAnalyzer } from "../helpers/policies/sdk";

const { superserver } = irisEndpoints;
const cantRun = (policy: string) => ({ policyName: policy, enforcementLevel: "advisory", message: expect.stringMatching(new RegExp(`^can't run policy '${policy}' .*during preview: string value at \\.`)) });

describe("preview unknowns", () => {
    it("a rule whose source is unknown is not passed: the policy cannot run and says so", async () => {
        const sg = securityGroup("sg", [tcp(superserver.port, unknown.string)]);
        const result = await evaluate([noWorldIngressToDatabasePorts], [sg]);
        expect(result.diagnostics).toEqual([cantRun(noWorldIngressToDatabasePorts.name)]);
    });

    it("an unknown peer on a port no policy guards does not stop the check", async () => {
        const sg = securityGroup("sg", [tcp(443, unknown.string), tcp(superserver.port, "0.0.0.0/0")]);
        const result = await evaluate([noWorldIngressToDatabasePorts], [sg]);
        expect(result.diagnostics.map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
    });

    it("unknown tags and unknown instance options make host policies unable to run, not pass", async () => {
        const untaggable = instance("db", hardenedInstanceProps({ tags: unknown.object }));
        expect((await evaluate([databaseHostNoPublicIp], [untaggable])).diagnostics).toEqual([
            { ...cantRun(databaseHostNoPublicIp.name), message: expect.stringContaining("Object value at .tags") },
        ]);
        const vague = instance("db", hardenedInstanceProps({ associatePublicIpAddress: unknown.boolean }));
        expect((await evaluate([databaseHostNoPublicIp], [vague])).diagnostics).toEqual([
            { ...cantRun(databaseHostNoPublicIp.name), message: expect.stringContaining("boolean value at .associatePublicIpAddress") },
        ]);
    });

    it("the stack policy reads only the plain-data hardening output, so unknown ids do not stop it", async () => {
        const resources: Resource[] = [
            { type: "mdb-hardening:index:DatabaseHost", name: "h", props: { instanceId: unknown.string, privateIp: unknown.string, hardening: { product: "iris", serviceDisabling: { enabled: true } } } },
            instance("db", hardenedInstanceProps({ id: unknown.string, arn: unknown.string }), { parent: "h" }),
        ];
        expect(await evaluate([databaseHostHardened], resources)).toEqual({ diagnostics: [], notApplicable: [], checked: { [databaseHostHardened.name]: 1 } });
    });
});

describe("the harness agrees with the runtime's own handlers", () => {
    const sdk = new SdkAnalyzer(policies);

    it("violations, unknowns and not-applicable come out the same", async () => {
        const cases: Resource[] = [
            securityGroup("sg", [tcp(superserver.port, "0.0.0.0/0")]),
            securityGroup("sg", [tcp(superserver.port, unknown.string)]),
            instance("db", hardenedInstanceProps({ associatePublicIpAddress: true, metadataOptions: { httpTokens: unknown.string } })),
            { type: "aws:s3/bucket:Bucket", name: "b", props: {} },
        ];
        for (const resource of cases) {
            const fromSdk = await sdk.analyze(SdkAnalyzer.analyzeRequest(resource));
            const fromHarness = await evaluate(policies.filter((p) => !("validateStack" in p)), [resource]);
            const shape = (ds: { policyName: string; enforcementLevel: string; message: string }[]) =>
                ds.map((d) => ({ policyName: d.policyName, enforcementLevel: d.enforcementLevel, message: d.message.replace(/ from policy pack '[^']+'/, "") })).sort((a, b) => a.policyName.localeCompare(b.policyName));
            expect(shape(fromHarness.diagnostics)).toEqual(shape(fromSdk.diagnostics));
            expect(fromHarness.notApplicable.map((n) => n.policyName).sort()).toEqual([...fromSdk.notApplicable].sort());
        }
    });

    it("stack policies see parents and outputs the same way", async () => {
        const resources: Resource[] = [
            { type: "mdb-hardening:index:DatabaseHost", name: "h", props: { hardening: { product: "gtm", serviceDisabling: { enabled: true }, distributionRestriction: { enabled: false } } } },
            instance("db", hardenedInstanceProps(), { parent: "h" }),
        ];
        const fromSdk = await sdk.analyzeStack(SdkAnalyzer.stackRequest(resources));
        const fromHarness = await evaluate(policies.filter((p) => "validateStack" in p), resources);
        expect(fromSdk.diagnostics.map((d) => d.policyName)).toEqual(["database-host-hardened"]);
        expect(fromHarness.diagnostics.map((d) => d.message)).toEqual(fromSdk.diagnostics.map((d) => d.message));
    });

    it("the IMDSv2 remediation runs in the runtime, keeping unknowns it does not touch", async () => {
        const request = SdkAnalyzer.analyzeRequest(instance("db", hardenedInstanceProps({ ami: unknown.string, metadataOptions: { httpTokens: "optional" } })));
        // Remediations run only at level "remediate", which the runtime reads from config: run a copy set to it.
        const remediating = new SdkAnalyzer([{ ...databaseHostImdsv2, enforcementLevel: "remediate" }]);
        const [fix] = await remediating.remediate(request);
        expect(fix).toMatchObject({ policyName: databaseHostImdsv2.name, properties: { ami: unknown.string, metadataOptions: { httpTokens: "required" } } });
    });
});
