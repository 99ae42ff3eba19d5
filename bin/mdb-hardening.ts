#!/usr/bin/env node
/**
 * mdb-hardening CLI: review and use profiles outside Pulumi, through the same code the components
 * run (profile → plan → renderers). `mdb-hardening --help` lists the commands.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { defaultOsFamily, type OsFamily } from "../components/catalog";
import { renderHostScript } from "../components/host/script";
import { CpfSyntaxError } from "../components/iris/cpf";
import { byHandFindings, formatByHand, renderMergeFile } from "../components/iris/merge";
import { auditAfterMerge } from "../components/iris/apply";
import { auditCpf } from "../components/iris/ports";
import { hardeningOutput, hardeningPlan, type HardeningPlan } from "../components/plan";
import { readProfileFile, type HostProfile } from "../components/profile";
import { checkOsFamily, formatIssue, Issues, ProfileError } from "../components/validate";
import { EventLogError, parseEventLog, type Level } from "../policies/eventLog";
import { junitXml } from "../policies/junit";
import { defaultPackName, policies } from "../policies/list";
import { buildReport, gateExitCode, summaryText } from "../policies/report";
import { audit, formats, parseSshTarget } from "./audit";
import { commands, exitCodes } from "./commands";

function usage(): string {
    return [
        "usage: mdb-hardening <command> [arguments]   (mdb-hardening help <command> for more)",
        "",
        ...Object.entries(commands).map(([name, c]) => `  ${name} ${c.synopsis}\n      ${c.does}`),
        "",
        "  --version   print the version",
        `${exitCodes} ${Object.keys(commands).filter((n) => commands[n].exits).join(" and ")} have their own (mdb-hardening help <command>).`,
        "",
    ].join("\n");
}

function commandHelp(name: string): string {
    const c = commands[name];
    return `usage: mdb-hardening ${name} ${c.synopsis}\n\n${c.does}.\n\nexample: ${c.example}\n${c.exits ?? exitCodes}\n`;
}

/** The package's version, from the package.json above this file (bin/ in the source tree, dist/bin/ when built). */
function packageVersion(): string {
    for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (!existsSync(file)) continue;
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (pkg.name === "mdb-hardening" && pkg.version !== undefined) return pkg.version;
    }
    throw new Error("internal: package.json not found");
}

function usageError(message: string): number {
    process.stderr.write(`mdb-hardening: ${message}\n${usage()}`);
    return 2;
}

function load(file: string): HostProfile {
    return readProfileFile(file);
}

/** Commands that print one document derived from one profile's plan. */
const printers: Record<string, (plan: HardeningPlan) => string> = {
    rules: (plan) => `${JSON.stringify(plan.rules, null, 2)}\n`,
    plan: (plan) => `${JSON.stringify(hardeningOutput(plan), null, 2)}\n`,
    render: (plan) => renderHostScript(plan),
    merge: (plan) => renderMergeFile(plan.profile),
};

function main(argv: string[]): number {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                "os-family": { type: "string" },
                output: { type: "string", short: "o" },
                format: { type: "string" },
                "fail-on": { type: "string" },
                pack: { type: "string" },
                ssh: { type: "string" },
                identity: { type: "string" },
                local: { type: "boolean" },
                help: { type: "boolean", short: "h" },
                version: { type: "boolean" },
            },
        });
    } catch (e) {
        return usageError((e as Error).message);
    }
    const { positionals, values } = parsed;
    if (values.version) {
        process.stdout.write(`mdb-hardening ${packageVersion()}\n`);
        return 0;
    }
    const [first, ...rest] = positionals;
    const helpFor = first === "help" ? rest[0] : values.help ? first : undefined;
    if (first === "help" || values.help) {
        if (helpFor === undefined) process.stdout.write(usage());
        else if (Object.hasOwn(commands, helpFor)) process.stdout.write(commandHelp(helpFor));
        else return usageError(`unknown command ${JSON.stringify(helpFor)}`);
        return 0;
    }
    if (first === undefined) return usageError("no command given");
    if (!Object.hasOwn(commands, first)) return usageError(`unknown command ${JSON.stringify(first)}`);
    const command = first;
    const files = rest;
    const wanted = commands[command].files;
    const stray = Object.keys(values).filter((o) => !(commands[command].options ?? []).includes(o));
    if ((wanted === undefined ? files.length === 0 : files.length !== wanted) || stray.length > 0) {
        const why = stray.length > 0 ? ` (not --${stray.join(", --")})` : "";
        process.stderr.write(`mdb-hardening: ${command} takes ${commands[command].synopsis}${why}\n${commandHelp(command)}`);
        return 2;
    }
    if (command === "policy-report") return policyReport(files[0], values);
    const osFamily = values["os-family"] ?? defaultOsFamily;
    const issues = new Issues();
    if (!checkOsFamily(issues, "--os-family", osFamily)) {
        report("arguments", new ProfileError(issues.list, "arguments"));
        return 2;
    }
    if (command === "audit") return auditCommand(files[0], osFamily, values);
    if (Object.hasOwn(printers, command)) {
        try {
            process.stdout.write(printers[command](hardeningPlan(load(files[0]), osFamily)));
            return 0;
        } catch (e) {
            report(files[0], e);
            return 1;
        }
    }
    switch (command) {
        case "check": {
            let failed = 0;
            for (const file of files) {
                try {
                    const p = load(file);
                    process.stdout.write(`${file}: ok (${p.name}, ${p.product}, ${p.environment}, roles: ${p.roles.join(", ")})\n`);
                } catch (e) {
                    failed++;
                    report(file, e);
                }
            }
            return failed === 0 ? 0 : 1;
        }
        case "audit-cpf": {
            const [profileFile, cpfFile] = files;
            try {
                const profile = load(profileFile);
                const cpf = readFileSync(cpfFile, "utf8");
                const deviations = auditCpf(profile, cpf, cpfFile);
                // Each deviation says whether the profile's merge file settles it (predicted by applying it to this CPF).
                const remaining = auditAfterMerge(profile, cpf, cpfFile);
                for (const d of deviations) {
                    const settled = !remaining.some((r) => r.field === d.field && r.message === d.message);
                    process.stdout.write(`${cpfFile}: ${d.field}: ${d.message} (profile: ${JSON.stringify(d.profile) ?? "none"}, instance: ${JSON.stringify(d.instance) ?? "none"})${settled ? "; the merge file settles it" : ""}\n`);
                }
                if (deviations.length === 0) process.stdout.write(`${cpfFile}: matches ${profileFile}\n`);
                // A CPF cannot show them either, so they are listed apart and leave the exit code alone.
                for (const f of byHandFindings(profile)) process.stdout.write(`${cpfFile}: to do by hand (iris.lockdown): ${formatByHand(f)}\n`);
                return deviations.length === 0 ? 0 : 1;
            } catch (e) {
                report(cpfFile, e);
                return 1;
            }
        }
        default:
            throw new Error(`internal: command ${command} has no handler`);
    }
}

/** Exit codes as in its help: 0, 1 (violations at or above --fail-on), 2 (usage), 3 (the log, an incomplete run, or --output). */
function policyReport(file: string, options: { output?: string; format?: string; "fail-on"?: string; pack?: string }): number {
    const { output, format = "junit", "fail-on": failOn = "mandatory", pack = defaultPackName } = options;
    if (!["junit", "text"].includes(format)) return usageError(`policy-report: --format must be junit or text (got ${JSON.stringify(format)})`);
    if (!["mandatory", "advisory"].includes(failOn)) return usageError(`policy-report: --fail-on must be mandatory or advisory (got ${JSON.stringify(failOn)})`);
    let report;
    try {
        const log = parseEventLog(readFileSync(file, "utf8"), file);
        report = buildReport(log, file, { failOn: failOn as Level, ownPack: { name: pack, policies: () => policies.map((p) => p.name) } });
    } catch (e) {
        process.stderr.write(`mdb-hardening: ${e instanceof EventLogError ? e.message : `${file}: ${(e as Error).message}`}\n`);
        return 3;
    }
    const document = format === "junit" ? junitXml(report) : summaryText(report);
    try {
        if (output === undefined) process.stdout.write(document);
        else writeFileSync(output, document);
    } catch (e) {
        process.stderr.write(`mdb-hardening: ${output}: ${(e as Error).message}\n`);
        return 3;
    }
    if (format === "junit") process.stderr.write(summaryText(report));
    return gateExitCode(report);
}

/** Checks the arguments (exit 2 before anything runs), then runs the audit (bin/audit.ts). */
function auditCommand(profileFile: string, osFamily: OsFamily, options: { ssh?: string; identity?: string; local?: boolean; format?: string; output?: string }): number {
    const { ssh, identity, local = false, format = "text", output } = options;
    if ((ssh === undefined) === !local) return usageError("audit: give one of --ssh user@host[:port] and --local");
    if (identity !== undefined && ssh === undefined) return usageError("audit: --identity goes with --ssh");
    if (!Object.hasOwn(formats, format)) return usageError(`audit: --format must be one of ${Object.keys(formats).join(", ")} (got ${JSON.stringify(format)})`);
    if (identity !== undefined && !existsSync(identity)) return usageError(`audit: --identity: no such file (got ${JSON.stringify(identity)})`);
    const target = ssh === undefined ? undefined : parseSshTarget(ssh);
    if (typeof target === "string") return usageError(`audit: ${target}`);
    const r = audit({ profileFile, ssh: target, identity, osFamily, format, output, version: packageVersion() });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    return r.code;
}

function report(file: string, e: unknown): void {
    // Both errors name their own input: the profile file, the profile by name, or the CPF and its line.
    if (e instanceof ProfileError) {
        for (const issue of e.issues) process.stderr.write(`${e.source}: ${formatIssue(issue)}\n`);
    } else if (e instanceof CpfSyntaxError) {
        process.stderr.write(`${e.message}\n`);
    } else {
        process.stderr.write(`${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
}

process.exitCode = main(process.argv.slice(2));
