/**
 * Preview unknowns for stack policies: reading a value the preview does not know yet throws the
 * SDK's UnknownValueError, which turns the whole policy into an advisory "can't run during
 * preview". A stack policy judges the rest of the stack first and rethrows it at the end.
 */
// From the SDK's own proxy module: the package index would load the policy runtime (see list.ts).
// UnknownValueError is public; the sentinels and the target key are the module's exports at the pinned 1.21.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as Record<string, unknown> & { UnknownValueError: new (...args: never[]) => Error };
const { UnknownValueError } = proxy;
const sentinels: ReadonlySet<unknown> = new Set(["Boolean", "Number", "String", "Array", "Asset", "Archive", "Object"].map((kind) => proxy[`unknown${kind}Value`]));
const targetKey = proxy.getSpecialProxyTarget as string;

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

/** The SDK's marker for a value the preview does not know yet (only seen in plain data: reading it through the proxy throws). */
export function isUnknownSentinel(value: unknown): boolean {
    return sentinels.has(value);
}

/**
 * The plain data behind the SDK's unknown-checking proxy, or the value itself when it is not one.
 * Every read through the proxy builds a new proxy; a lookup that reads many keys to find few
 * reads the plain data, and must then treat unknown sentinels itself (isUnknownSentinel).
 */
export function plainOf<T>(value: T): T {
    // typeof, not instanceof: instanceof asks the proxy for its prototype, a trap call of its own.
    return (typeof value === "object" && value !== null && (value as Record<string, unknown>)[targetKey]) as T || value;
}
