import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { irisEndpoints } from "../components/catalog";
import { renderNftables, renderNftProbe } from "../components/host/nftables";
import { hardeningPlan } from "../components/plan";
import { shq } from "../components/host/script";
import { summarize } from "../components/host/hostHardening";
import { parseSummary } from "../components/host/summary";
import { auditCpf } from "../components/iris/ports";
import { validateProfile } from "../components/profile";
import { admin, apps, gtmInput, iris, licenseServer } from "./helpers/profiles";
import { render } from "./helpers/render";

const work = mkdtempSync(path.join(tmpdir(), "mdbh-script-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The value of a rendered `NAME=(...)` or `NAME='...'` assignment, as bash reads it. */
function shellValue(script: string, name: string): string[] {
    const header = script.slice(0, script.indexOf("\n# reads: "));
    const out = execFileSync("bash", ["-c", `${header.replace(/^set -euo pipefail$/m, "")}\nprintf '%s\\0' "\${${name}[@]}"`], { encoding: "utf8" });
    return out.split("\0").slice(0, -1);
}

const gtm = validateProfile(gtmInput({ distribution: { path: "/opt/gtm/V7.0", members: ["alice", "bob"] } }));

describe("rendering", () => {
    it("is deterministic and is what the CLI prints", () => {
        const file = path.join(work, "gtm.yaml");
        writeFileSync(file, "name: gtm-1\nproduct: gtm\nenvironment: production\ndistribution: { path: /opt/gtm/V7.0, members: [alice, bob] }\nnetwork: { adminCidrs: [10.9.0.0/24] }\n");
        const cli = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/mdb-hardening.ts", "render", file], { encoding: "utf8" });
        expect(cli).toBe(render(gtm));
        expect(render(gtm)).toBe(render(validateProfile(gtm)));
    });

    it("is valid bash", () => {
        const file = path.join(work, "syntax.sh");
        writeFileSync(file, render(gtm));
        expect(spawnSync("bash", ["-n", file]).status).toBe(0);
    });

    it("passes shellcheck", () => {
        const found = spawnSync("shellcheck", ["--version"]).status === 0;
        if (!found && process.env.CI) throw new Error("shellcheck is missing in CI (.ci/run installs it)");
        if (!found) return console.warn("SKIPPED shellcheck: not installed (CI installs it)");
        const file = path.join(work, "lint.sh");
        for (const p of [gtm, iris({ iris: { features: { monitor: true } }, network: { adminCidrs: [admin], snmpManagers: ["10.6.0.0/24"] } })]) {
            writeFileSync(file, render(p));
            const r = spawnSync("shellcheck", ["-s", "bash", file], { encoding: "utf8" });
            expect(r.stdout).toBe("");
            expect(r.status).toBe(0);
        }
    });

    it("hands values to bash exactly, whatever they contain", () => {
        for (const tricky of ["it's", "a b", "$(id)", "`id`", "x\ny", "\\", "'", "*", ""]) {
            expect(execFileSync("bash", ["-c", `printf %s ${shq(tricky)}`], { encoding: "utf8" })).toBe(tricky);
        }
        expect(() => shq("a\0b")).toThrow(/NUL/);
    });

    it("passes the profile's values as bash sees them", () => {
        const script = render(gtm);
        expect(shellValue(script, "DIST")).toEqual(["/opt/gtm/V7.0"]);
        expect(shellValue(script, "DIST_GROUP")).toEqual(["gtmusers"]);
        expect(shellValue(script, "DIST_MEMBERS")).toEqual(["alice", "bob"]);
        expect(shellValue(script, "DIST_MARKERS")).toEqual(["mumps", "gtmsecshr", "libgtmshr.so"]);
        expect(shellValue(script, "PARTS")).toEqual(["distribution services firewall"]);
        expect(shellValue(script, "EXPECTED_PORTS")).toEqual(["tcp/22"]);
        expect(shellValue(script, "CRON_ALLOW_CONTENT")).toEqual(["root"]);
        expect(shellValue(script, "ENV_CONTENT")[0]).toContain("export gtm_tmp='/tmp'\nexport gtm_log='/tmp'");
    });

    it("renders YottaDB's names and restrict.txt from the typed facility map", () => {
        const ydb = validateProfile(gtmInput({ product: "yottadb", distribution: { path: "/opt/yottadb/r2.02", restrict: { ZSYSTEM: "ydbadmin", DSE: "ydbadmin", PIPE_OPEN: "ydbops" } } }));
        const script = render(ydb);
        expect(shellValue(script, "DIST_GROUP")).toEqual(["yottadbusers"]);
        expect(shellValue(script, "DIST_MARKERS")).toEqual(["mumps", "gtmsecshr", "libyottadb.so"]);
        expect(shellValue(script, "RESTRICT_FILE")).toEqual(["restrict.txt"]);
        expect(shellValue(script, "RESTRICT_CONTENT")).toEqual(["ZSYSTEM:ydbadmin\nDSE:ydbadmin\nPIPE_OPEN:ydbops"]);
        expect(shellValue(script, "ENV_CONTENT")[0]).toContain("export ydb_dist='/opt/yottadb/r2.02'\nexport ydb_tmp='/tmp'\nexport ydb_log='/tmp'");
        expect(shellValue(render(gtm), "RESTRICT_CONTENT")).toEqual([""]);
    });

    it("masks socket and path units before the services they start", () => {
        const units = shellValue(render(gtm), "SERVICES_UNITS");
        const firstService = units.findIndex((u) => u.endsWith(".service"));
        expect(units.slice(0, firstService).every((u) => /\.(socket|path|timer)$/.test(u))).toBe(true);
        expect(units.slice(firstService).every((u) => u.endsWith(".service"))).toBe(true);
        expect(units).toEqual(expect.arrayContaining(["cups.socket", "cups.path", "rpcbind.socket", "avahi-daemon.socket", "atd.service", "snmpd.service"]));
        for (const essential of ["ssh.service", "cron.service", "rsyslog.service", "systemd-journald.service"]) expect(units).not.toContain(essential);
    });

    it("keeps what the profile keeps, snmpd for the IRIS monitor, and the clients of kept daemons", () => {
        const kept = validateProfile(gtmInput({ services: { keep: ["cups.service"], disable: ["postfix.service"] } }));
        const script = render(kept);
        expect(shellValue(script, "SERVICES_UNITS")).not.toContain("cups.service");
        expect(shellValue(script, "SERVICES_UNITS")).toContain("postfix.service");
        expect(shellValue(script, "CLIENT_BINARIES")).toEqual(["/usr/bin/at"]);
        const monitored = iris({ iris: { features: { monitor: true } }, network: { adminCidrs: [admin], snmpManagers: ["10.6.0.0/24"] } });
        expect(shellValue(render(monitored), "SERVICES_UNITS")).not.toContain("snmpd.service");
        expect(shellValue(render(monitored), "EXPECTED_PORTS")).toEqual(["tcp/22", `udp/${irisEndpoints.snmp.port}`]);
    });

    it("switches parts off, and with them the tools they need", () => {
        const script = render(validateProfile(gtmInput({ hardening: { firewall: false, services: false } })));
        expect(shellValue(script, "PARTS")).toEqual(["distribution"]);
        expect(shellValue(script, "REQUIRED_TOOLS")).not.toContain("nft");
        expect(shellValue(script, "REQUIRED_TOOLS")).not.toContain("systemctl");
        expect(shellValue(render(iris()), "PARTS")).toEqual(["services firewall iris"]);
        expect(shellValue(render(iris({ hardening: { irisConfig: false } })), "PARTS")).toEqual(["services firewall"]);
        expect(shellValue(render(iris()), "REQUIRED_TOOLS")).toEqual(expect.arrayContaining(["gzip", "base64"]));
    });

    it("uses the RHEL family's unit names and nftables file", () => {
        const script = render(gtm, "rhel");
        expect(shellValue(script, "NFT_CONF")).toEqual(["/etc/sysconfig/nftables.conf"]);
        expect(shellValue(script, "SERVICES_UNITS")).toEqual(expect.arrayContaining(["httpd.socket", "telnet.socket", "smb.service"]));
        expect(shellValue(script, "SERVICES_UNITS")).not.toContain("apache2.service");
    });
});

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

describe("summary", () => {
    const line = (...f: string[]) => ["MDBH", ...f].join("\t");
    it("counts and lists what the run changed and found", () => {
        const out = [
            "noise from a command",
            line("changed", "distribution", "group:gtmusers", "created"),
            line("ok", "services", "atd.service", "masked"),
            line("absent", "services", "cups.service", "not installed"),
            line("finding", "audit", "listen:tcp/111", "listening on 0.0.0.0 but not declared in the profile"),
            line("summary", "gtm-1", "changes", "1"),
            line("summary", "gtm-1", "findings", "1"),
        ].join("\n");
        expect(parseSummary(out)).toEqual({
            profile: "gtm-1",
            changes: 1,
            findings: 1,
            changed: [{ kind: "changed", part: "distribution", item: "group:gtmusers", detail: "created" }],
            problems: [{ kind: "finding", part: "audit", item: "listen:tcp/111", detail: "listening on 0.0.0.0 but not declared in the profile" }],
            absent: ["cups.service"],
            verified: 1,
        });
    });

    it("returns an IRIS host's iris.cpf, which the component audits against the profile", () => {
        const cpf = readFileSync(path.join(__dirname, "fixtures/cpf/iris-2020.4-shard-linux.cpf"));
        const out = [line("data", "iris", "iris.cpf", gzipSync(cpf).toString("base64")), line("summary", "iris-1", "changes", "0"), line("summary", "iris-1", "findings", "0")].join("\n");
        const profile = iris();
        expect(parseSummary(out).irisCpf).toBe(cpf.toString("utf8"));
        expect(summarize(out, profile).cpfDeviations).toEqual(auditCpf(profile, cpf.toString("utf8"), "iris.cpf"));
        expect(summarize(out, profile).cpfDeviations.length).toBeGreaterThan(0);
        expect(summarize(out.replace(/^.*iris\.cpf.*\n/m, ""), profile).cpfDeviations).toEqual([]);
    });

    it("fails on a refused or unfinished run", () => {
        expect(() => parseSummary(line("error", "preflight", "firewall", "the SSH client applying this (192.0.2.1) is not in network.adminCidrs"))).toThrow(
            "host script refused: preflight firewall: the SSH client applying this (192.0.2.1) is not in network.adminCidrs",
        );
        expect(() => parseSummary(line("changed", "services", "atd.service", "masked"))).toThrow(/did not run to the end/);
        expect(() => parseSummary(line("weird", "a", "b", "c"))).toThrow(/unknown report kind/);
    });
});
