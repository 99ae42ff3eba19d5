/**
 * Stack policy coupling an IRIS host's services and its security groups: a group must not open an
 * IRIS endpoint the profile's merge file turns off, and must open each endpoint the profile uses
 * that its plan opens.
 *
 * What is on comes from the hardening components' registered plan (`hardening.irisEndpoints`,
 * components/iris/merge.ts `endpointStates`: present only where the plan applies the merge file).
 * A group belongs to a plan when the hardening component owns it (an ancestor, as DatabaseHost owns
 * its DatabaseSecurityGroup), or when it carries the plan's profile in the `mdb-hardening:profile`
 * tag, itself or through an instance with that tag it is attached to.
 */
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { hardeningComponentTypes, hostTags } from "../components/catalog";
import type { IrisEndpointState } from "../components/iris/merge";
import type { HardeningOutput } from "../components/plan";
import { covers, describeRule, ruleTypes, rulesOf, type SgRule } from "./network";
import { stackPolicy } from "./policy";
import { tagValue } from "./tags";
import { ancestors, awsTypes, fromProperty, StackView } from "./resources";

/** Standalone rule resources, each tied to its group by `securityGroupId`. */
const ruleResourceTypes = [ruleTypes.securityGroupRule, ruleTypes.ingressRule, ruleTypes.egressRule];

/** Instance properties that name its groups. */
const instanceGroupProperties = ["vpcSecurityGroupIds", "securityGroups"];

function profileTag(r: PolicyResource): unknown {
    return tagValue(r.props, hostTags.profile);
}

/** The security groups tied to the plan a hardening component registered. */
function groupsOf(view: StackView, component: PolicyResource, profile: string): PolicyResource[] {
    const groups = view.ofType(ruleTypes.securityGroup);
    const owned = groups.filter((g) => ancestors(g).includes(component));
    const tagged = groups.filter((g) => profileTag(g) === profile);
    const attached = view.ofType(awsTypes.instance)
        .filter((i) => profileTag(i) === profile)
        .flatMap((i) => instanceGroupProperties.flatMap((p) => fromProperty(i, p, ruleTypes.securityGroup)));
    return [...new Set([...owned, ...tagged, ...attached])];
}

/** A group's ingress rules: its inline blocks and the rule resources that name it. */
function ingressOf(view: StackView, group: PolicyResource): { group: PolicyResource; rule: SgRule }[] {
    const standalone = ruleResourceTypes.flatMap((type) => view.referencing(type, "securityGroupId", group).flatMap((r) => rulesOf(r.type, r.props)));
    return [...rulesOf(group.type, group.props), ...standalone].filter((rule) => rule.direction === "ingress").map((rule) => ({ group, rule }));
}

function describeEndpoint(e: IrisEndpointState): string {
    return `${e.endpoint} ${e.port}/${e.protocol}`;
}

function checkPlan(view: StackView, component: PolicyResource, plan: HardeningOutput, report: ReportViolation): void {
    const groups = groupsOf(view, component, plan.profile);
    if (groups.length === 0) return;
    const rules = groups.flatMap((g) => ingressOf(view, g));
    for (const e of plan.irisEndpoints ?? []) {
        const endpoint = { name: e.endpoint, port: e.port, protocol: e.protocol };
        const covering = rules.filter(({ rule }) => covers(rule, endpoint));
        if (e.on === false) {
            for (const { group, rule } of covering) {
                report(`${group.name} ${describeRule(rule)} opens IRIS ${describeEndpoint(e)} of ${plan.profile} (${component.name}), whose ${e.servedBy.map((b) => b.name).join(", ")} the profile turns off.`, group.urn);
            }
        } else if (e.on === true && covering.length === 0 && plan.networkRules.some((r) => r.direction === "ingress" && r.endpoint === e.endpoint)) {
            report(`${plan.profile} (${component.name}) serves IRIS ${describeEndpoint(e)} (${e.servedBy.filter((b) => b.on === true).map((b) => b.name).join(", ")}: on) and its plan opens it, but no ingress rule of ${groups.map((g) => g.name).join(", ")} covers it.`, component.urn);
        }
    }
}

export const irisServicesMatchPorts = stackPolicy({
    name: "iris-services-match-ports",
    description: "The security groups of an IRIS host open no IRIS endpoint whose service or feature its profile turns off, and every endpoint its plan opens for a service or feature it turns on.",
    control: "MDBH-IRIS-001",
    enforcementLevel: "mandatory",
    remediationSteps: "Make the group's ingress rules follow the profile: remove the rule for an endpoint the merge file turns off (or turn its feature on in the profile), and add the plan's rule for one it uses (DatabaseSecurityGroup derives them from the same plan).",
    validateStack: (args, report) => {
        const view = new StackView(args.resources);
        const planned = hardeningComponentTypes.flatMap((type) => view.ofType(type)).filter((c) => (c.props.hardening as HardeningOutput | undefined)?.irisEndpoints !== undefined);
        if (planned.length === 0) args.notApplicable("no IRIS plan that applies a merge file in the stack");
        for (const component of planned) checkPlan(view, component, component.props.hardening as HardeningOutput, report);
    },
});
