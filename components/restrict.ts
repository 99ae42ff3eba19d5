/**
 * restrict.txt for GT.M and YottaDB, gated by release.
 *
 * The runtime reads the file line by line; a line it cannot parse (a keyword the release does not
 * know, a group name with characters its parser does not accept) or a group that does not exist
 * restricts every facility for every process that can read the file. So each line carries the
 * oldest GT.M release that parses it: the profile is refused where it declares an older release,
 * and the host script refuses where the installed release is older (catalog: restrictFacilities).
 */
import { restrictFacilities, restrictGroupNames, yottadbReleases, type MProduct, type RestrictFacility } from "./catalog";
import type { DistributionSettings } from "./profile/model";

export interface RestrictLine {
    readonly facility: RestrictFacility;
    readonly group: string;
    /** `FACILITY:group`, as written to the file. */
    readonly line: string;
    /** Oldest GT.M release (or GT.M release a YottaDB release is based on) that parses the line. */
    readonly since: string;
}

const gtmRelease = /^V(\d+)\.(\d+)-(\d{3})([A-Z]?)$/;

/** Orders GT.M releases (V6.3-003 < V6.3-003A < V6.3-004); negative when a is older. */
export function compareGtmReleases(a: string, b: string): number {
    const [ma, mb] = [gtmRelease.exec(a), gtmRelease.exec(b)];
    if (!ma || !mb) throw new Error(`internal: not a GT.M release: ${ma ? b : a}`);
    for (let i = 1; i <= 3; i++) {
        const d = Number(ma[i]) - Number(mb[i]);
        if (d !== 0) return d;
    }
    return ma[4] === mb[4] ? 0 : ma[4] < mb[4] ? -1 : 1;
}

const knownYottadb = Object.keys(yottadbReleases) as (keyof typeof yottadbReleases)[];
const latestYottadb = knownYottadb[knownYottadb.length - 1];

function yottadbNumber(release: string): number {
    const [major, minor] = release.slice(1).split(".");
    return Number(major) * 100 + Number(minor);
}

/**
 * The GT.M release whose restrict.txt grammar a declared release has: GT.M's own; for YottaDB the
 * GT.M release merged into it, and for a release newer than the table the newest known one (its
 * grammar only grows). Undefined for a YottaDB release the table does not know below its newest.
 */
export function grammarRelease(product: MProduct["id"], version: string): string | undefined {
    if (product === "gtm") return version;
    if (version in yottadbReleases) return yottadbReleases[version as keyof typeof yottadbReleases];
    return yottadbNumber(version) > yottadbNumber(latestYottadb) ? yottadbReleases[latestYottadb] : undefined;
}

export const knownYottadbReleases: readonly string[] = knownYottadb;

/** The file's lines, in the profile's order, each with the oldest release that parses it. */
export function restrictLines(dist: DistributionSettings): RestrictLine[] {
    return Object.entries(dist.restrict).map(([facility, group]) => {
        const since = restrictFacilities[facility as RestrictFacility];
        const punctuated = !restrictGroupNames.plain.test(group);
        const newer = punctuated && compareGtmReleases(restrictGroupNames.punctuatedSince, since) > 0;
        return { facility: facility as RestrictFacility, group, line: `${facility}:${group}`, since: newer ? restrictGroupNames.punctuatedSince : since };
    });
}

/** Why a release cannot read a line (undefined: it can). */
export function restrictRefusal(line: RestrictLine, grammar: string, shownRelease: string): string | undefined {
    if (compareGtmReleases(grammar, line.since) >= 0) return undefined;
    const what = compareGtmReleases(restrictFacilities[line.facility], line.since) < 0
        ? `a group name with "-" or "." needs GT.M ${line.since} (YottaDB r1.36) or later`
        : `${line.facility} needs GT.M ${line.since} or later`;
    const based = shownRelease === grammar ? "" : ` (based on GT.M ${grammar})`;
    return `${what}; ${shownRelease}${based} cannot parse "${line.line}", and a line it cannot parse restricts every facility for everyone`;
}

