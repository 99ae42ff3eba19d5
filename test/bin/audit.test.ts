/**
 * The audit command's run: over SSH through a fake `ssh` on PATH (it records its argv and stdin
 * and prints fixture output in the control-id line format), and --local through an injected runner.
 * The script does not run anywhere: only the fake sees it. The CLI around it: test/bin/mdb-hardening.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { audit, parseSshTarget, sshArgv, type AuditOptions, type Runner } from "../../bin/audit";
import { auditJunit } from "../../components/report/junit";
import { auditReport } from "../../components/report/results";
import { auditText } from "../../components/report/text";
import { parseProfile } from "../../components/profile";
import { requireTool } from "../helpers/ci";
import { render } from "../helpers/render";
import { outputs, validateAuditJson, validateJunit, validateSarif } from "../helpers/report/audits";
import { fakeSsh } from "../helpers/report/fakeSsh";

const work = mkdtempSync(path.join(tmpdir(), "mdbh-audit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const yaml = "name: iris-1\nproduct: iris\nenvironment: production\nnetwork: { sshPort: 2222, adminCidrs: [10.9.0.0/24], appClients: [10.1.0.0/24], licenseServers: [10.2.0.10/32] }\n";
const profileFile = path.join(work, "iris.yaml");
writeFileSync(profileFile, yaml);
const script = render(parseProfile(yaml, profileFile));

const ssh = fakeSsh(work);
process.env.PATH = `${ssh.bin}:${process.env.PATH}`;
process.env.FAKE_SSH_DIR = ssh.dir;
const host = ssh.host;
const sessions = ssh.sessions;

const base: AuditOptions = { profileFile, ssh: { user: "root", host: "db-1.example" }, osFamily: "debian", format: "text", version: "0.1.0" };
const hasXmllint = requireTool("xmllint", "libxml2-utils", "audit JUnit validation");

describe("audit over ssh (fake ssh on PATH)", () => {
    beforeEach(() => host(outputs.compliant));

    it("runs the rendered script in check mode in one session: BatchMode, the profile's SSH port, root without sudo", () => {
        const r = audit(base);
        expect(r).toEqual({ code: 0, stdout: auditText(auditReport(outputs.compliant, { target: "root@db-1.example:2222", mode: "check", version: "0.1.0" })), stderr: "" });
        expect(sessions()).toEqual([{ argv: ["-T", "-o", "BatchMode=yes", "-p", "2222", "-l", "root", "--", "db-1.example", "bash -s -- check"], stdin: script }]);
    });

    it("another user: through sudo -n with the SSH client address; --identity; an explicit port; an IPv6 host", () => {
        audit({ ...base, ssh: { user: "admin", host: "fd00::5", port: 22 }, identity: "/keys/audit key" });
        expect(sessions().map((s) => s.argv)).toEqual([[
            "-T", "-o", "BatchMode=yes", "-p", "22", "-i", "/keys/audit key", "-o", "IdentitiesOnly=yes", "-l", "admin", "--", "fd00::5",
            'sudo -n env SSH_CONNECTION="$SSH_CONNECTION" bash -s -- check',
        ]]);
    });

    it.each([
        ["compliant", 0],
        ["nonCompliant", 1],
        ["refused", 3],
        ["unfinished", 3],
    ] as const)("%s: exit %i, and every format valid against its schema", (name, code) => {
        host(outputs[name]);
        const json = audit({ ...base, format: "json" });
        expect(json.code).toBe(code);
        expect(validateAuditJson(JSON.parse(json.stdout)), JSON.stringify(validateAuditJson.errors)).toBe(true);
        expect(json.stderr).toMatch(/^mdb-hardening audit of root@db-1\.example:2222 /);
        const sarif = audit({ ...base, format: "sarif" });
        expect(sarif.code).toBe(code);
        expect(validateSarif(JSON.parse(sarif.stdout)), JSON.stringify(validateSarif.errors)).toBe(true);
        const junit = audit({ ...base, format: "junit" });
        expect(junit.code).toBe(code);
        if (hasXmllint) expect(validateJunit(junit.stdout)).toEqual({ code: 0, stderr: "- validates\n" });
        expect(audit(base).code).toBe(code);
        expect(sessions()).toHaveLength(4); // one per run
    });

    it("--output: the document to the file, the summary to stderr; an unwritable file is exit 3", () => {
        host(outputs.nonCompliant);
        const out = path.join(work, "audit.xml");
        const r = audit({ ...base, format: "junit", output: out });
        const report = auditReport(outputs.nonCompliant, { target: "root@db-1.example:2222", mode: "check", version: "0.1.0" });
        expect(r).toEqual({ code: 1, stdout: "", stderr: auditText(report) });
        expect(readFileSync(out, "utf8")).toBe(auditJunit(report));
        expect(audit({ ...base, output: path.join(work, "missing/dir/audit.txt") })).toMatchObject({ code: 3, stderr: expect.stringContaining("missing/dir/audit.txt: ENOENT") });
    });

    it("could not check, exit 3 naming the target: ssh failed, or a line names an unknown control", () => {
        host("", 255, "ssh: connect to host db-1.example port 2222: Connection refused\n");
        expect(audit(base)).toEqual({ code: 3, stdout: "", stderr: "mdb-hardening: root@db-1.example:2222: the ssh session printed no report (exit 255): ssh: connect to host db-1.example port 2222: Connection refused\n" });
        host("", 1, "sudo: a password is required\x1b[31m\n");
        expect(audit({ ...base, ssh: { user: "admin", host: "10.0.0.5" } }).stderr).toBe("mdb-hardening: admin@10.0.0.5:2222: the ssh session printed no report (exit 1): sudo: a password is required\\x1b[31m\n");
        host(outputs.unknownControl);
        expect(audit(base)).toMatchObject({ code: 3, stderr: 'mdb-hardening: root@db-1.example:2222: host script: unknown control "MDBH-NOPE-999" in "MDBH\\tfinding\\tMDBH-NOPE-999\\tx\\ty"\n' });
    });

    it("an invalid profile: exit 3, each error with its field and value, and no session", () => {
        const bad = path.join(work, "bad.yaml");
        writeFileSync(bad, "name: Bad\nproduct: iris\nenvironment: production\n");
        const r = audit({ ...base, profileFile: bad });
        expect(r.code).toBe(3);
        expect(r.stderr).toContain(`${bad}: name: must be a lower-case DNS label`);
        expect(r.stderr).toMatch(/mdb-hardening: .*bad\.yaml: the profile is invalid; nothing was run\n$/);
        expect(sessions()).toEqual([]);
    });
});

describe("audit --local (injected runner)", () => {
    it("runs bash -s -- check with the script on stdin, and reports as over ssh", () => {
        const calls: { argv: readonly string[]; input: string }[] = [];
        const runner: Runner = (argv, input) => {
            calls.push({ argv, input });
            return { status: 0, stdout: outputs.nonCompliant, stderr: "" };
        };
        const r = audit({ ...base, ssh: undefined, format: "json" }, runner);
        expect(calls).toEqual([{ argv: ["bash", "-s", "--", "check"], input: script }]);
        expect(r.code).toBe(1);
        expect(JSON.parse(r.stdout)).toMatchObject({ target: "local", verdict: "non-compliant" });
        const failed = audit({ ...base, ssh: undefined }, () => ({ status: null, stdout: "", stderr: "", error: new Error("spawnSync bash ENOENT") }));
        expect(failed).toEqual({ code: 3, stdout: "", stderr: "mdb-hardening: local: could not run bash: spawnSync bash ENOENT\n" });
    });
});

describe("--ssh user@host[:port]", () => {
    it.each([
        ["root@db-1.example", { user: "root", host: "db-1.example" }],
        ["admin@10.20.2.10:2222", { user: "admin", host: "10.20.2.10", port: 2222 }],
        ["admin@[fd00::5]:22", { user: "admin", host: "fd00::5", port: 22 }],
        ["_svc@DB.example.", { user: "_svc", host: "DB.example." }],
    ])("reads %s", (text, want) => expect(parseSshTarget(text)).toEqual(want));

    it.each([
        ["db-1.example", "must be user@host[:port]"],
        ["Root@db", "the user must be a plain POSIX user name"],
        ["-oProxyCommand=x@db", "the user must be a plain POSIX user name"],
        ["root@-oProxyCommand=x", "the host must be a DNS name"],
        ["root@db;reboot", "the host must be a DNS name"],
        ["root@010.0.0.1", "the host must be a DNS name"],
        ["root@fd00::5", "must be user@host[:port]"],
        ["root@[10.0.0.1]", "the host must be a DNS name, an IPv4 address or an IPv6 address in brackets"],
        ["root@db:022", "the port must be 1..65535"],
        ["root@db:65536", "the port must be 1..65535"],
        ["root@db:", "the port must be 1..65535"],
    ])("refuses %s, naming the option and the value", (text, why) => {
        expect(parseSshTarget(text)).toEqual(expect.stringContaining(`--ssh: ${why}`));
        expect(parseSshTarget(text)).toMatch(new RegExp(`\\(got ${JSON.stringify(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\)$`));
    });

    it("the ssh argv ends options before the host", () => {
        expect(sshArgv({ user: "root", host: "db", port: 22 }).slice(-3)).toEqual(["--", "db", "bash -s -- check"]);
    });
});
