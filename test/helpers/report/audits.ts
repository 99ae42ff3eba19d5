/**
 * Host script output in the control-id line format (`MDBH<TAB>kind<TAB>control<TAB>item<TAB>detail`)
 * for each audit verdict, and the three validators the report formats are held to: our JSON Schema
 * and the SARIF 2.1.0 schema (ajv), junit-10.xsd (xmllint).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { projectRoot } from "../example";

export const line = (...fields: string[]) => ["MDBH", ...fields].join("\t");
const summary = (wouldChange: number, findings: number, waived: number) => [
    line("summary", "gtm-1", "would-change", String(wouldChange)),
    line("summary", "gtm-1", "findings", String(findings)),
    line("summary", "gtm-1", "waived", String(waived)),
];

/** Markup, quotes, a control byte and an escaped tab, as a hostile host could put in a detail. */
export const hostile = 'a <tag> & "quotes" ]]> bell \\x07 tab\\there';

const passing = [
    "noise a command printed",
    line("ok", "MDBH-FW-003", "sshd", "only from network.adminCidrs"),
    line("absent", "MDBH-SVC-001", "rpcbind.service", "not installed"),
    line("waived", "MDBH-SVC-001", "cups.service", "printing kept for the lab (until 2027-06-30)"),
    line("info", "MDBH-HOST-003", "tmp:/var/lib/gtm_tmp", "a shared 1777 directory"),
    line("data", "state", "token", "release-42"),
];

export const outputs = {
    compliant: [...passing, ...summary(0, 0, 1)].join("\n"),
    /** would-change, an unwaived finding, and two lines of one control and item. */
    nonCompliant: [
        ...passing,
        line("would-change", "MDBH-HOST-003", "atd.service", "would be stopped, disabled and masked"),
        line("finding", "MDBH-SVC-001", "listen:tcp/111", `listening on 0.0.0.0 but not declared in the profile; ${hostile}`),
        line("ok", "MDBH-FW-001", "nft:inet mdb_hardening", "loaded"),
        line("would-change", "MDBH-FW-001", "nft:inet mdb_hardening", "rule for 1972/tcp differs"),
        ...summary(2, 1, 1),
    ].join("\n"),
    refused: [line("error", "MDBH-HOST-003", "/opt/gtm", "not controlled by root alone (owner mallory, mode 755); refused")].join("\n"),
    unfinished: passing.join("\n"),
    unknownControl: [line("finding", "MDBH-NOPE-999", "x", "y"), ...summary(0, 1, 0)].join("\n"),
} as const;

const ajvOptions = { allErrors: true } as const;

const ourSchema = JSON.parse(readFileSync(path.join(projectRoot, "schemas/audit-report.schema.json"), "utf8")) as object;
const ours = new Ajv({ ...ajvOptions, strict: true });
addFormats(ours);
export const validateAuditJson = ours.compile(ourSchema);

/**
 * The SARIF 2.1.0 schema @microsoft/jest-sarif ships (rtm.5, MIT; draft-04). strict off: it uses
 * keywords ajv's strict mode flags; unicodeRegExp off: its `language` pattern is no valid unicode regex.
 */
export const sarifSchemaFile = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const sarif = new AjvDraft04({ ...ajvOptions, strict: false, unicodeRegExp: false });
addFormats(sarif);
export const validateSarif = sarif.compile(JSON.parse(readFileSync(sarifSchemaFile, "utf8")) as object);

/** xmllint's verdict on `xml` against junit-10.xsd. */
export function validateJunit(xml: string) {
    const r = spawnSync("xmllint", ["--noout", "--schema", path.join(projectRoot, "test/fixtures/junit/junit-10.xsd"), "-"], { input: xml, encoding: "utf8" });
    return { code: r.status, stderr: r.stderr };
}
