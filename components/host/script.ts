/**
 * Renders the host script for one plan: quoted shell assignments of the plan's values,
 * then the fixed body, the parts in sh/, the whole held once by a wrapper that runs it (so the
 * script can install a copy of itself). `mdb-hardening render` prints exactly this; the
 * components run exactly this (over SSH, and as EC2 user data).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { cronAllowFile, databaseHeader, ftokSemaphoreNote, hostSchedule, logindRemoveIpc, mixedAccessAdvice, osFamilies, products, protectedUnit, protectedUnits, type MProduct, type OsFamily } from "../catalog";
import { renderMergeFile } from "../iris/merge";
import type { HardeningPlan, PartName } from "../plan";
import type { HostProfile } from "../profile/model";
import { nftProbeTable, nftTable, renderNftables, renderNftProbe } from "./nftables";
import { scheduleService, scheduleTimer } from "./schedule";

const stateDir = "/var/lib/mdb-hardening";
const nftFile = "/etc/mdb-hardening/nftables.nft";
const nftConf: Record<OsFamily, string> = { debian: "/etc/nftables.conf", rhel: "/etc/sysconfig/nftables.conf" };
const profileD = "/etc/profile.d/mdb-hardening.sh";

/** The body's parts, in the order they are defined and run (sh/main.sh runs them). */
export const scriptParts = ["lib", "preflight", "distribution", "databases", "integrity", "services", "firewall", "iris", "schedule", "audit", "main"] as const;
type ScriptPart = (typeof scriptParts)[number];
const partSource = new Map(scriptParts.map((part) => [part, readFileSync(path.join(__dirname, "sh", `${part}.sh`), "utf8")]));
/**
 * A part as the script carries it: without its comment lines and blank lines (the commented source
 * is sh/<part>.sh); its `# reads:`/`# environment:` header and shellcheck directives stay. It keeps a GT.M host's gzip user data well under
 * EC2's 16 KB; test/components/host/sh.test.ts proves bash parses both forms the same.
 */
export function deliveredPart(source: string): string {
    const kept = /^# (reads|environment): |^\s*# shellcheck /;
    return source.split("\n").filter((line) => line.trim() !== "" && (!/^\s*#/.test(line) || kept.test(line))).join("\n") + "\n";
}
const partText = new Map(scriptParts.map((part) => [part, oneByte(deliveredPart(partSource.get(part)!))]));
/**
 * The files a switched-on part brings; the others are in every script. A script carries only what its plan runs (EC2 user data is limited to 16 KB).
 * sh/schedule.sh is in every script: without a schedule it removes the one this module installed before.
 */
const partFiles: Record<PartName, readonly ScriptPart[]> = { distribution: ["distribution", "databases", "integrity"], services: ["services"], firewall: ["firewall"], iris: ["iris"], schedule: [] };

/** The variables each part reads: its first line, `# reads: A B` (test/components/host/sh.test.ts holds it to the code). */
const partReads = new Map(scriptParts.map((part) => [part, partSource.get(part)!.slice("# reads: ".length, partSource.get(part)!.indexOf("\n")).split(" ")]));

const allReads = new Set([...partReads.values()].flat());

/** The body files of the plan's parts, in scriptParts order. */
function bodyParts(parts: readonly PartName[]): ScriptPart[] {
    const wanted = new Set<ScriptPart>(["lib", "preflight", "schedule", "audit", "main", ...parts.flatMap((part) => partFiles[part])]);
    return scriptParts.filter((part) => wanted.has(part));
}

/**
 * The same text, decoded anew. V8 keeps a string cut from one with a character above U+00FF (the
 * parts' comments have dashes) at two bytes per character, and so the whole script joined from it;
 * decoded from UTF-8, ASCII text is one byte per character: half the memory of every script held,
 * and faster to hash and to send.
 */
function oneByte(text: string): string {
    return Buffer.from(text).toString();
}

/** Single-quotes a value for bash; the only character that needs care inside is the quote itself. */
export function shq(value: string): string {
    if (value.includes("\0")) throw new Error("internal: NUL byte in a shell value");
    return value.includes("'") ? `'${value.replace(/'/g, `'\\''`)}'` : `'${value}'`;
}

type ShellValue = string | readonly string[];

/**
 * The last line made for each variable, with a copy of its value: most values are the same from one
 * host to the next (the catalog's, and those of profiles alike), and comparing them is cheaper than
 * quoting them again.
 */
const lastAssigned = new Map<string, { readonly value: ShellValue; readonly line: string }>();

function assign(name: string, value: ShellValue): string {
    const last = lastAssigned.get(name);
    if (last && sameValue(last.value, value)) return last.line;
    const line = typeof value === "string" ? `${name}=${shq(value)}` : `${name}=(${value.map(shq).join(" ")})`;
    lastAssigned.set(name, { value: typeof value === "string" ? value : [...value], line });
    return line;
}

function sameValue(a: ShellValue, b: ShellValue): boolean {
    if (typeof a === "string" || typeof b === "string") return a === b;
    return a.length === b.length && a.every((v, i) => v === b[i]);
}

function distributionValues(plan: HardeningPlan): Record<string, ShellValue> {
    const { profile: p, restrict } = plan;
    const dist = p.distribution;
    const facts = p.product === "iris" ? undefined : (products[p.product] as MProduct);
    // Only the distribution part reads these; a plan without it renders none of them.
    if (!dist || !facts) return {};
    return {
        PRODUCT_NAME: facts.displayName,
        DIST: dist.path,
        DIST_GROUP: dist.group,
        DIST_MEMBERS: dist.members,
        DIST_MARKERS: ["mumps", facts.secshr.wrapper, facts.sharedLibrary],
        DIST_VERSION: dist.version ?? "",
        RELEASE_NAMES: facts.releaseNames,
        SECSHR_DIR: facts.secshr.dir,
        SECSHR_NAME: facts.secshr.wrapper,
        INSTALL_OWNERS: facts.installOwners,
        RESTRICT_FILE: facts.restrictFile,
        RESTRICT_LINES: restrict.map((r) => r.line),
        RESTRICT_SINCE: restrict.map((r) => r.since),
        TMP_DIR: dist.tmpDir,
        VERIFY_INTEGRITY: dist.verifyIntegrity ? "yes" : "",
        PROFILE_D: profileD,
        ENV_CONTENT: [
            `# mdb-hardening (${p.name}): gtmsecshr inherits these from the process that starts it; pinned for every login.`,
            `export ${facts.distVar}=${shq(dist.path)}`,
            `export ${facts.tmpVar}=${shq(dist.tmpDir)}`,
        ].join("\n"),
        LOGIND_DIR: logindRemoveIpc.dir,
        LOGIND_FILE: logindRemoveIpc.file,
        LOGIND_CONTENT: logindRemoveIpc.content,
        LOGIND_MAIN: logindRemoveIpc.mainFile,
        LOGIND_DROPIN_DIRS: logindRemoveIpc.dropInDirs,
    };
}

/**
 * The declared databases (sh/databases.sh, run with the distribution part). DB_FILES holds every
 * declared database, read-only ones too, for the audit; DB_TOOL_ENV is the whole environment of the
 * `mupip dumpfhead` that reads a header (as the database's owner, never as root).
 */
function databaseValues(p: HostProfile): Record<string, ShellValue> {
    const { fields, accessMethods, journalNotAllowed } = databaseHeader;
    const dist = p.distribution;
    const facts = p.product === "iris" ? undefined : (products[p.product] as MProduct);
    if (!dist || !facts) return {};
    return {
        READONLY_DBS: p.databases.readOnly,
        DB_FILES: [...new Set([...p.databases.files, ...p.databases.readOnly])],
        DB_TOOL_ENV: [`${facts.distVar}=${dist.path}`, `${facts.routinesVar}=${dist.path}/${facts.utilLibrary}`, `${facts.tmpVar}=${dist.tmpDir}`],
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

/** Every family's names: a host may know a unit by another family's name. */
const protectedUnitNames = [...new Set(protectedUnits.flatMap((entry) => osFamilies.flatMap((f) => entry.units[f])))];

function serviceValues(plan: HardeningPlan): Record<string, ShellValue> {
    const { units, clientBinaries, allowedDaemons } = plan.services;
    const needed = units.filter((u) => protectedUnit(u));
    if (needed.length > 0) throw new Error(`internal: protected units in the disable list: ${needed.join(", ")}`);
    return {
        SERVICES_UNITS: units,
        PROTECTED_UNITS: protectedUnitNames,
        CLIENT_BINARIES: clientBinaries,
        CRON_ALLOW: cronAllowFile,
        CRON_ALLOW_CONTENT: plan.profile.services.cronAllow.join("\n"),
        ALLOWED_DAEMONS: allowedDaemons,
    };
}

/** The profile's waivers as four parallel lists (lib.sh judges them, expiry included, when the script runs). */
function waiverValues(p: HostProfile): Record<string, ShellValue> {
    return {
        WAIVER_CONTROLS: p.waivers.map((w) => w.control),
        WAIVER_ITEMS: p.waivers.map((w) => w.item ?? ""),
        WAIVER_JUSTIFICATIONS: p.waivers.map((w) => w.justification),
        WAIVER_EXPIRES: p.waivers.map((w) => w.expires ?? ""),
    };
}

function irisValues(p: HostProfile): Record<string, ShellValue> {
    if (!p.hardening.irisConfig || !p.iris) return {};
    return { IRIS_INSTANCE: p.iris.instance, IRIS_DIR: p.iris.installDir, MERGE_CONTENT: renderMergeFile(p).replace(/\n$/, "") };
}

/**
 * The script holds its own text once: the wrapper hands everything between its first and last
 * lines to `cat` as a here-document on fd 3, keeps it in `mdbh_script` and runs it with eval, so
 * sh/schedule.sh can install the whole script although it arrives on stdin or as user data
 * (command substitution drops the text's one final newline; the part adds it back). The whole
 * script is one `{ …; }` group: bash reads all of it before running any of it, and a script cut
 * short in transit is a syntax error that runs nothing. `read -d ''` would keep the newline but
 * reads a pipe one byte at a time (about 40 ms for a GT.M script).
 */
const heldEnd = "MDBH_END_OF_SCRIPT";
export const scriptWrapper = {
    head: [
        "#!/bin/bash",
        "# mdb-hardening host script: its text is held once, below, and run with eval, so that it can install a copy of itself (hardening.schedule).",
        `{ exec 3<<'${heldEnd}'`,
        "",
    ].join("\n"),
    tail: `${heldEnd}\nmdbh_script=$(cat <&3) && exec 3<&- && eval "\${mdbh_script:?the script text could not be read; nothing was run}"; }\n`,
} as const;

/** The schedule part's values: the paths always (a schedule switched off is removed), what it writes only with a schedule. */
function scheduleValues(p: HostProfile): Record<string, ShellValue> {
    const s = p.hardening.schedule;
    return {
        SCHEDULE_DIR: hostSchedule.dir,
        SCHEDULE_SCRIPT: hostSchedule.script,
        SCHEDULE_SERVICE: hostSchedule.service,
        SCHEDULE_TIMER: hostSchedule.timer,
        SCHEDULE_CALENDAR: s?.onCalendar ?? "",
        SERVICE_CONTENT: s ? scheduleService(p, s) : "",
        TIMER_CONTENT: s ? scheduleTimer(p, s) : "",
        // The copy is the wrapper around the held text; files are written with one final newline added.
        SCRIPT_HEAD: s ? scriptWrapper.head : "",
        SCRIPT_TAIL: s ? scriptWrapper.tail.replace(/\n$/, "") : "",
    };
}

function requiredTools(parts: readonly PartName[]): string[] {
    const tools = ["stat", "chown", "chmod", "find", "flock", "mktemp", "cmp", "ps", "date", "sha256sum"];
    if (parts.includes("distribution")) tools.push("getent", "groupadd", "usermod", "id", "chgrp", "readlink", "setpriv", "timeout", "sort", "cut", "sed", "tail", "grep");
    if (parts.includes("services") || parts.includes("firewall")) tools.push("systemctl");
    if (parts.includes("services")) tools.push("readlink", "basename", "sed", "tr");
    if (parts.includes("firewall")) tools.push("nft");
    if (parts.includes("iris")) tools.push("gzip", "base64", "setpriv", "getent");
    // Without systemd-analyze the calendar cannot be checked: the run is refused, not the check skipped.
    if (parts.includes("schedule")) tools.push("systemctl", "systemd-analyze");
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
        ...waiverValues(p),
        ...distributionValues(plan),
        ...databaseValues(p),
        ...serviceValues(plan),
        ...irisValues(p),
        ...scheduleValues(p),
        NFT_TABLE: nftTable,
        NFT_PROBE_TABLE: nftProbeTable,
        // Files are written with one final newline added.
        NFT_RULESET: renderNftables(plan).replace(/\n$/, ""),
        NFT_PROBE: renderNftProbe(plan),
        NFT_FILE: nftFile,
        NFT_CONF: nftConf[family],
        EXPECTED_PORTS: plan.expectedPorts,
    };
    const { body, read, rest } = bodyOf(parts);
    const unread = Object.keys(values).filter((name) => !allReads.has(name));
    const unassigned = [...read].filter((name) => !(name in values));
    if (unread.length + unassigned.length > 0) throw new Error(`internal: values no part reads: ${unread.join(", ")}; read but not rendered: ${unassigned.join(", ")}`);
    const header = [
        "# shellcheck disable=SC2016 # the profile's values are data, single-quoted on purpose",
        `# mdb-hardening host script for ${p.name} (${products[p.product].displayName}, ${p.environment}, ${family}).`,
        "# Generated from the profile by mdb-hardening; review it with `mdb-hardening render <profile>`.",
        "# The profile's values come first; then the parts, whose commented source is components/host/sh/<part>.sh.",
        "set -euo pipefail",
        "umask 077",
        "export LC_ALL=C",
        ...Object.entries(values).filter(([k]) => read.has(k)).map(([k, v]) => assign(k, v)),
        "",
    ].join("\n");
    // The body was checked once (bodyOf); the lines before it are the host's.
    refuseDelimiterLine(header);
    const script = scriptWrapper.head + oneByte(header) + "\n" + body + scriptWrapper.tail;
    lastRendered = { script, header, rest };
    return script;
}

/**
 * The script rendered last, with its pieces: its owner asks for its digest next (HostHardening),
 * which then hashes the host's lines and the rest's bytes encoded once per parts set, not the
 * whole script joined and encoded again. Any other text is hashed as it is.
 */
let lastRendered: { readonly script: string; readonly header: string; readonly rest: Buffer } | undefined;

/** Throws when a line of the text is the wrapper's delimiter (found without splitting a 50 KB text into lines). */
function refuseDelimiterLine(text: string): void {
    for (let i = text.indexOf(heldEnd); i >= 0; i = text.indexOf(heldEnd, i + 1)) {
        const end = i + heldEnd.length;
        if ((i === 0 || text[i - 1] === "\n") && (end === text.length || text[end] === "\n")) {
            throw new Error(`internal: a line of the script is the wrapper's delimiter ${heldEnd}`);
        }
    }
}

/**
 * The body, the variables it reads and the bytes of what follows the host's lines (the newline, the body,
 * the wrapper's tail), per set of parts: the same for every host with those parts, so made once.
 */
interface Body { readonly body: string; readonly read: ReadonlySet<string>; readonly rest: Buffer }
const bodies = new Map<string, Body>();
function bodyOf(parts: readonly PartName[]): Body {
    const key = parts.join(" ");
    let entry = bodies.get(key);
    if (!entry) {
        const files = bodyParts(parts);
        const body = files.map((part) => partText.get(part)).join("\n");
        refuseDelimiterLine(body);
        if (!body.endsWith("\n") || body.endsWith("\n\n")) throw new Error("internal: the held text must end with exactly one newline (the wrapper restores one)");
        entry = { body, read: new Set(files.flatMap((part) => partReads.get(part)!)), rest: Buffer.from(`\n${body}${scriptWrapper.tail}`) };
        bodies.set(key, entry);
    }
    return entry;
}

/** Short content hash, shown in outputs so a reviewer can match a run to a rendered script. */
export function scriptDigest(script: string): string {
    const hash = createHash("sha256");
    if (lastRendered?.script === script) hash.update(scriptWrapper.head).update(lastRendered.header).update(lastRendered.rest);
    else hash.update(script);
    return hash.digest("hex").slice(0, 16);
}
