/**
 * What a host-script run may change, taken inside a root copy: every path under /etc (type, owner,
 * group, mode, size, content hash of regular files), every setuid/setgid file of the copy, and the
 * paths a test names. `diffManifest` lists the entries that differ, minus an allow-list of prefixes.
 */
import type { RootCopy } from "./rootfs";

export type Manifest = Map<string, string>;

const script = [
    'set -u',
    'find /etc -xdev -printf "%p\\t%y %u %g %m %s\\n"',
    'find /etc -xdev -type f -exec sha256sum -- {} + | sed "s/^\\([0-9a-f]*\\)  \\(.*\\)$/\\2\\tsha \\1/"',
    'find / -xdev \\( -perm -4000 -o -perm -2000 \\) -printf "%p\\tsuid %y %u %g %m %s\\n"',
    'for p in "$@"; do [ -e "$p" ] || [ -L "$p" ] && find "$p" -printf "%p\\tdecl %y %u %g %m %s %l\\n"; done',
    "true",
].join("\n");

export async function takeManifest(root: RootCopy, declared: readonly string[] = []): Promise<Manifest> {
    const out = await root.execOk(["bash", "-c", script, "manifest", ...declared]);
    const m: Manifest = new Map();
    for (const line of out.split("\n").filter(Boolean)) {
        const [p, v] = line.split("\t");
        m.set(`${p}\t${v.split(" ")[0]}`, v);
    }
    return m;
}

/** Entries added, removed or changed, except those whose path starts with an allowed prefix. */
export function diffManifest(before: Manifest, after: Manifest, allowed: readonly string[] = []): string[] {
    const keys = new Set([...before.keys(), ...after.keys()]);
    return [...keys]
        .filter((k) => before.get(k) !== after.get(k))
        .filter((k) => !allowed.some((a) => k.split("\t")[0] === a || k.startsWith(`${a}/`)))
        .map((k) => `${k}: ${before.get(k) ?? "(none)"} -> ${after.get(k) ?? "(none)"}`)
        .sort();
}

const wholeRoot = [
    "set -u",
    'find / -xdev -printf "%p\\t%y %u %g %m %s %T@\\n"',
    'find / -xdev -type f -exec sha256sum -- {} + | sed "s/^\\([0-9a-f]*\\)  \\(.*\\)$/\\2\\tsha \\1/"',
].join("\n");

/** Every entry of the copy's root filesystem: type, owner, group, mode, size, mtime, and the content hash of regular files. */
export async function takeRootManifest(root: RootCopy): Promise<Manifest> {
    const out = await root.execOk(["bash", "-c", wholeRoot], { timeoutMs: 120_000 });
    const m: Manifest = new Map();
    for (const line of out.split("\n").filter(Boolean)) {
        const tab = line.lastIndexOf("\t");
        const value = line.slice(tab + 1);
        m.set(`${line.slice(0, tab)}\t${value.split(" ")[0]}`, value);
    }
    return m;
}
