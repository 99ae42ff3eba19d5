/**
 * The one grammar for CIDRs and addresses: the profile, the components and the policy pack all read
 * them here, so a value one of them accepts is never refused (or read differently) by another.
 *
 * It is the text both consumers read the same way, written out instead of borrowed from node's
 * net.isIP, which accepts text nftables refuses or misreads. nftables reads a leading zero as octal
 * (`010.0.0.0/8` becomes 8.0.0.0/8, `fd00::/064` becomes fd00::/52), refuses `/08` and zone ids
 * outright (the host script then aborts half-applied), and up to at least 1.0.6 (Debian 12) embeds
 * IPv4 in IPv6 only as `::ffff:a.b.c.d` or `::a.b.c.d`. AWS (EC2 API Reference, IpRange.CidrIp and Ipv6Range.CidrIpv6)
 * takes an IPv4 or IPv6 CIDR block and canonicalizes it: 100.68.0.18/18 becomes 100.68.0.0/18.
 *
 * Nothing here throws: a problem comes back as a message that reads after the field name.
 */

export type Family = 4 | 6;

export interface Cidr {
    readonly text: string;
    readonly family: Family;
    readonly prefix: number;
    /** The network address as a number, so callers can test whether one CIDR contains another. */
    readonly network: bigint;
}

export interface Address {
    readonly family: Family;
    readonly value: bigint;
}

function bitsOf(family: Family): number {
    return family === 4 ? 32 : 128;
}

/** Mistakes worth naming on their own, rather than as "not an address". */
function knownMistake(text: string): string | undefined {
    if (/\s/.test(text)) return "must not contain whitespace";
    if (/[[\]]/.test(text)) return "must not put the address in brackets (write fd00::1, not [fd00::1])";
    if (text.includes("%")) return "must not carry an IPv6 zone id (%...): a firewall or security group rule cannot name an interface";
    const quad = /(?:^|:)([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)(?:\/|$)/.exec(text);
    if (quad && quad.slice(1).some((octet) => /^0[0-9]/.test(octet))) return "IPv4 octets must not have leading zeros (nftables reads 010 as octal 8)";
    return undefined;
}

/** Four decimal octets 0..255 without leading zeros. */
function readIpv4(text: string): bigint | undefined {
    const octets = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/.exec(text)?.slice(1).map(Number);
    if (!octets || octets.some((o) => o > 255)) return undefined;
    return octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
}

/** RFC 4291 hex text: groups of 1-4 hex digits, eight of them or fewer around one `::`. */
function readHexIpv6(text: string): bigint | undefined {
    const halves = text.split("::");
    if (halves.length > 2) return undefined;
    const [head, tail = []] = halves.map((half) => (half === "" ? [] : half.split(":")));
    const count = head.length + tail.length;
    if (![...head, ...tail].every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return undefined;
    if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
    const groups = [...head, ...Array<string>(8 - count).fill("0"), ...tail];
    return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** IPv4 embedded in IPv6, only in the two forms nftables 1.0.6 reads: `::ffff:a.b.c.d` and `::a.b.c.d`. */
function readEmbeddedIpv4(text: string): bigint | string {
    const match = /^::((?:ffff:)?)([0-9.]+)$/i.exec(text);
    const ipv4 = match ? readIpv4(match[2]) : undefined;
    if (!match || ipv4 === undefined) return "may embed IPv4 only as ::ffff:a.b.c.d or ::a.b.c.d (older nftables, 1.0.6 on Debian 12, refuses other forms; write the rest in hex)";
    return (match[1] ? 0xffffn << 32n : 0n) | ipv4;
}

/** The address, a specific problem, or undefined when the text is no address at all. */
function readAddress(text: string): Address | string | undefined {
    if (!text.includes(":")) {
        const value = readIpv4(text);
        return value === undefined ? undefined : { family: 4, value };
    }
    const value = text.includes(".") ? readEmbeddedIpv4(text) : readHexIpv6(text);
    if (typeof value === "string") return value;
    return value === undefined ? undefined : { family: 6, value };
}

/** One IPv4 or IPv6 address, in the grammar above. */
export function parseAddress(text: string): Address | string {
    return knownMistake(text) ?? readAddress(text) ?? "is not an IPv4 or IPv6 address";
}

/** A decimal prefix length; a leading zero is refused because nftables reads it as octal. */
function readPrefix(text: string, bits: number): number | string {
    if (/^0[0-9]/.test(text)) return `prefix must be 0..${bits} without leading zeros`;
    if (!/^[0-9]{1,3}$/.test(text) || Number(text) > bits) return `prefix must be 0..${bits}`;
    return Number(text);
}

function formatIpv4(value: bigint): string {
    return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join(".");
}

/**
 * Parses `address/prefix`. Host bits must be zero: AWS and nftables both clear them, so
 * `10.0.1.5/24` opens the whole /24 where the user may have meant one host.
 */
export function parseCidr(text: string): Cidr | string {
    const problem = knownMistake(text);
    if (problem) return problem;
    const slash = text.indexOf("/");
    if (slash < 0) return "must be in CIDR notation address/prefix (use /32 or /128 for one host)";
    const address = readAddress(text.slice(0, slash)) ?? "is not an IPv4 or IPv6 address with a prefix";
    if (typeof address === "string") return address;
    const bits = bitsOf(address.family);
    const prefix = readPrefix(text.slice(slash + 1), bits);
    if (typeof prefix === "string") return prefix;
    const hostMask = (1n << BigInt(bits - prefix)) - 1n;
    if ((address.value & hostMask) !== 0n) {
        const hint = address.family === 4 ? `; the network is ${formatIpv4(address.value & ~hostMask)}/${prefix}` : "";
        return `has host bits set beyond /${prefix}${hint}`;
    }
    return { text, family: address.family, prefix, network: address.value };
}

function inNetwork(outer: Cidr, address: Address): boolean {
    const shift = BigInt(bitsOf(outer.family) - outer.prefix);
    return outer.family === address.family && outer.network >> shift === address.value >> shift;
}

/** Whether network `inner` lies within network `outer` (same family, at least as long a prefix). */
export function networkContains(outer: Cidr, inner: Cidr): boolean {
    return outer.prefix <= inner.prefix && inNetwork(outer, { family: inner.family, value: inner.network });
}

/** Whether the IP address `address` lies in `cidr`; false when either does not parse. */
export function cidrContains(cidr: string, address: string): boolean {
    const outer = parseCidr(cidr);
    const inner = parseAddress(address);
    return typeof outer !== "string" && typeof inner !== "string" && inNetwork(outer, inner);
}

/** Loopback traffic never reaches the security group or the host firewall's filtered interfaces. */
export function isLoopback(address: string): boolean {
    return cidrContains("127.0.0.0/8", address) || cidrContains("::1/128", address);
}

/** Whether the networks, merged, leave no gap in the family's address space. */
function coverWholeSpace(networks: readonly Cidr[], bits: number): boolean {
    const ranges = networks
        .map((n) => ({ start: n.network, end: n.network + (1n << BigInt(bits - n.prefix)) }))
        .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let covered = 0n; // every address below this is in some range
    for (const { start, end } of ranges) {
        if (start > covered) return false;
        if (end > covered) covered = end;
    }
    return covered === 1n << BigInt(bits);
}

/**
 * The families whose entire address space the union of `cidrs` covers: a /0, or pieces that add up
 * to one (`0.0.0.0/1` and `128.0.0.0/1` open as much as `0.0.0.0/0`).
 */
export function coversWorld(cidrs: readonly Cidr[]): Family[] {
    return ([4, 6] as const).filter((family) => coverWholeSpace(cidrs.filter((c) => c.family === family), bitsOf(family)));
}
