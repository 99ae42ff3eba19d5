/**
 * Resource tags in both provider shapes: the aws provider's map (`tags: { key: value }`) and the
 * CloudFormation list aws-native uses (`tags: [{ key, value }]`, the schemas' Tag definition).
 */
import type { Props } from "./policy";

/**
 * The value of tag `key` on a resource (or a tag specification), or undefined. Own keys only: a
 * tag named "toString" is not inherited from Object. Policies pass plain views of the props
 * (unknowns.ts `plainView`), so an unknown tag throws the SDK's UnknownValueError when read.
 */
export function tagValue(props: Props | undefined, key: string): unknown {
    const tags = props?.tags;
    if (Array.isArray(tags)) return [...tags].find((t: Props) => t?.key === key)?.value;
    return tags instanceof Object && Object.hasOwn(tags, key) ? tags[key] : undefined;
}
