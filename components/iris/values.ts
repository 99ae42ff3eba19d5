/** Reading values out of a CPF: ports, `address:port`, list sections, labels for messages. */
import type { CpfLocation } from "../catalog";
import { checkPort, type Issues } from "../validate";
import { sameName, sections, type CpfDocument } from "./cpf";

export function readPort(issues: Issues, field: string, text: string): number | undefined {
    const value = /^\d+$/.test(text) ? Number(text) : text;
    return checkPort(issues, field, value) ? value : undefined;
}

/** `address:port`, the address possibly in brackets (IPv6). */
export function readAddressPort(issues: Issues, field: string, text: string): { address: string; port: number } | undefined {
    const colon = text.lastIndexOf(":");
    const address = text.slice(0, Math.max(colon, 0)).replace(/^\[(.*)\]$/, "$1");
    if (colon <= 0 || address === "") {
        issues.fail(field, text, "must be address:port");
        return undefined;
    }
    const port = readPort(issues, field, text.slice(colon + 1));
    return port === undefined ? undefined : { address, port };
}

export function nonEmpty(value: string | undefined): string | undefined {
    return value === "" ? undefined : value;
}

/** `{ [key]: value }`, or `{}` for undefined: a setting the file lacks leaves no `key: undefined` behind. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
    return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function label(at: CpfLocation): string {
    return `[${at.section}] ${at.key}`;
}

/** Parameters of every occurrence of a section, the last occurrence of a key winning as in getValue. */
export function entries(doc: CpfDocument, section: string): { key: string; value: string }[] {
    const byKey = new Map<string, string>();
    for (const s of sections(doc)) {
        if (!sameName(s.name, section)) continue;
        // Keys differing only in case are one key; the last spelling seen is kept.
        for (const entry of s.entries) {
            if (entry.kind !== "parameter") continue;
            const known = [...byKey.keys()].find((k) => sameName(k, entry.key));
            if (known !== undefined) byKey.delete(known);
            byKey.set(entry.key, entry.value);
        }
    }
    return [...byKey].map(([key, value]) => ({ key, value }));
}
