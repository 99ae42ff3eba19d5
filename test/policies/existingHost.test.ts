/**
 * A database host created outside the components and hardened by ExistingHost, collected under
 * mocks: the stack policy finds the hardening through the SSH command's dependency on the
 * instance's address (`propertyDependencies.connection`), as the engine would report it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { databaseHostRole, hostTags } from "../../components/catalog";
import { hardeningRunWithoutFindings } from "../../policies/results";
import { databaseHostHardened } from "../../policies/stack";
import { gtmInput } from "../helpers/profiles";
import type { Result } from "../helpers/policies/harness";
import { collect, evaluateStack, type Collected } from "../helpers/policies/stack";

async function program(): Promise<void> {
    const aws = await import("@pulumi/aws");
    const { ExistingHost } = await import("../../components/existingHost");
    const tags = { [hostTags.role]: databaseHostRole };
    const hardened = new aws.ec2.Instance("hardened", { ami: "ami-0123", instanceType: "m6i.large", privateIp: "10.0.1.10", tags });
    new aws.ec2.Instance("forgotten", { ami: "ami-0123", instanceType: "m6i.large", privateIp: "10.0.1.11", tags });
    new ExistingHost("hardened", { profile: gtmInput({ name: "hardened" }), connection: { host: hardened.privateIp, privateKey: "key" }, detectDrift: false });
}

describe("a host hardened by ExistingHost", () => {
    let stack: Collected;
    let result: Result;

    beforeAll(async () => {
        stack = await collect(program);
        result = await evaluateStack([databaseHostHardened, hardeningRunWithoutFindings], stack);
    });

    it("is linked to its hardening through the command that connects to it", () => {
        const command = stack.outputs.find((r) => r.type === "command:remote:Command");
        const instance = stack.outputs.find((r) => r.type === "aws:ec2/instance:Instance" && r.name === "hardened");
        expect(command?.propertyDependencies?.connection).toEqual([instance?.urn]);
    });

    it("passes, while the instance nothing hardens fails", () => {
        expect(result.diagnostics.map((d) => d.message.split("\n")[1])).toEqual([expect.stringMatching(/^forgotten is not inside a hardening component/)]);
    });

    it("registers the run's summary where the results policy reads it (the mock run found nothing)", () => {
        expect(result.checked[hardeningRunWithoutFindings.name]).toBe(1);
        expect(result.notApplicable.filter((n) => n.policyName === hardeningRunWithoutFindings.name)).toEqual([]);
    });
});
