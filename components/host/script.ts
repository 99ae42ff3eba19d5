/**
 * Renders the host script for one plan: quoted shell assignments of the plan's values,
 * then the fixed body, the parts in sh/. `mdb-hardening render` prints exactly this; the
 * components run exactly this (over SSH, and as EC2 user data).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { cronAllowFile, databaseHeader, ftokSemaphoreNote, mixedAccessAdvice, osFamilies, products, protectedUnit, protectedUnits, type MProduct, type OsFamily } from "../catalog";
import { renderMergeFile } from "../iris/merge";
import type { HardeningPlan, PartName } from "../plan";
import type { HostProfile } from "../profile/model";
import { nftProbeTable, nftTable, renderNftables, renderNftProbe } from "./nftables";

const stateDir = "/var/lib/mdb-hardening";
const nftFile = "/etc/mdb-hardening/nftables.nft";
const nftConf: Record<OsFamily, string> = { debian: "/etc/nftables.conf", rhel: "/etc/sysconfig/nftables.conf" };
const profileD = "/etc/profile.d/mdb-hardening.sh";

/** The body's parts, in the order they are defined and run (sh/main.sh runs them). */
export const scriptParts = ["lib", "preflight", "distribution", "databases", "services", "firewall", "iris", "audit", "main"] as const;
const body = scriptParts.map((part) => readFileSync(path.join(__dirname, "sh", `${part}.sh`), "utf8")).join("\n");

/** Single-quotes a value for bash; the only character that needs care inside is the quote itself. */
export function shq(value: string): string {
    if (value.includes("\0")) throw new Error("internal: NUL byte in a shell value");
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

type ShellValue = string | readonly string[];

function assign(name: string, value: ShellValue): string {
    return typeof value === "string" ? `${name}=${shq(value)}` : `${name}=(${value.map(shq).join(" ")})`;
}

function distributionValues(p: HostProfile): Record<string, ShellValue> {
    const dist = p.distribution;
    const facts = p.product === "iris" ? undefined : (products[p.product] as MProduct);
    if (!dist || !facts) {
        return { PRODUCT_NAME: products[p.product].displayName, DIST: "", DIST_GROUP: "", DIST_MEMBERS: [], DIST_MARKERS: [], SECSHR_DIR: "", SECSHR_NAME: "", INSTALL_OWNERS: [], RESTRICT_FILE: "", RESTRICT_CONTENT: "", TMP_DIR: "", LOG_DIR: "", PROFILE_D: profileD, ENV_CONTENT: "" };
    }
    const restrict = Object.entries(dist.restrict).map(([facility, group]) => `${facility}:${group}`);
    return {
        PRODUCT_NAME: facts.displayName,
        DIST: dist.path,
        DIST_GROUP: dist.group,
        DIST_MEMBERS: dist.members,
        DIST_MARKERS: ["mumps", facts.secshr.wrapper, facts.sharedLibrary],
        SECSHR_DIR: facts.secshr.dir,
        SECSHR_NAME: facts.secshr.wrapper,
        INSTALL_OWNERS: facts.installOwners,
        RESTRICT_FILE: facts.restrictFile ?? "",
        RESTRICT_CONTENT: restrict.join("\n"),
        TMP_DIR: dist.tmpDir,
        LOG_DIR: dist.logDir,
        PROFILE_D: profileD,
        ENV_CONTENT: [
            `# mdb-hardening (${p.name}): gtmsecshr inherits these from the process that starts it; pinned for every login.`,
            `export ${facts.distVar}=${shq(dist.path)}`,
            `export ${facts.tmpVar}=${shq(dist.tmpDir)}`,
            `export ${facts.logVar}=${shq(dist.logDir)}`,
        ].join("\n"),
    };
}

/**
 * The declared databases (sh/databases.sh, run with the distribution part). DB_FILES holds every
 * declared database, read-only ones too, for the audit; DB_TOOL_ENV is the whole environment of the
 * `mupip dumpfhead` that reads a header (as the database's owner, never as root).
 */
function databaseValues(p: HostProfile): Record<string, ShellValue> {
    const { fields, accessMethods, journalNotAllowed, routines } = databaseHeader;
    const dist = p.distribution;
    const product = p.product === "iris" ? undefined : p.product;
    const toolEnv = dist && product
        ? [`${products[product].distVar}=${dist.path}`, `${routines[product].variable}=${dist.path}/${routines[product].library}`, `${products[product].tmpVar}=${dist.tmpDir}`]
        : [];
    return {
        READONLY_DBS: p.databases.readOnly,
        DB_FILES: [...new Set([...p.databases.files, ...p.databases.readOnly])],
        DB_TOOL_ENV: toolEnv,
        DB_FIELD_ACCESS: fields.accessMethod,
        DB_FIELD_JOURNAL_STATE: fields.journalState,
        DB_FIELD_JOURNAL_FILE: fields.journalFile,
        DB_FIELD_SHMID: fields.shmid,
        DB_FIELD_SEMID: fields.semid,
        DB_ACCESS_BG: accessMethods.BG,
        DB_ACCESS_MM: accessMethods.MM,
        DB_JOURNAL_NOT_ALLOWED: journalNotAllowed,
        DB_MIXED_ADVICE: mixedAccessAdvice,
        DB_FTOK_NOTE: ftokSemaphoreNote,
    };
}

function serviceValues(plan: HardeningPlan): Record<string, ShellValue> {
    const { units, clientBinaries, allowedDaemons } = plan.services;
    const needed = units.filter((u) => protectedUnit(u));
    if (needed.length > 0) throw new Error(`internal: protected units in the disable list: ${needed.join(", ")}`);
    return {
        SERVICES_UNITS: units,
        PROTECTED_UNITS: [...new Set(protectedUnits.flatMap((entry) => osFamilies.flatMap((f) => entry.units[f])))],
        CLIENT_BINARIES: clientBinaries,
        CRON_ALLOW: cronAllowFile,
        CRON_ALLOW_CONTENT: plan.profile.services.cronAllow.join("\n"),
        ALLOWED_DAEMONS: allowedDaemons,
    };
}

function irisValues(p: HostProfile): Record<string, ShellValue> {
    if (!p.hardening.irisConfig || !p.iris) return { IRIS_INSTANCE: "", IRIS_DIR: "", MERGE_CONTENT: "" };
    return { IRIS_INSTANCE: p.iris.instance, IRIS_DIR: p.iris.installDir, MERGE_CONTENT: renderMergeFile(p).replace(/\n$/, "") };
}

function requiredTools(parts: readonly PartName[]): string[] {
    const tools = ["stat", "chown", "chmod", "find", "flock", "mktemp", "cmp", "ps"];
    if (parts.includes("distribution")) tools.push("getent", "groupadd", "usermod", "id", "chgrp", "readlink", "setpriv", "timeout");
    if (parts.includes("services") || parts.includes("firewall")) tools.push("systemctl");
    if (parts.includes("services")) tools.push("readlink", "basename", "sed", "tr");
    if (parts.includes("firewall")) tools.push("nft");
    if (parts.includes("iris")) tools.push("gzip", "base64", "setpriv", "getent");
    return tools;
}

/** The complete script for a plan. Deterministic: same plan, same bytes. */
export function renderHostScript(plan: HardeningPlan): string {
    const { profile: p, osFamily: family, parts } = plan;
    const values: Record<string, ShellValue> = {
        PROFILE_NAME: p.name,
        PARTS: parts.join(" "),
        REQUIRED_TOOLS: requiredTools(parts),
        STATE_DIR: stateDir,
        ...distributionValues(p),
        ...databaseValues(p),
        ...serviceValues(plan),
        ...irisValues(p),
        NFT_TABLE: nftTable,
        NFT_PROBE_TABLE: nftProbeTable,
        // Files are written with one final newline added.
        NFT_RULESET: renderNftables(plan).replace(/\n$/, ""),
        NFT_PROBE: renderNftProbe(plan),
        NFT_FILE: nftFile,
        NFT_CONF: nftConf[family],
        EXPECTED_PORTS: plan.expectedPorts,
    };
    return [
        "#!/bin/bash",
        "# shellcheck disable=SC2016 # the profile's values are data, single-quoted on purpose",
        `# mdb-hardening host script for ${p.name} (${products[p.product].displayName}, ${p.environment}, ${family}).`,
        "# Generated from the profile by mdb-hardening; review it with `mdb-hardening render <profile>`.",
        "set -euo pipefail",
        "umask 077",
        "export LC_ALL=C",
        ...Object.entries(values).map(([k, v]) => assign(k, v)),
        "",
        body,
    ].join("\n");
}

/** Short content hash, shown in outputs so a reviewer can match a run to a rendered script. */
export function scriptDigest(script: string): string {
    return createHash("sha256").update(script).digest("hex").slice(0, 16);
}
