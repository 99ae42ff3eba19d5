/**
 * IRIS product releases (`YYYY.N`, as `iris.version` gives them): the web server's CPF semantics
 * change between releases (catalog: irisWebServerReleases).
 */

/** The form `iris.version` must have: a year and a release number (`2024.1`). */
export const releasePattern = /^(20\d\d)\.([1-9])$/;

/** Whether `release` is `since` or later; both must have the release form. */
export function releaseAtLeast(release: string, since: string): boolean {
    const [year, minor] = parts(release);
    const [sinceYear, sinceMinor] = parts(since);
    return year > sinceYear || (year === sinceYear && minor >= sinceMinor);
}

function parts(release: string): [number, number] {
    const match = releasePattern.exec(release);
    if (!match) throw new Error(`internal: ${JSON.stringify(release)} is not an IRIS release (YYYY.N)`);
    return [Number(match[1]), Number(match[2])];
}
