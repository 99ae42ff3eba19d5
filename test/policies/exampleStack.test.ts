/**
 * The example stack (example.ts with Pulumi.example.yaml), collected under mocks, against the
 * whole pack with its defaults: no mandatory violations, and every policy that can apply did.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { componentTypes } from "../../components/catalog";
import { policies } from "../../policies/pack";
import { exampleConfig, projectRoot } from "../helpers/example";
import { violated, type Result } from "../helpers/policies/harness";
import { collect, evaluateStack, type Collected } from "../helpers/policies/stack";

describe("the example stack", () => {
    let stack: Collected;
    let result: Result;

    beforeAll(async () => {
        process.chdir(projectRoot);
        stack = await collect(() => import("../../example"), exampleConfig());
        result = await evaluateStack(policies, stack);
    });

    it("has database hosts inside the hardening component (the policies have something to check)", () => {
        const hosts = stack.outputs.filter((r) => r.type === "aws:ec2/instance:Instance");
        expect(hosts).toHaveLength(3);
        for (const host of hosts) {
            const parent = stack.outputs.find((r) => r.urn === host.parent);
            expect(parent?.type).toBe(componentTypes.databaseHost);
            expect(parent?.props).toHaveProperty("hardening.serviceDisabling.enabled", true);
        }
        expect(host(stack, "aws:ec2/instance:Instance").propertyDependencies?.subnetId).toEqual([host(stack, "aws:ec2/subnet:Subnet").urn]);
    });

    it("passes the pack with no mandatory violations", () => {
        expect(result.diagnostics.filter((d) => d.enforcementLevel === "mandatory")).toEqual([]);
        expect(violated(result, "advisory")).toEqual([]);
    });

    it("was checked by every policy (the waiver listing has none to list; the scripts run from user data, so no run summary)", () => {
        const nothingToCheck = ["waivers-in-effect", "hardening-run-without-findings"];
        expect(Object.keys(result.checked).sort()).toEqual(policies.map((p) => p.name).filter((name) => !nothingToCheck.includes(name)).sort());
    });
});

function host(stack: Collected, type: string) {
    const found = stack.outputs.find((r) => r.type === type);
    if (!found) throw new Error(`no ${type} in the stack`);
    return found;
}
