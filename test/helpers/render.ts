/** The host script of a validated profile, as the components render it (plan, then script). */
import type { OsFamily } from "../../components/catalog";
import { renderHostScript, scriptWrapper } from "../../components/host/script";
import { hardeningPlan } from "../../components/plan";
import type { HostProfile } from "../../components/profile";

export function render(profile: HostProfile, osFamily?: OsFamily): string {
    return renderHostScript(hardeningPlan(profile, osFamily));
}

/** The text a rendered script holds and runs with eval (its values, then its parts), for tests that run a piece of it. */
export function heldText(script: string): string {
    const { head, tail } = scriptWrapper;
    if (!script.startsWith(head) || !script.endsWith(tail)) throw new Error("not a host script in its wrapper");
    return script.slice(head.length, -tail.length);
}
