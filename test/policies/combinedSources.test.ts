import { describe, expect, it } from "vitest";
import { irisEndpoints, osEndpoints } from "../../components/catalog";
import { noWorldIngressCombined } from "../../policies/combinedSources";
import { ruleTypes } from "../../policies/network";
import { policies } from "../../policies/pack";
import { awsTypes, nativeTypes } from "../../policies/resources";
import { evaluate, unknown, type Resource } from "../helpers/policies/harness";
import { securityGroup, tcp, type Block } from "../helpers/policies/resources";

const { superserver } = irisEndpoints;
const policy = noWorldIngressCombined;

async function messages(resources: Resource[]): Promise<string[]> {
    const result = await evaluate([policy], resources);
    return result.diagnostics.map((d) => d.message.split("\n")[1]);
}

const prefixList = (name: string, id: string, cidrs: string[]): Resource => ({
    type: awsTypes.managedPrefixList,
    name,
    props: { id, name, addressFamily: "IPv4", maxEntries: 10, entries: cidrs.map((cidr) => ({ cidr })) },
});
const withPrefixList = (name: string, port: number, id: string) => securityGroup(name, [{ ...tcp(port), prefixListIds: [id] }]);
const classicRule = (name: string, group: string, block: Block): Resource => ({
    type: ruleTypes.securityGroupRule,
    name,
    props: { type: "ingress", securityGroupId: `${group}-id`, ...block },
    propertyDependencies: { securityGroupId: [group] },
});

describe("no-world-ingress-combined: prefix lists defined in the stack", () => {
    it("flags a database port open to a managed prefix list holding 0.0.0.0/0, named by its id", async () => {
        expect(await messages([prefixList("internet", "pl-0world", ["10.1.0.0/24", "0.0.0.0/0"]), withPrefixList("db-sg", superserver.port, "pl-0world")])).toEqual([
            "db-sg: ingress[0] (tcp 1972) from 0.0.0.0/0 (prefix list internet) admits all of IPv4 to superserver 1972/tcp.",
        ]);
    });

    it("adds up ManagedPrefixListEntry resources, found through their dependency on the list", async () => {
        const list = prefixList("halves", "pl-0halves", []);
        const entry = (name: string, cidr: string): Resource => ({ type: awsTypes.managedPrefixListEntry, name, props: { cidr, prefixListId: "pl-0halves" }, propertyDependencies: { prefixListId: ["halves"] } });
        const group = securityGroup("db-sg", []);
        // The rule names the list through its dependency only (a mock's outputs carry no id).
        const rule: Resource = { ...classicRule("rule", "db-sg", { ...tcp(superserver.port), prefixListIds: ["pl-unresolved"] }), propertyDependencies: { securityGroupId: ["db-sg"], prefixListIds: ["halves"] } };
        expect(await messages([list, entry("low", "0.0.0.0/1"), entry("high", "128.0.0.0/1"), group, rule])).toEqual([
            "db-sg: rule ingress (tcp 1972) from 0.0.0.0/1 (prefix list halves) + 128.0.0.0/1 (prefix list halves) together admit all of IPv4 to superserver 1972/tcp.",
        ]);
    });

    it("reads the aws-native AWS::EC2::PrefixList (entries[].cidr, id in prefixListId) and an aws-native rule of a group outside the stack", async () => {
        const list: Resource = { type: nativeTypes.prefixList, name: "v6", props: { prefixListId: "pl-0native", prefixListName: "v6", addressFamily: "IPv6", maxEntries: 5, entries: [{ cidr: "::/0" }] } };
        const rule: Resource = { type: ruleTypes.nativeIngress, name: "native-rule", props: { groupId: "sg-0other", ipProtocol: "tcp", fromPort: 1900, toPort: 2000, sourcePrefixListId: "pl-0native" } };
        expect(await messages([list, rule])).toEqual([
            "security group sg-0other: native-rule ingress (tcp 1900-2000) from ::/0 (prefix list v6) admits all of IPv6 to superserver 1972/tcp.",
        ]);
    });

    it("passes prefix lists of private networks, lists it cannot see, and world lists on ports no database uses", async () => {
        expect(await messages([prefixList("office", "pl-0office", ["10.0.0.0/8", "192.168.0.0/16"]), withPrefixList("db-sg", superserver.port, "pl-0office")])).toEqual([]);
        expect(await messages([withPrefixList("db-sg", superserver.port, "pl-0aws-managed")])).toEqual([]);
        expect(await messages([prefixList("internet", "pl-0world", ["0.0.0.0/0"]), withPrefixList("web-sg", 443, "pl-0world")])).toEqual([]);
        expect(await messages([prefixList("internet", "pl-0world", ["0.0.0.0/0"]), withPrefixList("bastion", osEndpoints.ssh.port, "pl-0world")])).toEqual([]);
    });
});

describe("no-world-ingress-combined: sources spread over the rules of one group", () => {
    it("flags halves of the address space in different rules of one group, inline and standalone", async () => {
        const group = securityGroup("db-sg", [tcp(superserver.port, "0.0.0.0/1")]);
        expect(await messages([group, classicRule("other-half", "db-sg", tcp(superserver.port, "128.0.0.0/1"))])).toEqual([
            "db-sg: ingress[0] (tcp 1972) from 0.0.0.0/1; other-half ingress (tcp 1972) from 128.0.0.0/1 together admit all of IPv4 to superserver 1972/tcp.",
        ]);
        const vpcRule: Resource = { type: ruleTypes.ingressRule, name: "v6-rest", props: { ipProtocol: "-1", cidrIpv6: "8000::/1", securityGroupId: "db-sg-id" }, propertyDependencies: { securityGroupId: ["db-sg"] } };
        const v6 = securityGroup("db-sg", [{ ...tcp(superserver.port), ipv6CidrBlocks: ["::/1"] }]);
        expect(await messages([v6, vpcRule])).toEqual([
            "db-sg: ingress[0] (tcp 1972) from ::/1; v6-rest ingress (all traffic) from 8000::/1 together admit all of IPv6 to superserver 1972/tcp.",
        ]);
    });

    it("groups standalone rules by the literal id of a group outside the stack", async () => {
        const rule = (name: string, cidr: string): Resource => ({ type: ruleTypes.securityGroupRule, name, props: { type: "ingress", securityGroupId: "sg-0external", ...tcp(superserver.port, cidr) } });
        expect(await messages([rule("a", "0.0.0.0/1"), rule("b", "128.0.0.0/1")])).toEqual([
            "security group sg-0external: a ingress (tcp 1972) from 0.0.0.0/1; b ingress (tcp 1972) from 128.0.0.0/1 together admit all of IPv4 to superserver 1972/tcp.",
        ]);
    });

    it("passes pieces that leave a gap, pieces on different ports or different groups, and leaves a single world rule to the resource policy", async () => {
        expect(await messages([securityGroup("db-sg", [tcp(superserver.port, "0.0.0.0/1")]), classicRule("r", "db-sg", tcp(superserver.port, "128.0.0.0/2"))])).toEqual([]);
        expect(await messages([securityGroup("db-sg", [tcp(superserver.port, "0.0.0.0/1"), tcp(443, "128.0.0.0/1")])])).toEqual([]);
        expect(await messages([securityGroup("a", [tcp(superserver.port, "0.0.0.0/1")]), securityGroup("b", [tcp(superserver.port, "128.0.0.0/1")])])).toEqual([]);
        const single = securityGroup("db-sg", [tcp(superserver.port, "0.0.0.0/0")]);
        const whole = await evaluate(policies, [single]);
        expect(whole.diagnostics.map((d) => d.policyName)).toEqual(["no-world-ingress-to-database-ports"]);
    });

    it("is not applicable to a stack without security groups", async () => {
        const result = await evaluate([policy], [{ type: awsTypes.vpc, name: "vpc", props: {} }]);
        expect(result.notApplicable).toEqual([{ policyName: policy.name, reason: "no security groups or ingress rules in the stack" }]);
    });

    it("judges the groups it can during preview and says it cannot run for one whose prefix list id is not known yet", async () => {
        const pending = securityGroup("new-sg", [{ ...tcp(superserver.port), prefixListIds: [unknown.string] }]);
        const open = securityGroup("db-sg", [tcp(superserver.port, "0.0.0.0/1"), tcp(superserver.port, "128.0.0.0/1")]);
        const result = await evaluate([policy], [pending, open]);
        expect(result.diagnostics.map((d) => [d.enforcementLevel, d.message.split("\n").at(-1)])).toEqual([
            ["mandatory", "db-sg: ingress[0] (tcp 1972) from 0.0.0.0/1; ingress[1] (tcp 1972) from 128.0.0.0/1 together admit all of IPv4 to superserver 1972/tcp."],
            ["advisory", expect.stringMatching(/^can't run policy 'no-world-ingress-combined' .*during preview: string value at \.ingress\.0\.prefixListIds\.0/)],
        ]);
    });
});
