/**
 * The pack's policies and its default name, apart from pack.ts so that readers of the list (the
 * CLI's policy-report) do not load @pulumi/policy's runtime (about 1 s).
 */
import { noWorldIngressCombined } from "./combinedSources";
import { instancePolicies } from "./instances";
import { irisServicesMatchPorts } from "./irisServices";
import { hardeningRunWithoutFindings } from "./results";
import { securityGroupPolicies } from "./securityGroups";
import { stackPolicies } from "./stack";
import { waiversInEffectPolicy } from "./waiversInEffect";

const checks = [...securityGroupPolicies, noWorldIngressCombined, ...instancePolicies, ...stackPolicies, irisServicesMatchPorts, hardeningRunWithoutFindings];
export const policies = [...checks, waiversInEffectPolicy(checks.map((p) => p.name))];
export type PolicyName = (typeof policies)[number]["name"];

export const defaultPackName = "mdb-hardening";
