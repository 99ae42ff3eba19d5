/** The host script of a validated profile, as the components render it (plan, then script). */
import type { OsFamily } from "../../components/catalog";
import { renderHostScript } from "../../components/host/script";
import { hardeningPlan } from "../../components/plan";
import type { HostProfile } from "../../components/profile";

export function render(profile: HostProfile, osFamily?: OsFamily): string {
    return renderHostScript(hardeningPlan(profile, osFamily));
}
