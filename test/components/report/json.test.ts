import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { auditJson } from "../../../components/report/json";
import { auditReport } from "../../../components/report/results";
import { projectRoot } from "../../helpers/example";
import { outputs, validateAuditJson } from "../../helpers/report/audits";

const facts = { target: "local", mode: "check", version: "0.1.0" } as const;
const cases = ["compliant", "nonCompliant", "refused", "unfinished"] as const;

describe("audit --format json", () => {
    it.each(cases)("%s: the report, valid against the shipped schema", (name) => {
        const report = auditReport(outputs[name], facts);
        const doc = JSON.parse(auditJson(report)) as unknown;
        expect(doc).toEqual({ formatVersion: 1, ...report });
        expect(validateAuditJson(doc), JSON.stringify(validateAuditJson.errors)).toBe(true);
    });

    it("the schema refuses what the format never holds", () => {
        const doc = JSON.parse(auditJson(auditReport(outputs.nonCompliant, facts))) as { results: object[] } & Record<string, unknown>;
        const bad: unknown[] = [
            { ...doc, results: [{ ...doc.results[0], status: "ok" }] },
            { ...doc, results: [{ ...doc.results[0], id: "net-5" }] },
            { ...doc, reason: "a reason without could-not-check" },
            { ...doc, verdict: "could-not-check" },
            { ...doc, extra: true },
        ];
        for (const b of bad) expect(validateAuditJson(b)).toBe(false);
    });

    it("ships: the package's files and exports include the schema", () => {
        const pkg = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { files: string[]; exports: Record<string, string> };
        expect(pkg.files).toContain("schemas");
        expect(pkg.exports["./schemas/audit-report.schema.json"]).toBe("./schemas/audit-report.schema.json");
    });
});
