/**
 * The entry the Pulumi CLI runs: `pulumi preview --policy-pack policies`.
 *
 * Constructing the pack starts the policy server (and exits the process on some errors), so
 * tests import the rule modules and pack.ts, never this file. Per-stack settings come from
 * `--policy-pack-config` (see the README).
 */
import { MdbHardeningPolicies } from "./pack";

new MdbHardeningPolicies();
