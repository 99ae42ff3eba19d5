import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { waiverTags } from "../../components/catalog";
import { initialConfig, policies } from "../../policies/pack";
import { ruleTypes } from "../../policies/network";
import { awsTypes } from "../../policies/resources";
import { evaluate, remediate, urnOf, type Resource } from "../helpers/policies/harness";
import { dbTags, hardenedInstanceProps, instance, securityGroup, tcp } from "../helpers/policies/resources";
import type { ResourceValidationPolicy } from "@pulumi/policy";

const world = "no-world-ingress-to-database-ports";
const waive = (policiesNamed: string, reason?: string, until?: string) => ({
    [waiverTags.policies]: policiesNamed,
    ...(reason === undefined ? {} : { [waiverTags.reason]: reason }),
    ...(until === undefined ? {} : { [waiverTags.until]: until }),
});
const openGroup = (tags: Record<string, string> = {}) => securityGroup("sg", [tcp(1972, "0.0.0.0/0")], [], tags);
// The runtime puts the policy's description before each message; the message is the last line.
const messages = (result: Awaited<ReturnType<typeof evaluate>>, policy: string) => result.diagnostics.filter((d) => d.policyName === policy).map((d) => d.message.split("\n").at(-1));

describe("per-resource waivers", () => {
    beforeEach(() => {
        vi.useFakeTimers();
        vi.setSystemTime(new Date("2026-12-02T12:00:00Z"));
    });
    afterEach(() => vi.useRealTimers());

    it("a tagged waiver with a reason makes the resource not applicable, with the reason, and the listing reports it", async () => {
        const result = await evaluate(policies, [openGroup(waive(`${world} legacy-services-closed`, "lab network behind a VPN", "2027-06-30"))]);
        expect(messages(result, world)).toEqual([]);
        expect(result.notApplicable).toContainEqual({ policyName: world, reason: "waived (tag mdb-hardening:waive): lab network behind a VPN (until 2027-06-30)" });
        expect(messages(result, "waivers-in-effect")).toEqual([
            `sg: ${world} waived (tag mdb-hardening:waive): lab network behind a VPN (until 2027-06-30).`,
            "sg: legacy-services-closed waived (tag mdb-hardening:waive): lab network behind a VPN (until 2027-06-30).",
        ]);
        expect(result.diagnostics.find((d) => d.policyName === "waivers-in-effect")?.enforcementLevel).toBe("advisory");
    });

    it("a waiver without a reason, past its date or with a malformed date is enforced as if absent, saying why", async () => {
        const cases: [Record<string, string>, string][] = [
            [waive(world), "it has no reason (mdb-hardening:waive-reason)"],
            [waive(world, "  "), "it has no reason (mdb-hardening:waive-reason)"],
            [waive(world, "temporary", "2026-12-01"), "it expired after 2026-12-01"],
            [waive(world, "temporary", "2026-02-30"), 'its date "2026-02-30" is not YYYY-MM-DD'],
        ];
        for (const [tags, why] of cases) {
            const result = await evaluate(policies, [openGroup(tags)]);
            const found = messages(result, world);
            expect(found, why).toHaveLength(1);
            expect(found[0]).toMatch(new RegExp(`\\(waiver not applied: ${why.replace(/[()]/g, "\\$&")}\\)$`));
            expect(messages(result, "waivers-in-effect")).toEqual([`sg: the waiver of ${world} (tag mdb-hardening:waive) is not applied: ${why}.`]);
        }
        // The last day still holds.
        expect(messages(await evaluate(policies, [openGroup(waive(world, "temporary", "2026-12-02"))]), world)).toEqual([]);
    });

    it("waives only the policies it names; the listing itself cannot be waived, and unknown names are reported", async () => {
        const result = await evaluate(policies, [openGroup(waive("legacy-services-closed waivers-in-effect no-such-policy", "why not"))]);
        expect(messages(result, world)).toHaveLength(1);
        expect(messages(result, "waivers-in-effect")).toEqual([
            "sg: legacy-services-closed waived (tag mdb-hardening:waive): why not.",
            "sg: the waiver of waivers-in-effect (tag mdb-hardening:waive) is not applied: waivers-in-effect cannot be waived.",
            'sg: waiver names "no-such-policy", which is no policy of this pack.',
        ]);
    });

    it("resources without tags are waived by URN in the shared waivers config, which the pack API sets on every policy", async () => {
        const group = openGroup();
        const urn = urnOf(group);
        const config = initialConfig({ waivers: [{ urn, policies: [world], reason: "migration window", until: "2026-12-31" }] });
        const result = await evaluate(policies, [group], { config: config as never });
        expect(messages(result, world)).toEqual([]);
        expect(messages(result, "waivers-in-effect")).toEqual([`sg: ${world} waived (config waivers): migration window (until 2026-12-31).`]);
        const stray = initialConfig({ waivers: [{ urn: "urn:pulumi:dev::p::aws:ec2/securityGroup:SecurityGroup::gone", policies: [world], reason: "old" }] });
        expect(messages(await evaluate(policies, [group], { config: stray as never }), "waivers-in-effect")).toEqual([
            `config waiver of ${world} names urn:pulumi:dev::p::aws:ec2/securityGroup:SecurityGroup::gone, which is no resource of this stack.`,
        ]);
        expect(() => initialConfig({ waivers: [{ urn, policies: ["no-such-policy"], reason: "x" }] })).toThrow(/the waiver for .* names unknown policy no-such-policy/);
    });

    it("a stack policy drops a violation on a waived resource; a waived resource is not remediated", async () => {
        const host = instance("db", hardenedInstanceProps({ associatePublicIpAddress: undefined, subnetId: "subnet-1", tags: { ...dbTags } }));
        const unhardened = await evaluate(policies, [host]);
        expect(messages(unhardened, "database-host-hardened")).toHaveLength(1);
        const waived = instance("db", hardenedInstanceProps({ tags: { ...dbTags, ...waive("database-host-hardened database-host-imdsv2", "hardened by the site's own tooling") } }));
        expect(messages(await evaluate(policies, [waived]), "database-host-hardened")).toEqual([]);
        const imds = policies.find((p) => p.name === "database-host-imdsv2") as ResourceValidationPolicy;
        const v1 = (tags: Record<string, string>) => instance("db", hardenedInstanceProps({ metadataOptions: { httpTokens: "optional" }, tags: { ...dbTags, ...tags } }));
        expect(await remediate(imds, v1(waive("database-host-imdsv2", "vendor agent needs IMDSv1")))).toBeUndefined();
        expect(await remediate(imds, v1({}))).toMatchObject({ metadataOptions: { httpTokens: "required" } });
    });

    describe("resources without tags take the waiver of what they belong to (stack policies)", () => {
        const elastic = "database-host-no-elastic-ip";
        const attached = "database-host-attached-volumes-encrypted";
        const combined = "no-world-ingress-combined";
        const host = (tags: Record<string, string> = {}) => instance("db", hardenedInstanceProps({ tags: { ...dbTags, ...tags } }));
        const association: Resource = { type: awsTypes.eipAssociation, name: "assoc", props: { allocationId: "eipalloc-1" }, propertyDependencies: { instanceId: ["db"] } };
        const eip: Resource = { type: awsTypes.eip, name: "ip", props: { domain: "vpc" }, propertyDependencies: { instance: ["db"] } };
        const volume = (tags: Record<string, string> = {}): Resource => ({ type: awsTypes.volume, name: "data", props: { size: 10, tags } });
        const attachment: Resource = { type: awsTypes.volumeAttachment, name: "data-db", props: { deviceName: "/dev/sdg" }, propertyDependencies: { instanceId: ["db"], volumeId: ["data"] } };

        it("an EipAssociation and an Eip take the host's waiver", async () => {
            expect(messages(await evaluate(policies, [host(), association, eip]), elastic)).toHaveLength(2);
            const waived = await evaluate(policies, [host(waive(elastic, "public test endpoint until cut-over")), association, eip]);
            expect(messages(waived, elastic)).toEqual([]);
            expect(messages(waived, "waivers-in-effect")).toEqual([`db: ${elastic} waived (tag mdb-hardening:waive): public test endpoint until cut-over.`]);
            // An expired host waiver is not inherited either, and the violation says why.
            const expired = await evaluate(policies, [host(waive(elastic, "old", "2026-01-31")), association]);
            expect(messages(expired, elastic)).toEqual([expect.stringMatching(/ \(waiver not applied: it expired after 2026-01-31\)$/)]);
        });

        it("a VolumeAttachment takes the waiver of its host or of its volume", async () => {
            expect(messages(await evaluate(policies, [host(), volume(), attachment]), attached)).toHaveLength(1);
            expect(messages(await evaluate(policies, [host(waive(attached, "scratch disk, no data")), volume(), attachment]), attached)).toEqual([]);
            expect(messages(await evaluate(policies, [host(), volume(waive(attached, "scratch disk, no data")), attachment]), attached)).toEqual([]);
        });

        it("a SecurityGroupRule is judged with its group and takes the group's waiver; outside the stack, its own config waiver", async () => {
            const group = (tags: Record<string, string> = {}) => securityGroup("sg", [tcp(1972, "0.0.0.0/1")], [], tags);
            const rule = (groupInStack: boolean): Resource => ({
                type: ruleTypes.securityGroupRule,
                name: "half",
                props: { type: "ingress", securityGroupId: groupInStack ? "sg-1" : "sg-0outside", ...tcp(1972, "128.0.0.0/1") },
                ...(groupInStack ? { propertyDependencies: { securityGroupId: ["sg"] } } : {}),
            });
            expect(messages(await evaluate(policies, [group(), rule(true)]), combined)).toHaveLength(1);
            expect(messages(await evaluate(policies, [group(waive(combined, "lab, behind a VPN")), rule(true)]), combined)).toEqual([]);
            const outside = [rule(false), { ...rule(false), name: "other-half", props: { ...rule(false).props, cidrBlocks: ["0.0.0.0/1"] } }];
            expect(messages(await evaluate(policies, outside), combined)).toHaveLength(1);
            const config = initialConfig({ waivers: [{ urn: urnOf(outside[0]), policies: [combined], reason: "lab, behind a VPN" }] });
            expect(messages(await evaluate(policies, outside, { config: config as never }), combined)).toEqual([]);
        });

        it("a vpc.SecurityGroupIngressRule carries tags: its own waiver holds for the resource policies", async () => {
            const vpcRule = (tags: Record<string, string>): Resource => ({ type: ruleTypes.ingressRule, name: "r", props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 1972, toPort: 1972, cidrIpv4: "0.0.0.0/0", tags } });
            expect(messages(await evaluate(policies, [vpcRule({})]), world)).toHaveLength(1);
            expect(messages(await evaluate(policies, [vpcRule(waive(world, "load test host"))]), world)).toEqual([]);
        });
    });
});
