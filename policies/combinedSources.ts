/**
 * Stack policy: "covers the world" judged over every source a security group admits to one port —
 * the CIDRs of all its ingress rules (inline and standalone) and the entries of the prefix lists
 * they name, where those lists are defined in the stack.
 *
 * AWS admits a packet when any rule of a group does, so sources add up across rules:
 * `0.0.0.0/1` in one rule and `128.0.0.0/1` in another open a port as wide as `0.0.0.0/0`. The
 * group is the unit: a rule belongs to exactly one group, and the group is what the owner fixes.
 * A rule names a prefix list by id, which only the stack resolves, hence a stack policy.
 * no-world-ingress-to-database-ports already reports a rule whose own CIDRs cover a family, so
 * this policy reports only what needs the stack: prefix lists, and sources spread over rules.
 */
import type { PolicyResource } from "@pulumi/policy";
import { coversWorld, parseCidr, type Cidr, type Family } from "../components/cidr";
import { covers, describeEndpoints, describeRule, ruleTypes, rulesOf, type Endpoint, type SgRule } from "./network";
import { schemaOf, stackPolicy, type Props } from "./policy";
import { awsTypes, nativeTypes, ownerProperties, StackView } from "./resources";
import { worldConfig, worldProperties } from "./securityGroups";
import { unknownValue, whenKnown } from "./unknowns";

const groupTypes: readonly string[] = [ruleTypes.securityGroup, ruleTypes.defaultSecurityGroup, ruleTypes.nativeSecurityGroup];
/** Standalone rule resources that can carry ingress (tied to their group by their owner property), and the property naming their prefix list. */
const standalonePrefixList: Readonly<Record<string, string>> = {
    [ruleTypes.securityGroupRule]: "prefixListIds",
    [ruleTypes.ingressRule]: "prefixListId",
    [ruleTypes.nativeIngress]: "sourcePrefixListId",
};
const standaloneTypes = Object.keys(standalonePrefixList);
const prefixListTypes: readonly string[] = [awsTypes.managedPrefixList, nativeTypes.prefixList];

/** One address a rule admits, as messages show it. */
interface Source {
    readonly text: string;
    readonly cidr: Cidr;
}

/** An ingress rule with the resource that carries it and every address it admits. */
interface Admitted {
    readonly label: string;
    readonly rule: SgRule;
    /** The rule's own CIDRs (what the resource policy judges). */
    readonly own: readonly Source[];
    /** The entries of the prefix lists it names. */
    readonly listed: readonly Source[];
}

/** The parsed CIDRs among `texts`; one that does not parse is the resource policy's to report. */
function sources(texts: readonly string[], describe: (text: string) => string = (t) => t): Source[] {
    return texts.flatMap((text) => {
        const cidr = parseCidr(text);
        return typeof cidr === "string" ? [] : [{ text: describe(text), cidr }];
    });
}

/** The CIDRs of a prefix list in the stack: its inline entries (both providers) and its ManagedPrefixListEntry resources. */
function entriesOf(view: StackView, list: PolicyResource): string[] {
    const inline = [...(list.props.entries ?? [])].map((e: Props) => e.cidr);
    const standalone = view.ofType(awsTypes.managedPrefixListEntry)
        .filter((e) => view.named(e, "prefixListId", prefixListTypes).includes(list))
        .map((e) => e.props.cidr);
    return [...inline, ...standalone].filter((c): c is string => typeof c === "string");
}

function admitted(view: StackView, carrier: PolicyResource, label: (rule: SgRule) => string): Admitted[] {
    return rulesOf(carrier.type, carrier.props).filter((rule) => rule.direction === "ingress").map((rule) => {
        const peers = rule.peers();
        // A rule resource's property dependencies name the list even where its outputs carry no id; an inline block's are the whole property's.
        const property = standalonePrefixList[carrier.type];
        const lists = property ? view.named(carrier, property, prefixListTypes) : peers.prefixLists.flatMap((id) => view.byId(id).filter((r) => prefixListTypes.includes(r.type)));
        return {
            label: label(rule),
            rule,
            own: sources(peers.cidrs),
            listed: lists.flatMap((list) => sources(entriesOf(view, list), (cidr) => `${cidr} (prefix list ${list.name})`)),
        };
    });
}

/** The group a standalone rule belongs to: the group resource, else its literal id, else the rule alone. */
function groupKey(view: StackView, rule: PolicyResource): PolicyResource | string {
    const property = ownerProperties[rule.type][0];
    const group = view.named(rule, property, groupTypes)[0];
    if (group) return group;
    const id = whenKnown(() => rule.props[property]);
    return typeof id === "string" && id !== "" ? id : rule;
}

interface Group {
    /** Where a violation is reported: the group, or (for a group outside the stack) its first rule. */
    readonly at: PolicyResource;
    readonly name: string;
    readonly carriers: PolicyResource[];
}

function groupsOf(view: StackView): Group[] {
    const groups = new Map<PolicyResource | string, Group>();
    for (const group of groupTypes.flatMap((t) => view.ofType(t))) groups.set(group, { at: group, name: group.name, carriers: [group] });
    for (const rule of standaloneTypes.flatMap((t) => view.ofType(t))) {
        const key = groupKey(view, rule);
        const group = groups.get(key);
        if (group) group.carriers.push(rule);
        else groups.set(key, { at: rule, name: typeof key === "string" ? `security group ${key}` : rule.name, carriers: [rule] });
    }
    return [...groups.values()];
}

/** Families the sources cover that no single rule's own CIDRs cover (those the resource policy reports). */
function newlyCovered(rules: readonly Admitted[]): Family[] {
    const single = new Set(rules.flatMap((r) => coversWorld(r.own.map((s) => s.cidr))));
    return coversWorld(rules.flatMap((r) => [...r.own, ...r.listed].map((s) => s.cidr))).filter((f) => !single.has(f));
}

/** The rules' sources of one family, as messages show them: a /0 alone where there is one, else every piece. */
function describeSources(rules: readonly Admitted[], family: Family): { text: string; count: number } {
    const all = rules.map((r) => ({ label: r.label, mine: [...r.own, ...r.listed].filter((s) => s.cidr.family === family) }));
    const whole = all.flatMap(({ label, mine }) => mine.filter((s) => s.cidr.prefix === 0).map((s) => ({ label, mine: [s] }))).slice(0, 1);
    const shown = (whole.length > 0 ? whole : all).filter(({ mine }) => mine.length > 0);
    return { text: shown.map(({ label, mine }) => `${label} from ${mine.map((s) => s.text).join(" + ")}`).join("; "), count: shown.flatMap(({ mine }) => mine).length };
}

export const noWorldIngressCombined = stackPolicy({
    name: "no-world-ingress-combined",
    description: "No security group admits the whole internet to a database port through its rules and the stack's prefix lists taken together.",
    control: "MDBH-NET-007",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove the world-wide entries (0.0.0.0/0, ::/0, or pieces such as 0.0.0.0/1 + 128.0.0.0/1) from the prefix list or the rules, or stop naming that prefix list on database ports: list the networks that need the service.",
    configSchema: schemaOf(worldProperties),
    validateStack: (args, report) => {
        const view = new StackView(args.resources);
        const endpoints: readonly Endpoint[] = worldConfig(args);
        const groups = groupsOf(view);
        if (groups.length === 0) args.notApplicable("no security groups or ingress rules in the stack");
        let unknown: Error | undefined;
        for (const group of groups) {
            const rules = whenKnown(
                () => group.carriers.flatMap((c) => admitted(view, c, (rule) => (c === group.at && groupTypes.includes(c.type) ? describeRule(rule) : `${c.name} ${describeRule(rule)}`))),
                (e) => (unknown ??= e),
            );
            if (rules === unknownValue) continue;
            const byMessage = new Map<string, Endpoint[]>();
            for (const endpoint of endpoints) {
                const covering = rules.filter((r) => covers(r.rule, endpoint));
                for (const family of newlyCovered(covering)) {
                    const { text, count } = describeSources(covering, family);
                    const key = `${text} ${count > 1 ? "together admit" : "admits"} all of IPv${family}`;
                    byMessage.set(key, [...(byMessage.get(key) ?? []), endpoint]);
                }
            }
            for (const [what, covered] of byMessage) report(`${group.name}: ${what} to ${describeEndpoints(covered)}.`, group.at.urn);
        }
        // The groups that could be judged are reported; the rest waits for the values (the SDK's advisory).
        if (unknown) throw unknown;
    },
});
