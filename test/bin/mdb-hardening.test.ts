import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commands, exitCodes } from "../../bin/commands";
import { byHandFindings, formatByHand, renderMergeFile } from "../../components/iris/merge";
import { applyMerge, auditAfterMerge } from "../../components/iris/apply";
import { auditCpf } from "../../components/iris/ports";
import { hardeningOutput, hardeningPlan } from "../../components/plan";
import { parseProfile } from "../../components/profile";
import { deriveRules } from "../../components/rules";
import { parseEventLog } from "../../policies/eventLog";
import { junitXml } from "../../policies/junit";
import { policies } from "../../policies/list";
import { buildReport, summaryText } from "../../policies/report";
import { auditJson } from "../../components/report/json";
import { auditReport } from "../../components/report/results";
import { auditText } from "../../components/report/text";
import { render } from "../helpers/render";
import { outputs, validateAuditJson } from "../helpers/report/audits";
import { fakeSsh } from "../helpers/report/fakeSsh";
import { projectRoot } from "../helpers/example";
import { finished, mixedRun, ndjson, noise } from "../helpers/policies/eventLogs";

const root = projectRoot;
const work = mkdtempSync(path.join(tmpdir(), "mdbh-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cliWith(env: NodeJS.ProcessEnv, ...args: string[]) {
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/mdb-hardening.ts", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const cli = (...args: string[]) => cliWith({}, ...args);

function file(name: string, text: string): string {
    const p = path.join(work, name);
    writeFileSync(p, text);
    return p;
}

const irisYaml = "name: iris-1\nproduct: iris\nenvironment: production\nnetwork: { adminCidrs: [10.9.0.0/24], appClients: [10.1.0.0/24], licenseServers: [10.2.0.10/32] }\n";
const good = file("iris.yaml", irisYaml);
const profile = parseProfile(irisYaml, good);

describe("mdb-hardening CLI", () => {
    it("check: ok for a valid profile, every error with its field and value otherwise", () => {
        const bad = file("bad.yaml", "name: Bad\nproduct: cache\nenvironment: production\nnetwork: { adminCidrs: [0.0.0.0/0] }\n");
        const r = cli("check", good, bad);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe(`${good}: ok (iris-1, iris, production, roles: database)\n`);
        expect(r.stderr).toBe([
            `${bad}: name: must be a lower-case DNS label (a-z, 0-9, '-', at most 63 characters) (got "Bad")`,
            `${bad}: product: must be one of: iris, gtm, yottadb (got "cache")`,
            `${bad}: network.adminCidrs[0]: opens SSH to the whole Internet; list the networks that need it (got "0.0.0.0/0")`,
            "",
        ].join("\n"));
        expect(cli("check", good).code).toBe(0);
    });

    it("check: refuses a profile file over 1 MiB without reading it", () => {
        const big = file("big.yaml", `# ${"x".repeat(2 * 1024 * 1024)}\n`);
        expect(cli("check", big)).toMatchObject({ code: 1, stderr: `${big}: (file): a profile file is at most 1048576 bytes (1 MiB) (got "2097155 bytes")\n` });
    });

    it("rules, plan, render and merge print what the components use", () => {
        expect(JSON.parse(cli("rules", good).stdout)).toEqual(deriveRules(profile));
        expect(JSON.parse(cli("plan", good, "--os-family", "rhel").stdout)).toEqual(JSON.parse(JSON.stringify(hardeningOutput(hardeningPlan(profile, "rhel")))));
        expect(cli("render", good, "--os-family", "rhel").stdout).toBe(render(profile, "rhel"));
        expect(cli("merge", good).stdout).toBe(renderMergeFile(profile));
    }, 120_000);

    it("audit-cpf lists each deviation and exits 1", () => {
        const cpfPath = path.join(projectRoot, "test/fixtures/cpf/iris-2020.4-shard-linux.cpf");
        const r = cli("audit-cpf", good, cpfPath);
        const deviations = auditCpf(profile, readFileSync(cpfPath, "utf8"), cpfPath);
        expect(deviations.length).toBeGreaterThan(0);
        expect(r.code).toBe(1);
        expect(r.stdout.trim().split("\n")).toHaveLength(deviations.length);
        expect(r.stdout).toContain(`${cpfPath}: ${deviations[0].field}: ${deviations[0].message}`);
    });

    const mirrored = "iris: { version: \"2024.1\", features: { mirror: true }, mirror: { arbiter: { address: 10.0.0.13 }, virtualAddress: 10.0.0.50 } }\n"
        + "network: { adminCidrs: [10.9.0.0/24], appClients: [10.1.0.0/24], licenseServers: [10.2.0.10/32], mirrorMembers: [10.0.0.11/32], arbiter: [10.0.0.13/32] }\n";
    it.each([
        ["self-2024.1-external-web-server.cpf", "iris: { version: 2024.1 }\nnetwork: { adminCidrs: [10.9.0.0/24], appClients: [10.1.0.0/24], licenseServers: [10.2.0.10/32] }\n"],
        ["self-2022.1-no-webserver-setting.cpf", "iris: { version: 2022.1 }\nnetwork: { adminCidrs: [10.9.0.0/24], appClients: [10.1.0.0/24], licenseServers: [10.2.0.10/32] }\n"],
        ["self-2024.1-mirror-backup.cpf", mirrored],
        ["self-merge-config-mirror.cpf", mirrored],
    ])("merge and audit-cpf on %s: the merge file, each deviation marked where the merge file settles it", (name, rest) => {
        const yaml = `name: iris-1\nproduct: iris\nenvironment: production\n${rest}`;
        const profileFile = file(`${name}.yaml`, yaml);
        const p = parseProfile(yaml, profileFile);
        const cpfPath = path.join(projectRoot, "test/fixtures/cpf", name);
        const cpf = readFileSync(cpfPath, "utf8");
        expect(cli("merge", profileFile)).toMatchObject({ code: 0, stdout: renderMergeFile(p), stderr: "" });
        const after = auditAfterMerge(p, cpf, cpfPath);
        const lines = auditCpf(p, cpf, cpfPath).map((d) => `${cpfPath}: ${d.field}: ${d.message} (profile: ${JSON.stringify(d.profile) ?? "none"}, instance: ${JSON.stringify(d.instance) ?? "none"})`
            + (after.some((a) => a.field === d.field && a.message === d.message) ? "" : "; the merge file settles it"));
        expect(lines.some((l) => l.endsWith("; the merge file settles it"))).toBe(true);
        expect(cli("audit-cpf", profileFile, cpfPath)).toMatchObject({ code: 1, stdout: lines.map((l) => `${l}\n`).join(""), stderr: "" });
    }, 90_000);

    it("merge and audit-cpf on a lockdown profile: the Locked Down actions, and the by-hand list apart from the exit code", () => {
        const yaml = irisYaml + "iris: { version: 2024.1, lockdown: true }\n";
        const profileFile = file("lockdown.yaml", yaml);
        const p = parseProfile(yaml, profileFile);
        const merge = cli("merge", profileFile);
        expect(merge).toMatchObject({ code: 0, stdout: renderMergeFile(p), stderr: "" });
        expect(merge.stdout).toContain("\nModifyUser:Name=_SYSTEM,Enabled=0\n");
        const byHand = byHandFindings(p).map((f) => `to do by hand (iris.lockdown): ${formatByHand(f)}\n`);
        expect(byHand).toHaveLength(7);
        // The CPF the merge file leaves: no deviation, so exit 0 whatever is left to do by hand.
        const merged = file("lockdown.cpf", applyMerge(readFileSync(path.join(projectRoot, "test/fixtures/cpf/self-2024.1-external-web-server.cpf"), "utf8"), merge.stdout).cpf
            .replace("WebServerPort=80", "WebServerPort=52773"));
        expect(auditCpf(p, readFileSync(merged, "utf8"))).toEqual([]);
        expect(cli("audit-cpf", profileFile, merged)).toMatchObject({
            code: 0,
            stdout: [`matches ${profileFile}\n`, ...byHand].map((l) => `${merged}: ${l}`).join(""),
            stderr: "",
        });
    }, 90_000);

    describe("policy-report", () => {
        const events = file("events.ndjson", ndjson(mixedRun));
        const report = (failOn: "mandatory" | "advisory" = "mandatory") =>
            buildReport(parseEventLog(ndjson(mixedRun), events), events, { failOn, ownPack: { name: "mdb-hardening", policies: () => policies.map((p) => p.name) } });

        it("writes JUnit to --output or stdout and the summary to stderr; exit 1 on a mandatory violation", () => {
            const out = path.join(work, "junit.xml");
            expect(cli("policy-report", events, "--output", out)).toEqual({ code: 1, stdout: "", stderr: summaryText(report()) });
            expect(readFileSync(out, "utf8")).toBe(junitXml(report()));
            expect(cli("policy-report", events, "--fail-on", "advisory")).toEqual({ code: 1, stdout: junitXml(report("advisory")), stderr: summaryText(report("advisory")) });
        }, 90_000);

        it("--format text prints the summary alone; exit 0 when nothing fails the gate", () => {
            const clean = file("clean.ndjson", ndjson([...noise, finished(undefined, "succeeded")]));
            const r = cli("policy-report", clean, "--format", "text");
            expect(r).toMatchObject({ code: 0, stderr: "" });
            expect(r.stdout).toMatch(new RegExp(`^${clean}: mdb-hardening 0\\.1\\.0: 0 mandatory and 0 advisory violations in 0 policy × resource cases .*; ${policies.length} policies without violations`));
        }, 90_000);

        it("exits 3 naming the file and line when the log cannot be read, is malformed or shows no finished run", () => {
            const cut = file("cut.ndjson", `${ndjson(noise.slice(0, 1))}{"policyEvent": {`);
            expect(cli("policy-report", cut)).toMatchObject({ code: 3, stdout: "", stderr: expect.stringMatching(new RegExp(`^mdb-hardening: ${cut}:2: not JSON: .*\\n$`)) });
            const unfinished = file("unfinished.ndjson", ndjson(mixedRun.slice(0, -1)));
            expect(cli("policy-report", unfinished)).toMatchObject({ code: 3, stderr: `mdb-hardening: ${unfinished}: no summaryEvent: the run did not finish or the log is cut short, so it cannot show that no policy failed\n` });
            expect(cli("policy-report", path.join(work, "absent.ndjson"))).toMatchObject({ code: 3, stderr: expect.stringContaining("ENOENT") });
        }, 90_000);

        it("refuses bad options with exit 2, and options of other commands", () => {
            for (const [args, message] of [
                [["--format", "xml"], 'policy-report: --format must be junit or text (got "xml")'],
                [["--fail-on", "warning"], 'policy-report: --fail-on must be mandatory or advisory (got "warning")'],
                [["--os-family", "rhel"], "(not --os-family)"],
            ] as const) {
                const r = cli("policy-report", events, ...args);
                expect(r.code).toBe(2);
                expect(r.stderr).toContain(message);
                expect(r.stderr).not.toMatch(/\n\s+at /);
            }
            expect(cli("render", good, "--output", "x")).toMatchObject({ code: 2, stderr: expect.stringContaining("(not --output)") });
        }, 90_000);
    });

    describe("audit (its run: test/bin/audit.test.ts)", () => {
        const ssh = fakeSsh(work);
        const env = { PATH: `${ssh.bin}:${process.env.PATH}`, FAKE_SSH_DIR: ssh.dir };

        it("one ssh session through the fake on PATH; the report on stdout, the summary on stderr, exit 1 on drift", () => {
            ssh.host(outputs.nonCompliant);
            const r = cliWith(env, "audit", good, "--ssh", "admin@db-1.example:2200", "--format", "json");
            const report = auditReport(outputs.nonCompliant, { target: "admin@db-1.example:2200", mode: "check", version: "0.1.0" });
            expect(r).toEqual({ code: 1, stdout: auditJson(report), stderr: auditText(report) });
            expect(validateAuditJson(JSON.parse(r.stdout))).toBe(true);
            expect(ssh.sessions()).toEqual([{
                argv: ["-T", "-o", "BatchMode=yes", "-p", "2200", "-l", "admin", "--", "db-1.example", 'sudo -n env SSH_CONNECTION="$SSH_CONNECTION" bash -s -- check'],
                stdin: render(profile),
            }]);
            ssh.host("", 255, "ssh: Could not resolve hostname db-1.example: Name or service not known\n");
            expect(cliWith(env, "audit", good, "--ssh", "root@db-1.example")).toEqual({
                code: 3, stdout: "", stderr: "mdb-hardening: root@db-1.example:22: the ssh session printed no report (exit 255): ssh: Could not resolve hostname db-1.example: Name or service not known\n",
            });
        }, 180_000);

        it("usage errors before anything runs: exit 2, the option and the value named, no stack trace", () => {
            ssh.host(outputs.compliant);
            for (const [args, message] of [
                [[], "audit: give one of --ssh user@host[:port] and --local"],
                [["--ssh", "root@db", "--local"], "audit: give one of --ssh user@host[:port] and --local"],
                [["--ssh", "root@-oProxyCommand=x"], 'audit: --ssh: the host must be a DNS name, an IPv4 address or an IPv6 address in brackets (got "root@-oProxyCommand=x")'],
                [["--local", "--identity", good], "audit: --identity goes with --ssh"],
                [["--ssh", "root@db", "--identity", path.join(work, "no-key")], `audit: --identity: no such file (got ${JSON.stringify(path.join(work, "no-key"))})`],
                [["--local", "--format", "xml"], 'audit: --format must be one of text, json, junit, sarif (got "xml")'],
                [["--local", "--format", "toString"], 'audit: --format must be one of text, json, junit, sarif (got "toString")'],
                [["--local", "--pack", "x"], "(not --pack)"],
            ] as const) {
                const r = cliWith(env, "audit", good, ...args);
                expect(r.code, args.join(" ")).toBe(2);
                expect(r.stderr).toContain(message);
                expect(r.stderr).not.toMatch(/\n\s+at /);
            }
            expect(ssh.sessions()).toEqual([]);
        }, 180_000);
    });

    it("refuses bad usage and a bad --os-family with exit 2", () => {
        expect(cli("rules").code).toBe(2);
        expect(cli("rules", good, good).code).toBe(2);
        expect(cli("frobnicate", good)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
        // Names an object has from its prototype are no command either.
        for (const args of [["--bogus"], [], ["render", "--os-family"], ["help", "nope"], ["constructor", good], ["help", "toString"]]) {
            const r = cli(...args);
            expect(r.code).toBe(2);
            expect(r.stderr).toMatch(/^mdb-hardening: /);
            expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
        }
        expect(cli("render", good, "--os-family", "arch")).toMatchObject({ code: 2, stderr: 'arguments: --os-family: must be one of: debian, rhel (got "arch")\n' });
    }, 180_000);

    it("prints help for the whole CLI and for each command, with an example, and its version", () => {
        const all = cli("--help");
        expect(all.code).toBe(0);
        // Each command once, the three ways of asking spread over them (each run starts a Node process).
        Object.entries(commands).forEach(([command, c], i) => {
            expect(all.stdout).toContain(`\n  ${command} ${c.synopsis}\n      ${c.does}\n`);
            const r = cli(...[["help", command], [command, "--help"], [command, "-h"]][i % 3]);
            expect(r).toMatchObject({ code: 0, stderr: "" });
            expect(r.stdout).toMatch(new RegExp(`^usage: mdb-hardening ${command} [^\n]+\n\n[^\n]+\.\n\nexample: mdb-hardening ${command} `));
            expect(r.stdout).toContain(c.exits ?? exitCodes);
        });
        expect(Object.keys(commands)).toEqual(["check", "rules", "plan", "render", "merge", "audit-cpf", "audit", "policy-report"]);
        expect(cli("help").stdout).toBe(all.stdout);
        const { version } = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version: string };
        expect(cli("--version")).toMatchObject({ code: 0, stdout: `mdb-hardening ${version}\n` });
    }, 240_000);
});
