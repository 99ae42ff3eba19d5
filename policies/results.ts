/**
 * Stack policy on what the host script found: each HostHardening component registers the summary
 * of its latest run (`summary`, components/host/hostHardening.ts HostSummary); a finding that no
 * profile waiver covers (`problems`, each with its control id) at or above the configured severity
 * is reported. Advisory by default, so a stack can show findings before it gates on them.
 *
 * The summary is data the host printed, read as such: a problem whose control is not in the
 * control table (or has none) counts as high, and the message says so.
 */
import { componentTypes } from "../components/catalog";
import { controls, severities, type Control, type Severity } from "../components/controls";
import { configReader, schemaOf, stackPolicy, type Properties, type Props } from "./policy";
import { StackView } from "./resources";
import { unknownValue, whenKnown } from "./unknowns";

interface ResultsConfig {
    findingSeverity: Severity;
}
const resultsProperties: Properties<ResultsConfig> = {
    findingSeverity: {
        enum: [...severities],
        description: "Findings of this severity or higher (by their control's severity) count; lower ones are left out.",
        default: "low",
    },
};
const resultsConfig = configReader(resultsProperties, (c) => c.findingSeverity);

/** What the policy reads of a problem line: the report line of components/host/summary.ts (kind, control, item, detail). */
interface Problem {
    readonly control?: unknown;
    readonly item?: unknown;
    readonly detail?: unknown;
}

/** Severity of an unknown control: a finding the table cannot rank is not waved through as minor. */
const unknownSeverity: Severity = "high";

function severityOf(problem: Problem): { severity: Severity; note: string } {
    const control = typeof problem.control === "string" ? (controls as Record<string, Control>)[problem.control] : undefined;
    if (control) return { severity: control.severity, note: control.severity };
    const what = typeof problem.control === "string" ? `unknown control ${problem.control}` : "no control id";
    return { severity: unknownSeverity, note: `${what}, counted as ${unknownSeverity}` };
}

const rank = (s: Severity) => severities.indexOf(s);

export const hardeningRunWithoutFindings = stackPolicy({
    name: "hardening-run-without-findings",
    description: "The latest host-script run of every HostHardening component reported no unwaived finding at or above the configured severity.",
    control: "MDBH-PACK-002",
    enforcementLevel: "advisory",
    remediationSteps: "Fix each finding on the host (the message names its control and item) and run the hardening again, or waive it in the profile's waivers with a justification. Set this policy's enforcementLevel to mandatory to gate on findings, and findingSeverity to choose which count.",
    configSchema: schemaOf(resultsProperties),
    validateStack: (args, report) => {
        const threshold = resultsConfig(args);
        const runs = new StackView(args.resources).ofType(componentTypes.hostHardening);
        let judged = 0;
        for (const run of runs) {
            // No summary yet: the script has not run (it runs in this update) or the component registers none.
            const summary = whenKnown(() => run.props.summary as Props | undefined);
            if (summary === unknownValue || summary === undefined) continue;
            judged++;
            const problems: Problem[] = Array.isArray(summary.problems) ? [...summary.problems] : [];
            const counted = problems
                .map((problem) => ({ problem, ...severityOf(problem) }))
                .filter(({ severity }) => rank(severity) >= rank(threshold));
            if (counted.length === 0) continue;
            const listed = counted.map(({ problem, note }) => `${String(problem.control ?? "?")} (${note}) ${String(problem.item ?? "")}: ${String(problem.detail ?? "")}`);
            report(`${run.name} (profile ${String(summary.profile)}): ${counted.length} unwaived finding${counted.length === 1 ? "" : "s"} at or above ${threshold}: ${listed.join("; ")}.`, run.urn);
        }
        if (judged === 0) args.notApplicable("no HostHardening component with a run summary in the stack");
    },
});
