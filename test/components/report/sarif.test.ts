import { describe, expect, it } from "vitest";
import { controls } from "../../../components/controls";
import { auditReport } from "../../../components/report/results";
import { auditSarif } from "../../../components/report/sarif";
import { outputs, validateSarif } from "../../helpers/report/audits";

const facts = { target: "root@10.0.0.5:22", mode: "check", version: "0.1.0" } as const;
type Log = { version: string; runs: { tool: { driver: { rules: { id: string; defaultConfiguration: { level: string }; help: { text: string }; properties: Record<string, unknown> }[] } }; invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[]; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; properties: { status: string } }[] }[] };

describe("audit --format sarif", () => {
    it.each(["compliant", "nonCompliant", "refused", "unfinished"] as const)("%s: valid against the SARIF 2.1.0 schema", (name) => {
        const log = JSON.parse(auditSarif(auditReport(outputs[name], facts))) as unknown;
        expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    });

    it("the schema check can fail: a result without a message is refused", () => {
        const log = JSON.parse(auditSarif(auditReport(outputs.nonCompliant, facts))) as Log;
        delete (log.runs[0].results[0] as Partial<Log["runs"][0]["results"][0]>).message;
        expect(validateSarif(log)).toBe(false);
    });

    it("one result per failing control and item, at its severity's level; rules from the control table", () => {
        const log = JSON.parse(auditSarif(auditReport(outputs.nonCompliant, facts))) as Log;
        const run = log.runs[0];
        expect(log.version).toBe("2.1.0");
        expect(run.results.map((r) => [r.ruleId, r.level, r.properties.status])).toEqual([
            ["MDBH-HOST-003", "error", "would-change"],
            ["MDBH-SVC-001", "error", "fail"],
            ["MDBH-FW-001", "error", "would-change"],
        ]);
        const rules = run.tool.driver.rules;
        expect(rules.map((r) => r.id)).toEqual(["MDBH-FW-003", "MDBH-SVC-001", "MDBH-HOST-003", "MDBH-FW-001"]);
        for (const r of run.results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
        const net6 = rules.find((r) => r.id === "MDBH-FW-001")!;
        expect(net6.help.text).toBe(`Source: ${controls["MDBH-FW-001"].source}. DISA Database SRG: ${controls["MDBH-FW-001"].srg.id}.`);
        expect(net6.properties).toMatchObject({ severity: "high", source: controls["MDBH-FW-001"].source, "security-severity": "8.0" });
        expect(run.invocations[0]).toEqual({ executionSuccessful: true, toolExecutionNotifications: [] });
    });

    it("a refusal: no result, an unsuccessful invocation naming it", () => {
        const run = (JSON.parse(auditSarif(auditReport(outputs.refused, facts))) as Log).runs[0];
        expect(run.results).toEqual([]);
        expect(run.invocations[0].executionSuccessful).toBe(false);
        expect(run.invocations[0].toolExecutionNotifications.map((n) => n.message.text)).toEqual([
            "MDBH-HOST-003 /opt/gtm: not controlled by root alone (owner mallory, mode 755); refused",
            "the host script refused to run (error lines)",
        ]);
    });
});
