import type * as pulumi from "@pulumi/pulumi";
import { previousComponentTypes, type componentTypes } from "./catalog";

/**
 * A component's options: the caller's, plus an alias to its 0.1 type token, so `pulumi up` after
 * the upgrade renames the component (and, through it, its children) instead of replacing them.
 */
export function componentOptions(kind: keyof typeof componentTypes, opts?: pulumi.ComponentResourceOptions): pulumi.ComponentResourceOptions {
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: previousComponentTypes[kind] }] };
}
