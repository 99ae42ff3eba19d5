/**
 * Preview unknowns, as the @pulumi/policy runtime surfaces them: reading an unknown property
 * throws UnknownValueError, which the runtime turns into an advisory "can't run during preview"
 * diagnostic. The policies never catch it, so an unknown never passes a resource silently and
 * never crashes the pack. Checked with the harness and with the runtime's own handlers.
 */
import { types } from "node:util";
import { describe, expect, it } from "vitest";
import { irisEndpoints } from "../../components/catalog";
import { databaseHostEncryptedVolumes, databaseHostImdsv2, databaseHostNoPublicIp } from "../../policies/instances";
import { policies } from "../../policies/pack";
import { noWorldIngressToDatabasePorts } from "../../policies/securityGroups";
import { databaseHostHardened } from "../../policies/stack";
import { plainView } from "../../policies/unknowns";
import { evaluate, received, unknown, UnknownValueError, type Resource } from "../helpers/policies/harness";
import { dbTags, hardenedInstanceProps, instance, securityGroup, tcp } from "../helpers/policies/resources";
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

describe("plain data behind the proxy (the pinned SDK's internals the policies read)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("@pulumi/policy/proxy") as Record<string, unknown>;
    const messageOf = (read: () => unknown) => {
        try {
            read();
        } catch (e) {
            expect(e).toBeInstanceOf(UnknownValueError);
            return (e as Error).message;
        }
        throw new Error("no UnknownValueError");
    };

    it("finds the data behind the proxy; each of the SDK's sentinels, however deep, leaves its property to the proxy", () => {
        // The internals plainView reads, at the pinned SDK: the target key and the seven sentinels.
        expect(typeof sdk.getSpecialProxyTarget).toBe("string");
        for (const kind of ["Boolean", "Number", "String", "Array", "Asset", "Archive", "Object"]) expect(typeof sdk[`unknown${kind}Value`], kind).toBe("string");
        const view = plainView(received({ a: 1, b: { c: [1] } }));
        expect(types.isProxy(view) || types.isProxy(view.b)).toBe(false);
        expect(view).toEqual({ a: 1, b: { c: [1] } });
        const plain = { a: 1 };
        expect(plainView(plain)).toBe(plain);
        for (const sentinel of Object.values(unknown)) {
            const partly = plainView(received({ a: 1, u: { deep: [sentinel] } }));
            expect(types.isProxy(partly.u)).toBe(true);
            expect(() => (partly.u as { deep: unknown[] }).deep[0]).toThrow(UnknownValueError);
            expect(partly.a).toBe(1);
        }
    });

    it("known properties are plain; one with an unknown anywhere in it throws as the proxy does, with the same path", () => {
        const given = { tags: dbTags, subnetId: unknown.string, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: unknown.boolean }] };
        const proxied = received(given);
        const props = plainView(proxied);
        expect(types.isProxy(props.tags)).toBe(false);
        expect(props.tags).toEqual(dbTags);
        expect(Object.keys(props).sort()).toEqual(Object.keys(given).sort());
        expect(messageOf(() => props.subnetId)).toBe(messageOf(() => proxied.subnetId));
        const devices = props.ebsBlockDevices as { deviceName: string; encrypted: boolean }[];
        expect(devices[0].deviceName).toBe("/dev/sdf");
        expect(messageOf(() => devices[0].encrypted)).toBe(messageOf(() => (proxied.ebsBlockDevices as { encrypted: boolean }[])[0].encrypted));
    });

    it("an unknown a policy does not read leaves it judging the rest; one it reads stops it, as through the proxy", async () => {
        const publicHost = instance("db", hardenedInstanceProps({ subnetId: unknown.string, associatePublicIpAddress: true }));
        expect((await evaluate([databaseHostNoPublicIp], [publicHost])).diagnostics).toEqual([expect.objectContaining({ policyName: databaseHostNoPublicIp.name, enforcementLevel: "mandatory", message: expect.stringContaining("associatePublicIpAddress is true") })]);
        const vague = instance("db", hardenedInstanceProps({ ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: unknown.boolean }] }));
        expect((await evaluate([databaseHostEncryptedVolumes], [vague])).diagnostics).toEqual([
            { ...cantRun(databaseHostEncryptedVolumes.name), message: expect.stringContaining("boolean value at .ebsBlockDevices.0.encrypted") },
        ]);
    });
});
