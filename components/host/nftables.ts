/**
 * Renders the host firewall: one nftables table of our own, loaded atomically.
 *
 * The file declares the table, deletes it and declares it again, so `nft -f` replaces only our
 * table in one transaction and never touches other tables (no `flush ruleset`). Input is
 * default-drop; the rules are the ingress half of `deriveRules` — the same derivation as the
 * security group.
 */
import type { HardeningPlan } from "../plan";
import { splitByFamily, type NetworkRule } from "../rules";

export const nftTable = "mdb_hardening";
/** A hook-less copy of the SSH sets, used to test the applying address before the real load. */
export const nftProbeTable = "mdb_hardening_probe";

function adminSets(plan: HardeningPlan, indent: string): string[] {
    const { v4, v6 } = splitByFamily(plan.profile.network.adminCidrs);
    const set = (name: string, type: string, elements: string[]) =>
        `${indent}set ${name} { type ${type}; flags interval;${elements.length ? ` elements = { ${elements.join(", ")} };` : ""} }`;
    return [set("admin_v4", "ipv4_addr", v4), set("admin_v6", "ipv6_addr", v6)];
}

function ruleLines(rule: NetworkRule): string[] {
    const comment = `comment "${rule.description}"`;
    const match = `${rule.protocol} dport ${rule.port}`;
    if (rule.endpoint === "ssh") {
        return [`${match} ip saddr @admin_v4 accept ${comment}`, `${match} ip6 saddr @admin_v6 accept ${comment}`];
    }
    const { v4, v6 } = splitByFamily(rule.cidrs);
    return [
        ...(v4.length ? [`${match} ip saddr { ${v4.join(", ")} } accept ${comment}`] : []),
        ...(v6.length ? [`${match} ip6 saddr { ${v6.join(", ")} } accept ${comment}`] : []),
    ];
}

/** The nftables file for the host (`nft -f`). */
export function renderNftables(plan: HardeningPlan): string {
    const ingress = plan.rules.filter((r) => r.direction === "ingress");
    const t = "\t";
    return [
        `# mdb-hardening host firewall for ${plan.profile.name}: generated, replaced whole on every apply.`,
        `table inet ${nftTable} {}`,
        `delete table inet ${nftTable}`,
        `table inet ${nftTable} {`,
        ...adminSets(plan, t),
        "",
        `${t}chain input {`,
        `${t}${t}type filter hook input priority filter; policy drop;`,
        `${t}${t}ct state established,related accept comment "replies, and sessions open before the load (the admin SSH session applying this)"`,
        `${t}${t}ct state invalid drop`,
        `${t}${t}iif "lo" accept`,
        // Path MTU discovery and error reporting need these; IPv6 does not work without neighbour discovery.
        `${t}${t}icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept`,
        `${t}${t}icmpv6 type { echo-request, destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept`,
        ...ingress.flatMap(ruleLines).map((l) => `${t}${t}${l}`),
        `${t}}`,
        "}",
        "",
    ].join("\n");
}

/** The probe table: only the admin sets, no hooks, so loading it changes no traffic. Replaced whole, like ours. */
export function renderNftProbe(plan: HardeningPlan): string {
    return [`table inet ${nftProbeTable} {}`, `delete table inet ${nftProbeTable}`, `table inet ${nftProbeTable} {`, ...adminSets(plan, "\t"), "}", ""].join("\n");
}
