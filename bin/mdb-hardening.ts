#!/usr/bin/env node
/**
 * mdb-hardening CLI: review and use profiles outside Pulumi, through the same code the components run.
 *
 *   mdb-hardening check <profile.yaml>...   validate profiles, print each error (exit 1 on any)
 *   mdb-hardening rules <profile.yaml>      print the network rules derived from a profile (JSON)
 *   mdb-hardening plan  <profile.yaml>      print the hardening plan (JSON)
 *   mdb-hardening render <profile.yaml> [--os-family debian|rhel]
 *                                           print exactly the host script the components run
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { renderHostScript } from "../components/host/script";
import { hardeningPlan } from "../components/plan";
import { parseProfile, type HostProfile } from "../components/profile";
import { deriveRules } from "../components/rules";
import { checkOsFamily, formatIssue, Issues, ProfileError } from "../components/validate";

const usage = "usage: mdb-hardening check <profile.yaml>... | rules <profile.yaml> | plan <profile.yaml> | render <profile.yaml> [--os-family debian|rhel]";

function load(file: string): HostProfile {
    return parseProfile(readFileSync(file, "utf8"), file);
}

function main(argv: string[]): number {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { "os-family": { type: "string", default: "debian" } } });
    const [command, ...files] = positionals;
    if (!command || files.length === 0 || (command !== "check" && files.length !== 1)) {
        process.stderr.write(`${usage}\n`);
        return 2;
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
        case "rules":
        case "plan":
        case "render":
            try {
                const issues = new Issues();
                const osFamily = values["os-family"];
                if (!checkOsFamily(issues, "--os-family", osFamily)) throw new ProfileError(issues.list, "arguments");
                const p = load(files[0]);
                if (command === "render") {
                    process.stdout.write(renderHostScript(p, { osFamily }));
                } else {
                    const out = command === "rules" ? deriveRules(p) : hardeningPlan(p, osFamily);
                    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
                }
                return 0;
            } catch (e) {
                report(files[0], e);
                return 1;
            }
        default:
            process.stderr.write(`unknown command ${JSON.stringify(command)}\n${usage}\n`);
            return 2;
    }
}

function report(file: string, e: unknown): void {
    if (e instanceof ProfileError) {
        for (const issue of e.issues) process.stderr.write(`${file}: ${formatIssue(issue)}\n`);
    } else {
        process.stderr.write(`${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
}

process.exitCode = main(process.argv.slice(2));
