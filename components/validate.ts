/**
 * Input checking shared by the profile, the components and the CLI.
 *
 * Every value that can reach a shell, a firewall rule or a resource name passes one of these
 * checks first. Problems are collected, not thrown one at a time, so a user sees all of them.
 */
import { osFamilies, type OsFamily } from "./catalog";
import { parseAddress, parseCidr, type Cidr } from "./cidr";

export interface ValidationIssue {
    /** Dotted path of the field, e.g. `network.adminCidrs[1]`. */
    readonly field: string;
    readonly value: unknown;
    readonly message: string;
}

export class ProfileError extends Error {
    constructor(
        readonly issues: readonly ValidationIssue[],
        readonly source = "profile",
    ) {
        super(`${source} is invalid:\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`);
        this.name = "ProfileError";
    }
}

export function formatIssue(issue: ValidationIssue): string {
    return `${issue.field}: ${issue.message} (got ${JSON.stringify(issue.value) ?? String(issue.value)})`;
}

/** Collects issues while a structure is read; `fail` adds one. */
export class Issues {
    readonly list: ValidationIssue[] = [];
    fail(field: string, value: unknown, message: string): void {
        this.list.push({ field, value, message });
    }
    throwIfAny(source?: string): void {
        if (this.list.length > 0) throw new ProfileError(this.list, source);
    }
}

type Check = (issues: Issues, field: string, value: unknown) => value is string;

/** A check that a value is a string matching `pattern`, failing with `message`. */
function patternCheck(pattern: RegExp, message: string): Check {
    return (issues, field, value): value is string => {
        if (typeof value === "string" && pattern.test(value)) return true;
        issues.fail(field, value, message);
        return false;
    };
}

/** POSIX portable user/group name, as useradd/groupadd accept by default. */
export const checkPosixName = patternCheck(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a plain POSIX user or group name ([a-z_][a-z0-9_-]*, at most 32 characters)");

/** A systemd unit name of a type the hardening handles. */
export const checkUnitName = patternCheck(
    /^[A-Za-z0-9][A-Za-z0-9:_.-]*(@[A-Za-z0-9:_.-]+)?\.(service|socket|path|timer)$/,
    "must be a systemd unit name ending in .service, .socket, .path or .timer",
);

/**
 * A systemd calendar expression (`OnCalendar=`) in the characters its grammar uses — weekdays,
 * dates, times, `*`, `,`, `..`, `/`, `~`, a time zone such as `Europe/Berlin` or `Etc/GMT+5` —
 * single spaces between words. It is written into a unit file and handed to the shell, so nothing
 * else (no newline, quote, `%` specifier or backslash) gets through; the host checks its meaning.
 */
export const checkCalendar = patternCheck(
    /^(?=.{1,128}$)[A-Za-z0-9*][A-Za-z0-9*,.:/~_+-]*( [A-Za-z0-9*,.:/~_+-]+)*$/,
    "must be a systemd calendar expression such as daily, Mon..Fri 02:30 or *-*-* 03:00 UTC (letters, digits and * , . : / ~ _ + -, single spaces between words, at most 128 characters)",
);

/** A process name as `ps -o comm` shows it (the kernel keeps 15 characters). */
export const checkProcessName = patternCheck(/^[A-Za-z0-9_.:@+-]{1,15}$/, "must be a process name of at most 15 characters (A-Z a-z 0-9 _ . : @ + -)");

/** A DNS label, used for resource names and tags. */
export const checkHostLabel = patternCheck(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a lower-case DNS label (a-z, 0-9, '-', at most 63 characters)");

/** Characters a path may contain: no spaces, quotes, globs or shell metacharacters. */
const pathChars = /^[A-Za-z0-9._+@/-]+$/;

/** An absolute, normalised path that is not `/` itself: the hardening works recursively under some of them. */
export function checkAbsolutePath(issues: Issues, field: string, value: unknown): value is string {
    if (typeof value !== "string" || !value.startsWith("/")) {
        issues.fail(field, value, "must be an absolute path");
        return false;
    }
    const parts = value.split("/").slice(1);
    if (!pathChars.test(value) || parts.some((p) => p === "" || p === "." || p === "..")) {
        issues.fail(field, value, "must be a normalised absolute path of plain characters (A-Z a-z 0-9 . _ + @ - /), without '.', '..', '//' or a trailing '/'");
        return false;
    }
    return true;
}

export function checkOsFamily(issues: Issues, field: string, value: unknown): value is OsFamily {
    if ((osFamilies as readonly unknown[]).includes(value)) return true;
    issues.fail(field, value, `must be one of: ${osFamilies.join(", ")}`);
    return false;
}

export function checkPort(issues: Issues, field: string, value: unknown): value is number {
    if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535) return true;
    issues.fail(field, value, "must be an integer port between 1 and 65535");
    return false;
}

/** One host address; the unspecified address means "every address", which leaving the setting out already says. */
export function checkIpAddress(issues: Issues, field: string, value: unknown): value is string {
    const address = typeof value === "string" ? parseAddress(value) : undefined;
    if (address === undefined || typeof address === "string") {
        issues.fail(field, value, "must be an IPv4 or IPv6 address");
        return false;
    }
    // The unspecified address is zero in either family (0.0.0.0, ::).
    if (address.value === 0n) {
        issues.fail(field, value, "must be one address, not the unspecified address (leave the setting out for every address)");
        return false;
    }
    return true;
}

export function checkCidr(issues: Issues, field: string, value: unknown): Cidr | undefined {
    if (typeof value !== "string") {
        issues.fail(field, value, "must be a CIDR string such as 10.0.1.0/24");
        return undefined;
    }
    const parsed = parseCidr(value);
    if (typeof parsed === "string") {
        issues.fail(field, value, `invalid CIDR: ${parsed}`);
        return undefined;
    }
    return parsed;
}

// ---- generic readers: each checks one shape and records what is wrong with its field ----

/** A mapping as read from YAML or stack config, before its fields are checked. */
export type Raw = Record<string, unknown>;

/** Checks that `value` is a mapping with only the `allowed` keys; returns it or undefined. */
export function readObject(issues: Issues, field: string, value: unknown, allowed: readonly string[]): Raw | undefined {
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) {
        issues.fail(field, value, "must be a mapping");
        return undefined;
    }
    for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) issues.fail(join(field, key), key, `unknown field; expected one of: ${allowed.join(", ")}`);
    }
    return value as Raw;
}

export function readList(issues: Issues, field: string, value: unknown): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
        issues.fail(field, value, "must be a list");
        return [];
    }
    return value;
}

export function readBoolean(issues: Issues, field: string, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value === "boolean") return value;
    issues.fail(field, value, "must be true or false");
    return fallback;
}

export function readChoice<T extends string>(issues: Issues, field: string, value: unknown, choices: readonly T[]): T | undefined {
    if ((choices as readonly unknown[]).includes(value)) return value as T;
    issues.fail(field, value, value === undefined ? `is required; one of: ${choices.join(", ")}` : `must be one of: ${choices.join(", ")}`);
    return undefined;
}

/** A real calendar day written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
    return /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** The dotted field path of `key` under `parent` (`network.adminCidrs[1]`). */
export function join(parent: string, key: string | number): string {
    if (typeof key === "number") return `${parent}[${key}]`;
    return parent ? `${parent}.${key}` : key;
}

export function readStrings(
    issues: Issues,
    field: string,
    value: unknown,
    check: (issues: Issues, field: string, v: unknown) => boolean,
): string[] {
    const out: string[] = [];
    readList(issues, field, value).forEach((item, i) => {
        if (check(issues, join(field, i), item)) out.push(item as string);
    });
    return out;
}
