/**
 * Advisory stack policy: every waiver in the stack, active or not, is reported, so an exception
 * never hides; a waiver that names no policy of the pack, or a config waiver whose URN matches no
 * resource, is reported too.
 */
import { stackPolicy } from "./policy";
import { configuredWaivers, describeWaiver, today, waiversInEffectName, waiversOf } from "./waivers";

export function waiversInEffectPolicy(policyNames: readonly string[]) {
    const known = new Set([...policyNames, waiversInEffectName]);
    return stackPolicy({
        name: waiversInEffectName,
        control: "MDBH-PACK-001",
        description: "Lists every policy waiver in the stack (resource tags and the waivers config), with its reason and date, and the waivers that are not applied.",
        enforcementLevel: "advisory",
        remediationSteps: "Nothing to fix while a waiver is justified; remove the mdb-hardening:waive tags (or the config entry) when the exception ends, and renew or remove an expired one.",
        validateStack: (args, report) => {
            const configured = configuredWaivers(args);
            const day = today();
            let listed = 0;
            for (const resource of args.resources) {
                for (const w of waiversOf(resource.urn, resource.props, configured, day)) {
                    listed++;
                    if (!known.has(w.policy)) report(`${resource.name}: waiver names "${w.policy}", which is no policy of this pack.`, resource.urn);
                    else if (w.active) report(`${resource.name}: ${w.policy} ${describeWaiver(w)}.`, resource.urn);
                    else report(`${resource.name}: the waiver of ${w.policy} (${w.source}) is not applied: ${w.why}.`, resource.urn);
                }
            }
            const urns = new Set(args.resources.map((r) => r.urn));
            for (const w of configured.filter((c) => !urns.has(c.urn))) {
                listed++;
                report(`config waiver of ${w.policies.join(", ")} names ${w.urn}, which is no resource of this stack.`);
            }
            if (listed === 0) args.notApplicable("no waivers in the stack");
        },
    });
}
