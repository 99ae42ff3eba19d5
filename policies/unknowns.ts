/**
 * Preview unknowns for stack policies: reading a value the preview does not know yet throws the
 * SDK's UnknownValueError, which turns the whole policy into an advisory "can't run during
 * preview". A stack policy judges the rest of the stack first and rethrows it at the end.
 */
// The SDK's public UnknownValueError, from its own module: the package index would load the policy runtime (see list.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: never[]) => Error };

/** What `whenKnown` returns for a value the preview does not know yet. */
export const unknownValue: unique symbol = Symbol("unknown during preview");

/**
 * Reads a value, or says it is not known yet, for stack policies that can judge the rest of the
 * stack without it; the error to rethrow when the unknown matters is passed to `onUnknown`.
 */
export function whenKnown<T>(read: () => T, onUnknown: (error: Error) => void = () => undefined): T | typeof unknownValue {
    try {
        return read();
    } catch (e) {
        if (!(e instanceof UnknownValueError)) throw e;
        onUnknown(e);
        return unknownValue;
    }
}
