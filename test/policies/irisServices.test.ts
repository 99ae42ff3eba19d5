import { describe, expect, it } from "vitest";
import { componentTypes, hostTags } from "../../components/catalog";
import { hardeningOutput, hardeningPlan } from "../../components/plan";
import { toAwsRules } from "../../components/securityGroup";
import { irisServicesMatchPorts } from "../../policies/irisServices";
import { ruleTypes } from "../../policies/network";
import { admin, iris } from "../helpers/profiles";
import { evaluate, type Resource } from "../helpers/policies/harness";
import { hardenedInstanceProps, instance, securityGroup, tcp, udp, type Block } from "../helpers/policies/resources";

const policy = irisServicesMatchPorts;

async function messages(resources: Resource[]): Promise<string[]> {
    const result = await evaluate([policy], resources);
    return result.diagnostics.map((d) => d.message.split("\n")[1]);
}

type Profile = ReturnType<typeof iris>;
const plan = (p: Profile) => hardeningOutput(hardeningPlan(p));
const host = (p: Profile, name = "h"): Resource => ({ type: componentTypes.databaseHost, name, props: { hardening: plan(p) } });
/** The group DatabaseSecurityGroup makes from the plan, as a child of `parent`. */
const ownGroup = (p: Profile, parent: string, extra: Block[] = []): Resource => ({
    ...securityGroup("sg", [...(toAwsRules(hardeningPlan(p).rules, "ingress") as Block[]), ...extra]),
    parent,
});

// Locked down, no superserver clients, no ECP or mirroring: nothing serves the superserver.
const lockedDown = iris({ iris: { lockdown: true }, network: { adminCidrs: [admin] } });

describe("iris-services-match-ports", () => {
    it("passes the groups a plan derives, and is not applicable without an IRIS plan that applies a merge file", async () => {
        const monitored = iris({ iris: { features: { monitor: true } }, network: { adminCidrs: [admin], appClients: ["10.1.0.0/24"], snmpManagers: ["10.6.0.0/24"] } });
        expect(await evaluate([policy], [host(monitored), ownGroup(monitored, "h")])).toEqual({ diagnostics: [], notApplicable: [], checked: { [policy.name]: 1 } });
        const unapplied = iris({ hardening: { irisConfig: false } });
        expect((await evaluate([policy], [host(unapplied), ownGroup(unapplied, "h", [tcp(23, "10.0.0.0/8")])])).notApplicable)
            .toEqual([{ policyName: policy.name, reason: "no IRIS plan that applies a merge file in the stack" }]);
    });

    it("flags an owned group that opens an endpoint whose services the profile turns off, naming both", async () => {
        expect(await messages([host(lockedDown), ownGroup(lockedDown, "h", [tcp(1972, "10.1.0.0/24"), udp(161, "10.6.0.0/24"), { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.7.0.0/24"] }])])).toEqual([
            "sg ingress[1] (tcp 1972) opens IRIS superserver 1972/tcp of iris-1 (h), whose %Service_Bindings, %Service_ECP, %Service_Mirror the profile turns off.",
            "sg ingress[3] (all traffic) opens IRIS superserver 1972/tcp of iris-1 (h), whose %Service_Bindings, %Service_ECP, %Service_Mirror the profile turns off.",
            "sg ingress[3] (all traffic) opens IRIS iscAgent 2188/tcp of iris-1 (h), whose iris.features.mirror the profile turns off.",
            "sg ingress[3] (all traffic) opens IRIS webServer 52773/tcp of iris-1 (h), whose iris.features.privateWebServer the profile turns off.",
            "sg ingress[3] (all traffic) opens IRIS jdbcGateway 62972/tcp of iris-1 (h), whose iris.features.jdbcGateway the profile turns off.",
            "sg ingress[2] (udp 161) opens IRIS snmp 161/udp of iris-1 (h), whose %Service_Monitor the profile turns off.",
            "sg ingress[3] (all traffic) opens IRIS snmp 161/udp of iris-1 (h), whose %Service_Monitor the profile turns off.",
            "sg ingress[3] (all traffic) opens IRIS telnet 23/tcp of iris-1 (h), whose %Service_Telnet the profile turns off.",
        ]);
    });

    it("leaves the superserver alone where the profile does not decide %Service_Bindings (no lockdown)", async () => {
        const p = iris({ network: { adminCidrs: [admin] } });
        expect(await messages([host(p), ownGroup(p, "h", [tcp(1972, "10.1.0.0/24")])])).toEqual([]);
    });

    it("ties a group through the profile tag, on the group or on an instance it is attached to; a standalone rule counts", async () => {
        const existing: Resource = { type: componentTypes.existingHost, name: "db-hardening", props: { hardening: plan(lockedDown) } };
        const tagged = securityGroup("tagged", [tcp(23, "10.0.0.0/8")], [], { [hostTags.profile]: "iris-1" });
        const attached = securityGroup("attached", []);
        const rule: Resource = { type: ruleTypes.ingressRule, name: "r", props: { securityGroupId: "sg-1", ipProtocol: "udp", fromPort: 161, toPort: 161, cidrIpv4: "10.6.0.0/24" }, propertyDependencies: { securityGroupId: ["attached"] } };
        const db = instance("db", hardenedInstanceProps({ tags: { [hostTags.profile]: "iris-1" } }), { propertyDependencies: { vpcSecurityGroupIds: ["attached"] } });
        const unrelated = securityGroup("other", [tcp(23, "10.0.0.0/8")]);
        expect(await messages([existing, tagged, attached, rule, db, unrelated])).toEqual([
            "attached ingress (udp 161) opens IRIS snmp 161/udp of iris-1 (db-hardening), whose %Service_Monitor the profile turns off.",
            "tagged ingress[0] (tcp 23) opens IRIS telnet 23/tcp of iris-1 (db-hardening), whose %Service_Telnet the profile turns off.",
        ]);
    });

    it("names only what is on when an endpoint another feature also serves lacks its rule", async () => {
        const ecp = iris({ iris: { features: { ecp: true } }, network: { adminCidrs: [admin], ecpClients: ["10.4.0.0/24"] } });
        expect(await messages([host(ecp), securityGroup("sg", [tcp(22, admin)], [], { [hostTags.profile]: "iris-1" })])).toEqual([
            "iris-1 (h) serves IRIS superserver 1972/tcp (%Service_ECP: on) and its plan opens it, but no ingress rule of sg covers it.",
        ]);
    });

    it("flags a feature the profile turns on whose plan rule no group of the host has", async () => {
        const mirrored = iris({ iris: { features: { mirror: true } }, network: { adminCidrs: [admin], mirrorMembers: ["10.3.0.11/32"] } });
        const group = securityGroup("sg", [tcp(22, admin), tcp(1972, "10.3.0.11/32")], [], { [hostTags.profile]: "iris-1" });
        expect(await messages([host(mirrored), group])).toEqual([
            "iris-1 (h) serves IRIS iscAgent 2188/tcp (iris.features.mirror: on) and its plan opens it, but no ingress rule of sg covers it.",
        ]);
    });
});
