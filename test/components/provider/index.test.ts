/**
 * The multi-language surface (components/provider/) under mocks: the same components as the
 * TypeScript API, from the profile as YAML text; and every host, from either surface, validated,
 * planned and rendered once.
 */
import * as YAML from "yaml";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { componentTypes } from "../../../components/catalog";
import { installMocks, valueOf, type Registered } from "../../helpers/mocks";
import { gtmInput } from "../../helpers/profiles";

const calls = vi.hoisted(() => ({ validations: 0, plans: 0, renders: 0 }));
// checkConsistency ends every full validation; the plan and the script each have one entry point.
vi.mock("../../../components/profile/consistency", async (original) => {
    const m = await original<typeof import("../../../components/profile/consistency")>();
    return { ...m, checkConsistency: (...a: Parameters<typeof m.checkConsistency>) => (calls.validations++, m.checkConsistency(...a)) };
});
vi.mock("../../../components/plan", async (original) => {
    const m = await original<typeof import("../../../components/plan")>();
    return { ...m, hardeningPlan: (...a: Parameters<typeof m.hardeningPlan>) => (calls.plans++, m.hardeningPlan(...a)) };
});
vi.mock("../../../components/host/script", async (original) => {
    const m = await original<typeof import("../../../components/host/script")>();
    return { ...m, renderHostScript: (...a: Parameters<typeof m.renderHostScript>) => (calls.renders++, m.renderHostScript(...a)) };
});

const connection = { host: "192.0.2.10", privateKey: "key", hostKey: "ssh-ed25519 AAAAC3Nz" };
const hostArgs = { vpcId: "vpc-1", subnetId: "subnet-1", ami: "ami-1", privateIp: "10.3.0.10" };
let registered: Registered[];
const perHost: Record<string, typeof calls> = {};
let providerSummary: unknown;

function counted(name: string, build: () => unknown): void {
    const before = { ...calls };
    build();
    perHost[name] = { validations: calls.validations - before.validations, plans: calls.plans - before.plans, renders: calls.renders - before.renders };
}

beforeAll(async () => {
    const recorder = await installMocks();
    const api = await import("../../../components");
    const provider = await import("../../../components/provider");
    const yaml = YAML.stringify(gtmInput({ name: "gtm-a" }));
    counted("api ExistingHost", () => new api.ExistingHost("api-existing", { profile: gtmInput({ name: "gtm-a" }), connection, detectDrift: false }));
    const validated = api.parseProfile(yaml);
    counted("api DatabaseHost, a validated profile", () => new api.DatabaseHost("api-db", { ...hostArgs, profile: validated, connection, detectDrift: false }));
    counted("provider ExistingHost", () => {
        providerSummary = new provider.ExistingHost("provider-existing", { profile: yaml, connection, detectDrift: false }).summary;
    });
    counted("provider DatabaseHost", () => new provider.DatabaseHost("provider-db", { ...hostArgs, profile: yaml, connection, detectDrift: false }));
    counted("provider DatabaseSecurityGroup", () => new provider.DatabaseSecurityGroup("provider-sg", { profile: yaml, vpcId: "vpc-1" }));
    providerSummary = await valueOf(providerSummary as never);
    registered = await recorder.registered();
});

const component = (name: string) => registered.find((r) => r.urn.endsWith(`::${name}`))!;

describe("the multi-language components", () => {
    it("register the TypeScript components' type tokens and outputs", () => {
        expect(component("provider-existing").typeChain).toEqual([componentTypes.existingHost]);
        expect(component("provider-db").typeChain).toEqual([componentTypes.databaseHost]);
        expect(component("provider-sg").typeChain).toEqual([componentTypes.securityGroup]);
        expect(component("provider-existing").state).toEqual(component("api-existing").state);
        const { instanceId: _a, privateIp: _b, securityGroupId: _c, ...providerDb } = component("provider-db").state as Record<string, unknown>;
        const { instanceId: _d, privateIp: _e, securityGroupId: _f, ...apiDb } = component("api-db").state as Record<string, unknown>;
        expect(providerDb).toEqual(apiDb);
        expect(providerSummary).toMatchObject({ changes: 0, findings: 0 });
    });

    it("create the same children", () => {
        const children = (parent: string) => registered.filter((r) => r.urn.split("::")[3].startsWith(`${parent}-`)).map((r) => [r.typeChain, r.urn.split("::")[3].slice(parent.length)]);
        expect(children("provider-existing")).toEqual(children("api-existing"));
        expect(children("provider-db")).toEqual(children("api-db"));
        expect(children("provider-db").length).toBeGreaterThan(0);
    });
});

describe("per host", () => {
    it("validates the profile once, plans once and renders the host script once", () => {
        const once = { validations: 1, plans: 1, renders: 1 };
        expect(perHost).toEqual({
            "api ExistingHost": once,
            // parseProfile validated it; the component takes the validated profile as it is.
            "api DatabaseHost, a validated profile": { ...once, validations: 0 },
            "provider ExistingHost": once,
            "provider DatabaseHost": once,
            "provider DatabaseSecurityGroup": { validations: 1, plans: 1, renders: 0 },
        });
    });
});

describe("the arguments as the TypeScript components take them", () => {
    it("parse the profile text and pass the rest on as given", async () => {
        const { existingHostArgs } = await import("../../../components/provider/existingHost");
        const args = existingHostArgs("h", { profile: YAML.stringify(gtmInput()), connection, osFamily: "rhel", detectDrift: true });
        expect(args).toMatchObject({ connection, osFamily: "rhel", detectDrift: true, profile: { name: "gtm-1", product: "gtm" } });
    });

    it("refuse a profile that is not YAML, or not a valid profile, naming the component and the field", async () => {
        const { databaseHostArgs } = await import("../../../components/provider/databaseHost");
        expect(() => databaseHostArgs("h", { ...hostArgs, profile: "name: [unclosed" })).toThrow(/h: profile.*\(yaml\)/s);
        expect(() => databaseHostArgs("h", { ...hostArgs, profile: YAML.stringify(gtmInput({ product: "mumps" })) })).toThrow(/h: profile[\s\S]*product/);
    });
});
