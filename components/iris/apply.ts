/**
 * What `iris merge` makes of a CPF: the file the instance has after a merge file is applied, so the
 * audit can tell which deviations the profile's merge file settles before it runs.
 *
 * Each parameter of the merge file is set where IRIS keeps it (the last occurrence wins, a missing
 * section or key is added: cpf.ts `setValue`). An [Actions] line is not a CPF setting (the section is
 * not valid in iris.cpf): the service switches and user changes the project writes (ModifyService,
 * ModifyUser) change the security database, not the CPF, and are returned as such; any other
 * operation's effect on the CPF is not predicted here and is returned apart, so nothing is silently
 * taken for applied.
 */
import { irisModifyService, irisModifyUser } from "../catalog";
import type { HostProfile } from "../profile/model";
import { formatCpf, parseCpf, sameName, sections, setValue, type CpfEntry } from "./cpf";
import { renderMergeFile } from "./merge";
import { auditCpf, type Deviation } from "./ports";

export type CpfAction = Extract<CpfEntry, { kind: "action" }>;

export interface AppliedMerge {
    /** The CPF after the merge; the lines the merge does not touch keep their bytes. */
    readonly cpf: string;
    /** Actions whose effect is not visible in a CPF: service switches and user changes (ModifyService, ModifyUser). */
    readonly outsideCpf: readonly CpfAction[];
    /** Other actions: their effect on the CPF is not predicted. */
    readonly notPredicted: readonly CpfAction[];
}

/** The operations the project writes whose effect lands in the security database (IRISSYS), not in the CPF. */
const securityDatabaseOperations = [irisModifyService, irisModifyUser];

export function applyMerge(cpfText: string, mergeText: string, sources: { cpf?: string; merge?: string } = {}): AppliedMerge {
    const doc = parseCpf(cpfText, { source: sources.cpf ?? "iris.cpf" });
    const outsideCpf: CpfAction[] = [];
    const notPredicted: CpfAction[] = [];
    for (const section of sections(parseCpf(mergeText, { source: sources.merge ?? "merge file" }))) {
        for (const entry of section.entries) {
            if (entry.kind === "parameter") setValue(doc, section.name, entry.key, entry.value);
            else (securityDatabaseOperations.some((op) => sameName(entry.operation, op)) ? outsideCpf : notPredicted).push(entry);
        }
    }
    return { cpf: formatCpf(doc), outsideCpf, notPredicted };
}

/** The deviations left once the profile's merge file has been applied to `cpfText`: what the merge cannot settle. */
export function auditAfterMerge(profile: HostProfile, cpfText: string, source = "iris.cpf"): Deviation[] {
    return auditCpf(profile, applyMerge(cpfText, renderMergeFile(profile), { cpf: source }).cpf, source);
}
