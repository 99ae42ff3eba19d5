/** Public API of mdb-hardening: the catalog, the profile, the rule derivation and the components. */
export * as catalog from "./catalog";
export { hostTags, databaseHostRole, type OsFamily, type ProductId } from "./catalog";
export * from "./profile";
export { deriveRules, type NetworkRule, type Direction } from "./rules";
export { hardeningPlan, hardeningOutput, type HardeningPlan, type HardeningOutput } from "./plan";
export { parseCidr } from "./cidr";
export { ProfileError, formatIssue, type ValidationIssue } from "./validate";
export { DatabaseSecurityGroup, toAwsRules, type DatabaseSecurityGroupArgs } from "./securityGroup";
export { DatabaseHost, type DatabaseHostArgs, type DataVolume } from "./databaseHost";
export { ExistingHost, type ExistingHostArgs, type SshConnection } from "./existingHost";
export { HostHardening, summarize, type HostHardeningArgs, type HostSummary } from "./host/hostHardening";
export { renderHostScript, scriptDigest } from "./host/script";
export { renderNftables } from "./host/nftables";
export { parseSummary, parseReports, type HostRun, type HostReport } from "./host/summary";
export { renderMergeFile } from "./iris/merge";
export { auditCpf, readInstanceEndpoints, reconcile, type Deviation, type InstanceEndpoints, type NamedServer } from "./iris/ports";
export { parseCpf, formatCpf, getValue, setValue, sections, CpfSyntaxError, type CpfDocument, type CpfSection } from "./iris/cpf";
