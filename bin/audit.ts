/**
 * `mdb-hardening audit`: runs the profile's host script in check mode — over SSH with the system
 * OpenSSH client (one session, `BatchMode`, host keys checked as the user's ssh config says), or
 * on this machine — and turns its report lines into a report (components/report/).
 *
 * Exit codes: 0 compliant, 1 would-change or unwaived findings, 3 could not check (the profile is
 * invalid, ssh failed, the script refused with an error line or printed no summary, a report line
 * names an unknown control, or --output cannot be written). Usage errors (2) are found before it runs.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { scriptCommand } from "../components/host/invocation";
import { renderHostScript } from "../components/host/script";
import { parseAddress } from "../components/cidr";
import type { OsFamily } from "../components/catalog";
import { hardeningPlan } from "../components/plan";
import { readProfileFile } from "../components/profile";
import { auditJson } from "../components/report/json";
import { auditJunit } from "../components/report/junit";
import { auditReport, verdictExitCode, type AuditReport } from "../components/report/results";
import { auditSarif } from "../components/report/sarif";
import { auditText, printable } from "../components/report/text";
import { formatIssue, ProfileError } from "../components/validate";

export const formats: Readonly<Record<string, (report: AuditReport) => string>> = { text: auditText, json: auditJson, junit: auditJunit, sarif: auditSarif };

export interface SshTarget {
    readonly user: string;
    /** A DNS name or an IP address (IPv6 without brackets). */
    readonly host: string;
    readonly port?: number;
}

const userPattern = /^[a-z_][a-z0-9_-]{0,31}$/;
const dnsName = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Reads `user@host[:port]` (`user@[v6]:port` for an IPv6 address); a string is what is wrong. */
export function parseSshTarget(text: string): SshTarget | string {
    const got = ` (got ${JSON.stringify(text)})`;
    const m = /^([^@]*)@(\[[^\]]*\]|[^:]*)(?::([^:]*))?$/.exec(text);
    if (!m) return `--ssh: must be user@host[:port], an IPv6 address in brackets${got}`;
    // getaddrinfo reads a numeric name such as 010.0.0.1 as an address (octal): only a valid one passes.
    const numeric = (host: string) => /^[0-9.]+$/.test(host);
    const [, user, rawHost, rawPort] = m;
    if (!userPattern.test(user)) return `--ssh: the user must be a plain POSIX user name ([a-z_][a-z0-9_-]*, at most 32 characters)${got}`;
    const bracketed = rawHost.startsWith("[");
    const host = bracketed ? rawHost.slice(1, -1) : rawHost;
    const address = parseAddress(host);
    const isIp = typeof address !== "string";
    if (bracketed ? !(isIp && address.family === 6) : !(isIp ? address.family === 4 : dnsName.test(host) && !numeric(host))) {
        return `--ssh: the host must be a DNS name, an IPv4 address or an IPv6 address in brackets${got}`;
    }
    if (rawPort === undefined) return { user, host };
    if (!/^[1-9][0-9]{0,4}$/.test(rawPort) || Number(rawPort) > 65535) return `--ssh: the port must be 1..65535 without leading zeros${got}`;
    return { user, host, port: Number(rawPort) };
}

export interface RunResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly error?: Error;
}

/** Runs argv with `input` on stdin; the default spawns it, tests hand in a fake. */
export type Runner = (argv: readonly string[], input: string) => RunResult;

export const spawnRunner: Runner = (argv, input) => {
    const r = spawnSync(argv[0], argv.slice(1), { input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", ...(r.error ? { error: r.error } : {}) };
};

/** The one ssh session: no terminal, no password prompt, the remote command fixed words. */
export function sshArgv(target: SshTarget & { port: number }, identity?: string): string[] {
    return [
        "ssh", "-T", "-o", "BatchMode=yes", "-p", String(target.port),
        ...(identity !== undefined ? ["-i", identity, "-o", "IdentitiesOnly=yes"] : []),
        "-l", target.user, "--", target.host, scriptCommand(target.user, "check"),
    ];
}

export interface AuditOptions {
    readonly profileFile: string;
    /** undefined: this machine. */
    readonly ssh?: SshTarget;
    readonly identity?: string;
    readonly osFamily: OsFamily;
    /** A key of `formats`. */
    readonly format: string;
    readonly output?: string;
    readonly version: string;
}

export interface AuditOutcome {
    readonly code: 0 | 1 | 3;
    readonly stdout: string;
    readonly stderr: string;
}

const couldNotCheck = (message: string, before = ""): AuditOutcome => ({ code: 3, stdout: "", stderr: `${before}mdb-hardening: ${message}\n` });

export function audit(options: AuditOptions, run: Runner = spawnRunner): AuditOutcome {
    let plan;
    try {
        plan = hardeningPlan(readProfileFile(options.profileFile), options.osFamily);
    } catch (e) {
        const lines = e instanceof ProfileError ? e.issues.map((i) => `${e.source}: ${formatIssue(i)}`) : [`${options.profileFile}: ${(e as Error).message}`];
        return couldNotCheck(`${options.profileFile}: the profile is invalid; nothing was run`, lines.map((l) => `${l}\n`).join(""));
    }
    const script = renderHostScript(plan);
    const ssh = options.ssh && { ...options.ssh, port: options.ssh.port ?? plan.profile.network.sshPort };
    const target = ssh ? `${ssh.user}@${ssh.host.includes(":") ? `[${ssh.host}]` : ssh.host}:${ssh.port}` : "local";
    const argv = ssh ? sshArgv(ssh, options.identity) : ["bash", "-s", "--", "check"];
    const r = run(argv, script);
    if (r.error) return couldNotCheck(`${target}: could not run ${argv[0]}: ${r.error.message}`);
    if (!r.stdout.split("\n").some((l) => l.startsWith("MDBH\t"))) {
        return couldNotCheck(`${target}: ${ssh ? "the ssh session" : "the host script"} printed no report (exit ${r.status ?? "by signal"})${r.stderr.trim() ? `: ${r.stderr.trim().split("\n").map(printable).join("\n")}` : ""}`);
    }
    let report;
    try {
        report = auditReport(r.stdout, { target, mode: "check", version: options.version });
    } catch (e) {
        return couldNotCheck(`${target}: ${printable((e as Error).message)}`);
    }
    const document = formats[options.format](report);
    // The text summary goes to stderr beside a machine-readable document, so a CI log shows the verdict.
    const summary = options.format === "text" ? "" : auditText(report);
    if (options.output === undefined) return { code: verdictExitCode(report), stdout: document, stderr: summary };
    try {
        writeFileSync(options.output, document);
    } catch (e) {
        return couldNotCheck(`${options.output}: ${(e as Error).message}`);
    }
    return { code: verdictExitCode(report), stdout: "", stderr: options.format === "text" ? document : summary };
}
