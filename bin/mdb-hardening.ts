#!/usr/bin/env node
/**
 * mdb-hardening CLI: review and use profiles outside Pulumi, through the same code the components run.
 *
 *   mdb-hardening check <profile.yaml>...   validate profiles, print each error (exit 1 on any)
 *   mdb-hardening rules <profile.yaml>      print the network rules derived from a profile (JSON)
 *   mdb-hardening plan  <profile.yaml>      print the hardening plan (JSON)
 */
import { readFileSync } from "node:fs";
import { hardeningPlan } from "../components/plan";
import { parseProfile, type HostProfile } from "../components/profile";
import { deriveRules } from "../components/rules";
import { formatIssue, ProfileError } from "../components/validate";

const usage = "usage: mdb-hardening check <profile.yaml>... | rules <profile.yaml> | plan <profile.yaml>";

function load(file: string): HostProfile {
    return parseProfile(readFileSync(file, "utf8"), file);
}

function main(argv: string[]): number {
    const [command, ...files] = argv;
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
            try {
                const p = load(files[0]);
                const out = command === "rules" ? deriveRules(p) : hardeningPlan(p);
                process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
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
