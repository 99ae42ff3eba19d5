import { describe, expect, it } from "vitest";
import { validateProfile } from "../../../components/profile";
import { problemsOf } from "../../helpers/errors";
import { gtmInput } from "../../helpers/profiles";

const withWaivers = (waivers: unknown) => validateProfile(gtmInput({ waivers }));

describe("profile waivers", () => {
    it("are read with their item and expiry, and default to none", () => {
        expect(validateProfile(gtmInput()).waivers).toEqual([]);
        expect(withWaivers([
            { control: "MDBH-SVC-001", item: "cups.service", justification: "  print server of the ward, ticket CHG-1021 ", expires: "2027-06-30" },
            { control: "MDBH-SVC-003", justification: "legacy monitoring until the migration" },
        ]).waivers).toEqual([
            { control: "MDBH-SVC-001", item: "cups.service", justification: "print server of the ward, ticket CHG-1021", expires: "2027-06-30" },
            { control: "MDBH-SVC-003", justification: "legacy monitoring until the migration" },
        ]);
    });

    it("refuse an unknown control, a missing justification, a malformed date, each naming the field and value", () => {
        expect(problemsOf(() => withWaivers([
            { control: "MDBH-GTM-999", justification: "x" },
            { control: "MDBH-SVC-001" },
            { control: "MDBH-SVC-001", item: "a", justification: "   " },
            { control: "MDBH-SVC-003", justification: "x", expires: "2027-02-30" },
            { control: "MDBH-HOST-006", justification: "x", expires: "30/06/2027" },
            { control: "MDBH-HOST-007", justification: "two\nlines" },
            { control: "MDBH-GTM-002", item: "", justification: "x", until: "2027-01-01" },
            { control: "MDBH-NET-001", justification: "a policy's control" },
        ]))).toEqual([
            'waivers[0].control: must be a host check\'s control id (the README\'s control table; policies are waived with resource tags) (got "MDBH-GTM-999")',
            "waivers[1].justification: is required: say why the control is waived (got undefined)",
            'waivers[2].justification: is required: say why the control is waived (got "   ")',
            'waivers[3].expires: must be a date written YYYY-MM-DD (the last day the waiver holds, UTC) (got "2027-02-30")',
            'waivers[4].expires: must be a date written YYYY-MM-DD (the last day the waiver holds, UTC) (got "30/06/2027")',
            'waivers[5].justification: must be one line of at most 500 characters (got "two\\nlines")',
            "waivers[6].until: unknown field; expected one of: control, item, justification, expires (got \"until\")",
            'waivers[6].item: must be one item as the report names it (at most 256 characters, one line) (got "")',
            'waivers[7].control: must be a host check\'s control id (the README\'s control table; policies are waived with resource tags) (got "MDBH-NET-001")',
        ]);
    });

    it("refuse waiving the same control and item twice", () => {
        const twice = { control: "MDBH-SVC-003", item: "telnet", justification: "x" };
        expect(problemsOf(() => withWaivers([twice, { ...twice, justification: "y" }]))).toEqual([
            expect.stringMatching(/^waivers\[1\]: waives MDBH-SVC-003 item telnet a second time/),
        ]);
    });

    it("must be a list of mappings", () => {
        expect(problemsOf(() => withWaivers({ control: "MDBH-SVC-003" }))).toEqual([expect.stringMatching(/^waivers: must be a list/)]);
        expect(problemsOf(() => withWaivers(["MDBH-SVC-003"]))).toEqual([expect.stringMatching(/^waivers\[0\]: must be a mapping/)]);
    });
});
