/**
 * Resource tags in both provider shapes: the aws provider's map (`tags: { key: value }`) and the
 * CloudFormation list aws-native uses (`tags: [{ key, value }]`, the schemas' Tag definition).
 */
import type { Props } from "./policy";
import { isUnknownSentinel, plainOf } from "./unknowns";

/**
 * The value of tag `key` on a resource (or a tag specification), or undefined.
 *
 * Every policy asks a resource for a few tags (its waiver, the host tag) that most resources
 * lack, so the lookup reads the plain data behind the SDK's proxy. When an unknown stands
 * between it and the answer, it reads again through the proxy, which throws the SDK's
 * UnknownValueError as any other read of an unknown does. Own keys only: a tag named
 * "toString" is not inherited from Object.
 */
export function tagValue(props: Props | undefined, key: string): unknown {
    const plain = plainTagValue(plainOf(props), key);
    return plain === unknownOnTheWay ? proxiedTagValue(props, key) : plain;
}

const unknownOnTheWay = Symbol("an unknown on the way to the tag");

function plainTagValue(props: Props | undefined, key: string): unknown {
    const tags = props?.tags;
    if (isUnknownSentinel(tags)) return unknownOnTheWay;
    let value: unknown;
    if (Array.isArray(tags)) {
        for (const t of tags) {
            if (isUnknownSentinel(t) || isUnknownSentinel(t?.key)) return unknownOnTheWay;
            if (t?.key === key) {
                value = t.value;
                break;
            }
        }
    } else if (tags instanceof Object && Object.hasOwn(tags, key)) value = tags[key];
    return isUnknownSentinel(value) ? unknownOnTheWay : value;
}

function proxiedTagValue(props: Props | undefined, key: string): unknown {
    const tags = props?.tags;
    if (Array.isArray(tags)) return [...tags].find((t: Props) => t?.key === key)?.value;
    return tags instanceof Object && Object.hasOwn(tags, key) ? tags[key] : undefined;
}
