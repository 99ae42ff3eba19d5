/**
 * Preview unknowns: reading a value the preview does not know yet throws the SDK's
 * UnknownValueError, which turns the whole policy into an advisory "can't run during preview".
 * A stack policy judges the rest of the stack first and rethrows it at the end (`whenKnown`);
 * every policy reads plain views of the props that keep that behaviour (`plainView`).
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

/** Whether one of the SDK's unknown sentinels is anywhere in plain data. */
function containsUnknown(value: unknown): boolean {
    if (typeof value === "string") return sentinels.has(value);
    if (typeof value !== "object" || value === null) return false;
    if (Array.isArray(value)) return value.some(containsUnknown);
    for (const key in value) if (containsUnknown((value as Record<string, unknown>)[key])) return true;
    return false;
}

/**
 * A resource's props as plain data in place of the SDK's proxy: every read gives what a read
 * through the proxy gives, without building a proxy per read (most of a policy's cost). A
 * top-level property with an unknown anywhere in it is read through the proxy on access, so
 * reading the unknown throws the SDK's UnknownValueError with the same path as it always did;
 * previews leave some ids unknown on most resources, and the rest of the resource stays plain.
 */
export function plainView(props: Record<string, unknown>): Record<string, unknown> {
    // The data behind the proxy; a value that is not one (a test's plain object) answers undefined.
    const plain = props[targetKey] as Record<string, unknown> | undefined;
    if (plain === undefined) return props;
    let view: Record<string, unknown> | undefined;
    for (const key in plain) {
        if (!containsUnknown(plain[key])) continue;
        view ??= { ...plain };
        Object.defineProperty(view, key, { get: () => props[key], enumerable: true, configurable: true });
    }
    return view ?? plain;
}
