/**
 * The pack's policies and its default name, apart from pack.ts so that readers of the list (the
 * CLI's policy-report) do not load @pulumi/policy's runtime (about 1 s).
 */
import { instancePolicies } from "./instances";
import { securityGroupPolicies } from "./securityGroups";
import { stackPolicies } from "./stack";

export const policies = [...securityGroupPolicies, ...instancePolicies, ...stackPolicies];
export type PolicyName = (typeof policies)[number]["name"];

export const defaultPackName = "mdb-hardening";
