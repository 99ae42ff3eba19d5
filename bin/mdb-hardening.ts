#!/usr/bin/env node
/**
 * mdb-hardening CLI: review and use profiles outside Pulumi, through the same code the components run.
 *
 *   mdb-hardening check <profile.yaml>...   validate profiles, print each error (exit 1 on any)
 *   mdb-hardening rules <profile.yaml>      print the network rules derived from a profile (JSON)
 *   mdb-hardening plan  <profile.yaml>      print the hardening plan (JSON)
 *   mdb-hardening render <profile.yaml> [--os-family debian|rhel]
 *                                           print exactly the host script the components run
 *   mdb-hardening merge <profile.yaml>      print the IRIS configuration merge file
 *   mdb-hardening audit-cpf <profile.yaml> <iris.cpf>
 *                                           print how the instance's configuration deviates from the profile (exit 1 on any)
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { defaultOsFamily } from "../components/catalog";
import { renderHostScript } from "../components/host/script";
import { CpfSyntaxError } from "../components/iris/cpf";
import { renderMergeFile } from "../components/iris/merge";
import { auditCpf } from "../components/iris/ports";
import { hardeningOutput, hardeningPlan, type HardeningPlan } from "../components/plan";
import { readProfileFile, type HostProfile } from "../components/profile";
import { checkOsFamily, formatIssue, Issues, ProfileError } from "../components/validate";

const usage = "usage: mdb-hardening check <profile.yaml>... | rules|plan|merge <profile.yaml> | render <profile.yaml> [--os-family debian|rhel] | audit-cpf <profile.yaml> <iris.cpf>";
/** How many files each command takes; check takes any number. */
const arity: Record<string, number> = { rules: 1, plan: 1, render: 1, merge: 1, "audit-cpf": 2 };

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
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { "os-family": { type: "string", default: defaultOsFamily } } });
    const [command, ...files] = positionals;
    if (!command || files.length === 0 || (command in arity && files.length !== arity[command])) {
        process.stderr.write(`${usage}\n`);
        return 2;
    }
    const osFamily = values["os-family"];
    const issues = new Issues();
    if (!checkOsFamily(issues, "--os-family", osFamily)) {
        report("arguments", new ProfileError(issues.list, "arguments"));
        return 2;
    }
    if (command in printers) {
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
                const deviations = auditCpf(load(profileFile), readFileSync(cpfFile, "utf8"), cpfFile);
                for (const d of deviations) {
                    process.stdout.write(`${cpfFile}: ${d.field}: ${d.message} (profile: ${JSON.stringify(d.profile) ?? "none"}, instance: ${JSON.stringify(d.instance) ?? "none"})\n`);
                }
                if (deviations.length === 0) process.stdout.write(`${cpfFile}: matches ${profileFile}\n`);
                return deviations.length === 0 ? 0 : 1;
            } catch (e) {
                report(cpfFile, e);
                return 1;
            }
        }
        default:
            process.stderr.write(`unknown command ${JSON.stringify(command)}\n${usage}\n`);
            return 2;
    }
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
