import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderNftables, renderNftProbe } from "../../../components/host/nftables";
import { hardeningPlan } from "../../../components/plan";
import { validateProfile } from "../../../components/profile";
import { admin, apps, gtmInput, iris, licenseServer } from "../../helpers/profiles";

const work = mkdtempSync(path.join(tmpdir(), "mdbh-nft-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const gtm = validateProfile(gtmInput({ distribution: { path: "/opt/gtm/V7.0", members: ["alice", "bob"] } }));

describe("nftables ruleset", () => {
    it("is exactly the ingress rules, default drop, in a table of its own", () => {
        const p = iris({ network: { adminCidrs: [admin, "fd00:9::/64"], appClients: [apps, "fd00:1::/64"], licenseServers: [licenseServer] } });
        expect(renderNftables(hardeningPlan(p))).toBe(`# mdb-hardening host firewall for iris-1: generated, replaced whole on every apply.
table inet mdb_hardening {}
delete table inet mdb_hardening
table inet mdb_hardening {
	set admin_v4 { type ipv4_addr; flags interval; elements = { 10.9.0.0/24 }; }
	set admin_v6 { type ipv6_addr; flags interval; elements = { fd00:9::/64 }; }

	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept comment "replies, and sessions open before the load (the admin SSH session applying this)"
		ct state invalid drop
		iif "lo" accept
		icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept
		icmpv6 type { echo-request, destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept
		tcp dport 22 ip saddr @admin_v4 accept comment "SSH from admin networks"
		tcp dport 22 ip6 saddr @admin_v6 accept comment "SSH from admin networks"
		tcp dport 1972 ip saddr { 10.1.0.0/24 } accept comment "IRIS superserver from application clients"
		tcp dport 1972 ip6 saddr { fd00:1::/64 } accept comment "IRIS superserver from application clients"
		tcp dport 4002 ip saddr { 10.2.0.10/32 } accept comment "License query results from license servers (TCP callback)"
	}
}
`);
        expect(renderNftProbe(hardeningPlan(p))).toBe(`table inet mdb_hardening_probe {}
delete table inet mdb_hardening_probe
table inet mdb_hardening_probe {
	set admin_v4 { type ipv4_addr; flags interval; elements = { 10.9.0.0/24 }; }
	set admin_v6 { type ipv6_addr; flags interval; elements = { fd00:9::/64 }; }
}
`);
    });

    it("is accepted by nft -c", () => {
        const nft = spawnSync("nft", ["--version"]);
        if (nft.status !== 0 && process.env.CI) throw new Error("nft is missing in CI (.ci/run installs nftables)");
        if (nft.status !== 0) return console.warn("SKIPPED nft -c: nftables not installed (CI installs it)");
        const file = path.join(work, "rules.nft");
        const mirrored = iris({ iris: { features: { mirror: true, monitor: true } }, roles: ["database", "license-server"], network: { adminCidrs: [admin], appClients: [apps], mirrorMembers: ["10.3.0.11/32", "fd00:3::11/128"], licenseClients: ["10.1.1.0/24"], snmpManagers: ["10.6.0.0/24"], ingress: [{ name: "api", port: 8443, protocol: "udp", from: ["fd00:1::/64"] }] } });
        for (const p of [mirrored, gtm, validateProfile(gtmInput({ network: {} }))]) {
            writeFileSync(file, renderNftables(hardeningPlan(p)));
            const r = spawnSync("nft", ["-c", "-f", file], { encoding: "utf8" });
            expect(r.stderr).toBe("");
            expect(r.status).toBe(0);
        }
    });
});
