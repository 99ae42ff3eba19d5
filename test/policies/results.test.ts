/**
 * hardening-run-without-findings over HostHardening summaries in the shape of the host report
 * lines with control ids (components/host/summary.ts: kind, control, item, detail; waived lines
 * apart from problems).
 */
import { describe, expect, it } from "vitest";
import { componentTypes } from "../../components/catalog";
import { initialConfig } from "../../policies/pack";
import { hardeningRunWithoutFindings } from "../../policies/results";
import { evaluate, unknown, type Resource, type RunOptions } from "../helpers/policies/harness";

const policy = hardeningRunWithoutFindings;
const finding = (control: string | undefined, item: string, detail: string) => ({ kind: "finding", ...(control === undefined ? {} : { control }), item, detail });
const run = (name: string, summary: unknown): Resource => ({ type: componentTypes.hostHardening, name, props: { scriptDigest: "sha256:0", summary } });
const summary = (problems: unknown[], waived: unknown[] = []) => ({
    profile: "ydb-1", mode: "apply", changes: 0, wouldChange: 0, findings: problems.length, changed: [], pending: [], problems, waived, absent: [], verified: 12, cpfDeviations: [],
});

async function results(resources: Resource[], options?: RunOptions) {
    const result = await evaluate([policy], resources, options);
    return { ...result, messages: result.diagnostics.map((d) => [d.enforcementLevel, d.message.split("\n")[1]]) };
}

describe("hardening-run-without-findings", () => {
    it("reports the unwaived findings of a run with their controls' severities, advisory by default", async () => {
        const { messages } = await results([run("ydb-1-hardening", summary([
            finding("MDBH-HOST-001", "/opt/yottadb", "world-readable"),
            finding("MDBH-NET-006", "udp/4002", "listening, not in the profile"),
        ], [{ kind: "waived", control: "MDBH-NET-001", item: "cups.service", detail: "lab printer" }]))]);
        expect(messages).toEqual([[
            "advisory",
            "ydb-1-hardening (profile ydb-1): 2 unwaived findings at or above low: MDBH-HOST-001 (high) /opt/yottadb: world-readable; MDBH-NET-006 (medium) udp/4002: listening, not in the profile.",
        ]]);
    });

    it("counts only findings at or above the configured severity, and fails when made mandatory through the pack's config", async () => {
        const host = run("h", summary([finding("MDBH-HOST-001", "/opt/yottadb", "world-readable"), finding("MDBH-PACK-001", "note", "minor")]));
        const config = initialConfig({ policies: { [policy.name]: { enforcementLevel: "mandatory", findingSeverity: "high" } } });
        expect((await results([host], { config: config as never })).messages).toEqual([["mandatory", "h (profile ydb-1): 1 unwaived finding at or above high: MDBH-HOST-001 (high) /opt/yottadb: world-readable."]]);
        const critical = initialConfig({ policies: { [policy.name]: { findingSeverity: "critical" } } });
        expect((await results([host], { config: critical as never })).messages).toEqual([]);
    });

    it("counts a finding whose control the table does not know, or that has none, as high and says so", async () => {
        const { messages } = await results([run("h", summary([finding("MDBH-GTM-999", "gtmsecshr", "not setuid"), finding(undefined, "x", "old report line")]))], {
            config: { [policy.name]: { findingSeverity: "high" } },
        });
        expect(messages).toEqual([[
            "advisory",
            "h (profile ydb-1): 2 unwaived findings at or above high: MDBH-GTM-999 (unknown control MDBH-GTM-999, counted as high) gtmsecshr: not setuid; ? (no control id, counted as high) x: old report line.",
        ]]);
    });

    it("passes a run without findings (waived ones do not count), and skips a run whose summary is not known yet", async () => {
        const clean = run("clean", summary([], [{ kind: "waived", control: "MDBH-HOST-001", item: "/opt/yottadb", detail: "vendor layout" }]));
        expect((await results([clean, run("new", unknown.object)])).messages).toEqual([]);
        const pending = await results([run("new", unknown.object), { type: componentTypes.hostHardening, name: "no-summary", props: {} }]);
        expect(pending.notApplicable).toEqual([{ policyName: policy.name, reason: "no HostHardening component with a run summary in the stack" }]);
    });
});
