import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { irisEndpoints } from "../../../components/catalog";
import { scriptDigest, scriptWrapper, shq } from "../../../components/host/script";
import { validateProfile } from "../../../components/profile";
import { admin, gtmInput, iris } from "../../helpers/profiles";
import { heldText, render } from "../../helpers/render";

const work = mkdtempSync(path.join(tmpdir(), "mdbh-script-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The value of a rendered `NAME=(...)` or `NAME='...'` assignment, as bash reads it. */
function shellValue(script: string, name: string): string[] {
    const held = heldText(script);
    const header = held.slice(0, held.indexOf("\n# reads: "));
    const out = execFileSync("bash", ["-c", `${header.replace(/^set -euo pipefail$/m, "")}\nfor v in "\${${name}[@]}"; do printf '%s\\0' "$v"; done`], { encoding: "utf8" });
    return out.split("\0").slice(0, -1);
}

const gtm = validateProfile(gtmInput({ distribution: { path: "/opt/gtm/V7.0", members: ["alice", "bob"] } }));
const scheduled = validateProfile(gtmInput({ hardening: { schedule: { mode: "check", onCalendar: "Mon..Fri *-*-* 02:30" } } }));

describe("rendering", () => {
    it("is deterministic and is what the CLI prints", () => {
        const file = path.join(work, "gtm.yaml");
        writeFileSync(file, "name: gtm-1\nproduct: gtm\nenvironment: production\ndistribution: { path: /opt/gtm/V7.0, members: [alice, bob] }\nnetwork: { adminCidrs: [10.9.0.0/24] }\n");
        const cli = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/mdb-hardening.ts", "render", file], { encoding: "utf8" });
        expect(cli).toBe(render(gtm));
        expect(render(gtm)).toBe(render(validateProfile(gtm)));
    });

    it("is valid bash, and so is the text it holds", () => {
        const file = path.join(work, "syntax.sh");
        for (const text of [render(gtm), heldText(render(gtm))]) {
            writeFileSync(file, text);
            expect(spawnSync("bash", ["-n", file]).status).toBe(0);
        }
    });

    it("passes shellcheck", { timeout: 120_000 }, () => {
        const found = spawnSync("shellcheck", ["--version"]).status === 0;
        if (!found && process.env.CI) throw new Error("shellcheck is missing in CI (.ci/run installs it)");
        if (!found) return console.warn("SKIPPED shellcheck: not installed (CI installs it)");
        const file = path.join(work, "lint.sh");
        // The wrapper hides the held text from shellcheck (a here-document): the wrapper is checked once, each held text on its own.
        const profiles = [scheduled, gtm, iris({ iris: { features: { monitor: true } }, network: { adminCidrs: [admin], snmpManagers: ["10.6.0.0/24"] } })];
        for (const text of [render(scheduled), ...profiles.map((p) => heldText(render(p)))]) {
            writeFileSync(file, text);
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
        expect(shellValue(script, "ENV_CONTENT")[0]).toMatch(/export gtm_dist='\/opt\/gtm\/V7.0'\nexport gtm_tmp='\/var\/lib\/gtm_tmp'$/);
        expect(shellValue(script, "RELEASE_NAMES")).toEqual(["GT\\.M V[0-9]+\\.[0-9]+-[0-9]{3}[A-Z]? Linux [A-Za-z0-9_]+"]);
    });

    it("renders YottaDB's names and restrict.txt from the typed facility map", () => {
        const ydb = validateProfile(gtmInput({ product: "yottadb", distribution: { path: "/opt/yottadb/r2.02", restrict: { ZSYSTEM: "ydbadmin", DSE: "ydbadmin", PIPE_OPEN: "ydb-ops" } } }));
        const script = render(ydb);
        expect(shellValue(script, "DIST_GROUP")).toEqual(["yottadbusers"]);
        expect(shellValue(script, "DIST_MARKERS")).toEqual(["mumps", "gtmsecshr", "libyottadb.so"]);
        expect(shellValue(script, "RESTRICT_FILE")).toEqual(["restrict.txt"]);
        expect(shellValue(script, "RESTRICT_LINES")).toEqual(["ZSYSTEM:ydbadmin", "DSE:ydbadmin", "PIPE_OPEN:ydb-ops"]);
        // A group name with "-" parses only from GT.M V6.3-013 (YottaDB r1.36) on.
        expect(shellValue(script, "RESTRICT_SINCE")).toEqual(["V6.3-002", "V6.3-002", "V6.3-013"]);
        expect(shellValue(script, "ENV_CONTENT")[0]).toMatch(/export ydb_dist='\/opt\/yottadb\/r2.02'\nexport ydb_tmp='\/var\/lib\/ydb_tmp'$/);
        // YottaDB's library names the GT.M release merged into it first, then its own.
        expect(shellValue(script, "RELEASE_NAMES")[1]).toBe("YottaDB r[0-9]+\\.[0-9]{2} Linux [A-Za-z0-9_]+");
        expect(shellValue(render(gtm), "RESTRICT_LINES")).toEqual([]);
    });

    it("renders the declared databases: every one audited, read-only ones too, each once", () => {
        const script = render(validateProfile(gtmInput({ databases: { files: ["/srv/db/a.dat", "/srv/db/c.dat"], readOnly: ["/srv/db/c.dat", "/srv/db/b.dat"] } })));
        expect(shellValue(script, "DB_FILES")).toEqual(["/srv/db/a.dat", "/srv/db/c.dat", "/srv/db/b.dat"]);
        expect(shellValue(script, "READONLY_DBS")).toEqual(["/srv/db/c.dat", "/srv/db/b.dat"]);
        expect(shellValue(script, "DB_ACCESS_BG")).toEqual(["1"]);
        expect(shellValue(script, "REQUIRED_TOOLS")).toEqual(expect.arrayContaining(["setpriv", "timeout"]));
        // An IRIS script carries no database part, and none of its values.
        expect(render(iris())).not.toMatch(/^DB_TOOL_ENV=/m);
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

describe("the script's digest", () => {
    const sha = (text: string) => createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex").slice(0, 16);
    it("is the first 16 hex digits of the SHA-256 of the script's UTF-8 bytes, rendered last or not", () => {
        const justification = "Zugang für die Altanwendung — bis CHG-1021";
        const waived = validateProfile(gtmInput({ waivers: [{ control: "MDBH-SVC-003", item: "telnet", justification }] }));
        const first = render(waived);
        expect(first).toContain(justification);
        expect(scriptDigest(first)).toBe(sha(first));
        const second = render(scheduled);
        expect(scriptDigest(first)).toBe(sha(first));
        expect(scriptDigest(second)).toBe(sha(second));
        expect(scriptDigest(second)).not.toBe(scriptDigest(first));
        expect(scriptDigest(`${second} `)).toBe(sha(`${second} `));
    });
});

describe("the script's own copy (hardening.schedule)", () => {
    it("holds its text once: bash reads exactly that text, and the schedule part's head and tail around it give the script back", () => {
        const script = render(scheduled);
        const held = heldText(script);
        expect(held.endsWith("\n") && !held.endsWith("\n\n")).toBe(true);
        // BASH_ENV runs before the script: its eval prints what the wrapper read (without the final newline), wrapped as sh/schedule.sh wraps it.
        const file = path.join(work, "copy.sh");
        const stub = path.join(work, "eval-stub.sh");
        writeFileSync(file, script);
        writeFileSync(stub, `eval() { SCRIPT_HEAD=${shq(shellValue(script, "SCRIPT_HEAD")[0])} SCRIPT_TAIL=${shq(shellValue(script, "SCRIPT_TAIL")[0])}; printf '%s\\n%s\\n' "$SCRIPT_HEAD$1" "$SCRIPT_TAIL"; }`);
        expect(execFileSync("bash", [file], { encoding: "utf8", env: { PATH: process.env.PATH, BASH_ENV: stub } })).toBe(script);
        expect(shellValue(render(gtm), "SCRIPT_HEAD")).toEqual([""]);
    });

    it("runs nothing, and fails, when cut short in transit: the script is one group bash reads whole", () => {
        const script = render(scheduled);
        const file = path.join(work, "cut.sh");
        // With only cat on its PATH a script that runs stops at its first check (`id` is not found), printing an error line.
        const bin = path.join(work, "only-cat");
        mkdirSync(bin);
        symlinkSync(execFileSync("bash", ["-c", "command -v cat"], { encoding: "utf8" }).trim(), path.join(bin, "cat"));
        const run = (text: string) => {
            writeFileSync(file, text);
            return spawnSync("/bin/bash", [file], { encoding: "utf8", env: { PATH: bin } });
        };
        expect(run(script).stdout).toMatch(/^MDBH\tdata\tstate\tmode\tapply\nMDBH\terror\tMDBH-HOST-002\tuser\t/);
        const tail = script.length - script.lastIndexOf("\nMDBH_END_OF_SCRIPT\n");
        for (const cut of [...Array.from({ length: tail + 2 }, (_, i) => i + 2), 2000, script.length - scriptWrapper.head.length]) {
            const r = run(script.slice(0, script.length - cut));
            expect(r.stdout, `cut ${cut}`).toBe("");
            expect(r.status, `cut ${cut}`).not.toBe(0);
        }
        // Cut inside the first two lines, only comments are left.
        expect(run(script.slice(0, 10)).stdout).toBe("");
    });

    it("keeps the largest product's gzip user data under EC2's 16 KiB with a schedule on", () => {
        // YottaDB with every part, declared databases, restrict.txt and extra rules: the longest script the renderer makes.
        const largest = validateProfile(gtmInput({
            product: "yottadb",
            distribution: { path: "/usr/local/lib/yottadb/r206", members: ["alice", "bob"], version: "r2.06", verifyIntegrity: true, restrict: { ZSYSTEM: "ydbadmin", DSE: "ydbadmin", PIPE_OPEN: "ydbadmin", DIRECT_MODE: "ydbadmin" } },
            databases: { files: ["/srv/db/a.dat", "/srv/db/b.dat"], readOnly: ["/srv/db/config.dat"] },
            network: { adminCidrs: [admin, "fd00:9::/64"], ingress: [{ name: "app", port: 7000, from: ["10.1.0.0/24"] }], egress: [{ name: "proxy", port: 3128, to: ["10.8.0.1/32"] }] },
            services: { keep: ["apache2.service"], disable: ["exim4.service"], cronAllow: ["root", "dba"], allowDaemons: ["exim4"] },
            hardening: { schedule: { mode: "apply", onCalendar: "Sat *-*-1..7 04:00 Europe/Berlin" } },
        }));
        for (const family of ["debian", "rhel"] as const) {
            // EC2: "User data is limited to 16 KB, in raw form, before it is base64-encoded" (EC2 User Guide, instance user data).
            expect(gzipSync(render(largest, family)).length).toBeLessThan(16 * 1024);
        }
    });
});
