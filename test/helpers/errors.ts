/** The problems a call reports, as users see them: one formatted line per issue of its ProfileError. */
import { expect } from "vitest";
import { formatIssue, ProfileError } from "../../components/validate";

export function problemsOf(call: () => unknown): string[] {
    try {
        call();
    } catch (e) {
        expect(e).toBeInstanceOf(ProfileError);
        return (e as ProfileError).issues.map(formatIssue);
    }
    throw new Error("no ProfileError was thrown");
}
