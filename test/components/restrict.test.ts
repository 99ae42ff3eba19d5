import { describe, expect, it } from "vitest";
import { restrictFacilities, yottadbReleases } from "../../components/catalog";
import { compareGtmReleases, grammarRelease, restrictLines, restrictRefusal } from "../../components/restrict";

const dist = (restrict: Record<string, string>) => ({ path: "/opt/gtm", group: "gtmusers", members: [], verifyIntegrity: false, tmpDir: "/var/lib/gtm_tmp", restrict });

describe("restrict.txt gating", () => {
    it("orders GT.M releases, letter suffixes after the plain release", () => {
        const sorted = ["V7.0-005", "V6.3-003A", "V6.3-014", "V6.3-003", "V10.0-000", "V7.1-002"].sort(compareGtmReleases);
        expect(sorted).toEqual(["V6.3-003", "V6.3-003A", "V6.3-014", "V7.0-005", "V7.1-002", "V10.0-000"]);
        expect(() => compareGtmReleases("r2.06", "V7.0-005")).toThrow(/not a GT.M release: r2.06/);
    });

    it("maps a YottaDB release to the GT.M release merged into it; newer ones to the newest known", () => {
        expect(grammarRelease("yottadb", "r1.36")).toBe("V6.3-014");
        expect(grammarRelease("yottadb", "r2.02")).toBe("V7.0-005");
        expect(grammarRelease("yottadb", "r3.00")).toBe(yottadbReleases["r2.06"]);
        expect(grammarRelease("yottadb", "r1.21")).toBeUndefined();
        expect(grammarRelease("gtm", "V6.3-009")).toBe("V6.3-009");
        // The table is in release order, and so are the GT.M releases merged.
        const bases = Object.values(yottadbReleases);
        expect([...bases].sort(compareGtmReleases)).toEqual(bases);
    });

    it("gives each line the oldest release that parses it", () => {
        expect(restrictLines(dist({ ZSYSTEM: "gtmadmin", ZRUPDATE: "ops", DSE: "gtm-dse" }))).toEqual([
            { facility: "ZSYSTEM", group: "gtmadmin", line: "ZSYSTEM:gtmadmin", since: "V6.3-002" },
            { facility: "ZRUPDATE", group: "ops", line: "ZRUPDATE:ops", since: "V7.0-005" },
            { facility: "DSE", group: "gtm-dse", line: "DSE:gtm-dse", since: "V6.3-013" },
        ]);
        // A punctuated group does not lower a newer keyword's release.
        expect(restrictLines(dist({ LKE: "gtm-ops" }))[0].since).toBe("V7.0-004");
    });

    it("every YottaDB release in the table knows the keywords of its GT.M release and no later one", () => {
        // r2.00 (V7.0-001) has no LKE; r2.02 (V7.0-005) has ZLINK; r1.24 (V6.3-005) no LIBRARY.
        const knows = (release: keyof typeof yottadbReleases, facility: keyof typeof restrictFacilities) =>
            restrictRefusal(restrictLines(dist({ [facility]: "g" }))[0], yottadbReleases[release], release) === undefined;
        expect([knows("r2.00", "LKE"), knows("r2.02", "ZLINK"), knows("r1.24", "LIBRARY"), knows("r1.26", "LIBRARY"), knows("r1.10", "HALT"), knows("r1.20", "HALT")])
            .toEqual([false, true, false, true, false, true]);
    });
});
