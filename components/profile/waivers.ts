/**
 * The profile's `waivers`: exceptions to host checks, each with its justification. They are checked
 * here (control known, justification given, date well formed) and judged on the host when the
 * script runs, so the rendered script does not change on the day one expires.
 */
import { hostControls } from "../controls";
import { isIsoDate, Issues, join, readList, readObject } from "../validate";
import type { HostWaiver } from "./model";

/** A justification is evidence for an auditor: one readable line. */
const maxJustification = 500;
const maxItem = 256;

export function readWaivers(issues: Issues, value: unknown): HostWaiver[] {
    const seen = new Set<string>();
    return readList(issues, "waivers", value).flatMap((entry, i) => {
        const field = join("waivers", i);
        const raw = readObject(issues, field, entry, ["control", "item", "justification", "expires"]);
        if (!raw) return [];
        const before = issues.list.length;
        if (typeof raw.control !== "string" || !(raw.control in hostControls)) {
            issues.fail(`${field}.control`, raw.control, "must be a host check's control id (the README's control table; policies are waived with resource tags)");
        }
        if (raw.item !== undefined && (typeof raw.item !== "string" || raw.item === "" || raw.item.length > maxItem || /[\0\n\r]/.test(raw.item))) {
            issues.fail(`${field}.item`, raw.item, `must be one item as the report names it (at most ${maxItem} characters, one line)`);
        }
        if (typeof raw.justification !== "string" || raw.justification.trim() === "") {
            issues.fail(`${field}.justification`, raw.justification, "is required: say why the control is waived");
        } else if (raw.justification.length > maxJustification || /[\0\n\r]/.test(raw.justification)) {
            issues.fail(`${field}.justification`, raw.justification, `must be one line of at most ${maxJustification} characters`);
        }
        if (raw.expires !== undefined && (typeof raw.expires !== "string" || !isIsoDate(raw.expires))) {
            issues.fail(`${field}.expires`, raw.expires, "must be a date written YYYY-MM-DD (the last day the waiver holds, UTC)");
        }
        const key = `${String(raw.control)}\0${String(raw.item ?? "")}`;
        if (seen.has(key)) issues.fail(field, entry, `waives ${String(raw.control)}${raw.item !== undefined ? ` item ${String(raw.item)}` : ""} a second time`);
        seen.add(key);
        if (issues.list.length !== before) return [];
        return [{
            control: raw.control as string,
            ...(raw.item !== undefined ? { item: raw.item as string } : {}),
            justification: (raw.justification as string).trim(),
            ...(raw.expires !== undefined ? { expires: raw.expires as string } : {}),
        }];
    });
}
