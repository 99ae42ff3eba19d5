import { describe, expect, it } from "vitest";
import { componentTypes, hardeningComponentTypes, previousComponentTypes } from "../../components/catalog";
import { hardeningOutput, hardeningPlan } from "../../components/plan";
import { databaseHostHardened } from "../../policies/stack";
import { validateProfile } from "../../components/profile";
import { gtmInput, iris } from "../helpers/profiles";
import { evaluate, type Resource, type RunOptions } from "../helpers/policies/harness";
import { hardenedInstanceProps, instance } from "../helpers/policies/resources";

const policy = databaseHostHardened;

async function messages(resources: Resource[], options?: RunOptions): Promise<string[]> {
    const result = await evaluate([policy], resources, options);
    return result.diagnostics.map((d) => d.message.split("\n")[1]);
}

/** A component as the stack policy sees it: its registered outputs (here, the real hardening plan). */
function component(type: string, name: string, hardening: unknown, parent?: string): Resource {
    return { type, name, props: hardening === undefined ? {} : { hardening }, parent };
}

const gtm = (overrides: Record<string, unknown> = {}) => validateProfile(gtmInput(overrides));

describe("database-host-hardened", () => {
    it("passes hosts created by DatabaseHost with a complete plan, for IRIS and GT.M", async () => {
        const resources = [
            component(componentTypes.databaseHost, "iris-host", hardeningOutput(hardeningPlan(iris()))),
            instance("iris-1", hardenedInstanceProps(), { parent: "iris-host" }),
            component(componentTypes.databaseHost, "gtm-host", hardeningOutput(hardeningPlan(gtm()))),
            instance("gtm-1", hardenedInstanceProps(), { parent: "gtm-host" }),
        ];
        const result = await evaluate([policy], resources);
        expect(result).toEqual({ diagnostics: [], notApplicable: [], checked: { [policy.name]: 1 } });
    });

    it("passes hosts of a stack not yet updated from the 0.1 tokens", async () => {
        const resources = [
            component(previousComponentTypes.databaseHost, "gtm-host", hardeningOutput(hardeningPlan(gtm()))),
            instance("gtm-1", hardenedInstanceProps(), { parent: "gtm-host" }),
            instance("db", hardenedInstanceProps()),
            component(previousComponentTypes.existingHost, "db-hardening", hardeningOutput(hardeningPlan(gtm()))),
            { type: "command:remote:Command", name: "harden", props: {}, parent: "db-hardening", propertyDependencies: { connection: ["db"] } },
        ];
        expect(await messages(resources)).toEqual([]);
    });

    it("passes a host hardened by an ExistingHost whose step connects to it", async () => {
        const resources = [
            instance("db", hardenedInstanceProps()),
            component(componentTypes.existingHost, "db-hardening", hardeningOutput(hardeningPlan(gtm()))),
            { type: "command:remote:Command", name: "harden", props: {}, parent: "db-hardening", propertyDependencies: { connection: ["db"] } },
        ];
        expect(await messages(resources)).toEqual([]);
    });

    it("flags a host no hardening component creates or depends on", async () => {
        const resources = [instance("db", hardenedInstanceProps()), component(componentTypes.existingHost, "other", hardeningOutput(hardeningPlan(iris())))];
        expect(await messages(resources)).toEqual([
            `db is not inside a hardening component (${hardeningComponentTypes.join(", ")}) and no such component depends on it, so nothing hardens its operating system.`,
        ]);
    });

    it("flags a plan without service disabling, or a GT.M/YottaDB plan without distribution restriction", async () => {
        const noServices = hardeningOutput(hardeningPlan(iris({ hardening: { services: false } })));
        expect(await messages([component(componentTypes.databaseHost, "h", noServices), instance("db", hardenedInstanceProps(), { parent: "h" })])).toEqual([
            `db: h (${componentTypes.databaseHost}) does not disable optional services (hardening.serviceDisabling.enabled).`,
        ]);
        const open = hardeningOutput(hardeningPlan(gtm({ product: "yottadb", hardening: { distribution: false } })));
        expect(await messages([component(componentTypes.databaseHost, "h", open), instance("db", hardenedInstanceProps(), { parent: "h" })])).toEqual([
            `db: h (${componentTypes.databaseHost}) does not restrict the yottadb distribution to its group (hardening.distributionRestriction.enabled).`,
        ]);
    });

    it("flags a hardening component that registers no plan, and reports at the host's URN", async () => {
        const result = await evaluate([policy], [component(componentTypes.databaseHost, "h", undefined), instance("db", hardenedInstanceProps(), { parent: "h" })]);
        expect(result.diagnostics).toEqual([
            expect.objectContaining({ message: expect.stringContaining("registers no hardening output"), urn: "urn:pulumi:dev::mdb-hardening::aws:ec2/instance:Instance::db", enforcementLevel: "mandatory" }),
        ]);
    });

    it("accepts configured component types and host tag", async () => {
        const options: RunOptions = { config: { [policy.name]: { hardeningComponentTypes: ["acme:db:Host"], databaseHostTag: { key: "role", value: "db" } } } };
        const resources = [component("acme:db:Host", "h", hardeningOutput(hardeningPlan(iris()))), instance("db", hardenedInstanceProps({ tags: { role: "db" } }), { parent: "h" })];
        expect(await evaluate([policy], resources, options)).toEqual({ diagnostics: [], notApplicable: [], checked: { [policy.name]: 1 } });
        expect((await evaluate([policy], resources)).notApplicable).toEqual([{ policyName: policy.name, reason: "no database-host instances in the stack" }]);
    });
});
