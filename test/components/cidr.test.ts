import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cidrContains, coversWorld, isLoopback, networkContains, parseAddress, parseCidr, type Cidr } from "../../components/cidr";

/** [text, family, prefix, network]: CIDRs the grammar accepts, each also fed to nft below. */
const accepted: readonly [string, 4 | 6, number, bigint][] = [
    ["10.0.0.0/8", 4, 8, 0x0a000000n],
    ["0.0.0.0/0", 4, 0, 0n],
    ["192.168.1.0/24", 4, 24, 0xc0a80100n],
    ["10.0.1.5/32", 4, 32, 0x0a000105n],
    ["255.255.255.255/32", 4, 32, 0xffffffffn],
    ["100.64.0.0/10", 4, 10, 0x64400000n],
    ["::/0", 6, 0, 0n],
    ["::1/128", 6, 128, 1n],
    ["fd00:ab::/32", 6, 32, 0xfd0000abn << 96n],
    ["FD00:AB::/32", 6, 32, 0xfd0000abn << 96n],
    ["Fd00:aB::/32", 6, 32, 0xfd0000abn << 96n],
    ["0001:0db8::/32", 6, 32, 0x00010db8n << 96n],
    ["fe80::/10", 6, 10, 0xfe80n << 112n],
    ["1:2:3:4:5:6:7:8/128", 6, 128, 0x00010002000300040005000600070008n],
    ["1:2:3:4:5:6:7::/112", 6, 112, 0x00010002000300040005000600070000n],
    ["::2:3:4:5:6:7:8/128", 6, 128, 0x00000002000300040005000600070008n],
    ["fd00::1:0/112", 6, 112, (0xfd00n << 112n) | 0x10000n],
    ["::ffff:1.2.3.4/128", 6, 128, 0xffff01020304n],
    ["::FFFF:10.1.0.0/120", 6, 120, 0xffff0a010000n],
    ["::ffff:0.0.0.0/96", 6, 96, 0xffff00000000n],
    ["::1.2.3.4/128", 6, 128, 0x01020304n],
];

const prefix4 = "prefix must be 0..32";
const prefix6 = "prefix must be 0..128";
const notAnAddress = "is not an IPv4 or IPv6 address with a prefix";
const whitespace = "must not contain whitespace";
const zoneId = "must not carry an IPv6 zone id (%...): a firewall or security group rule cannot name an interface";
const leadingZeroOctet = "IPv4 octets must not have leading zeros (nftables reads 010 as octal 8)";
const embeddedIpv4 = "may embed IPv4 only as ::ffff:a.b.c.d or ::a.b.c.d (older nftables, 1.0.6 on Debian 12, refuses other forms; write the rest in hex)";

/** [text, problem]: CIDRs the grammar refuses, with the message the field name precedes. */
const rejected: readonly [string, string][] = [
    ["10.0.0.0/08", `${prefix4} without leading zeros`],
    ["fd00::/064", `${prefix6} without leading zeros`],
    ["010.0.0.0/8", leadingZeroOctet],
    ["10.0.0.01/32", leadingZeroOctet],
    ["::ffff:01.2.3.4/128", leadingZeroOctet],
    ["10.0.0.0/8 ", whitespace],
    [" 10.0.0.0/8", whitespace],
    ["10.0.0.0 /8", whitespace],
    ["10.0.0.0/8\n", whitespace],
    ["1.2.3.4/32x", prefix4],
    ["10.0.0.0/33", prefix4],
    ["10.0.0.0/", prefix4],
    ["10.0.0.0/-1", prefix4],
    ["10.0.0.0/+8", prefix4],
    ["10.0.0.0/0x8", prefix4],
    ["10.0.0.0/8/8", prefix4],
    ["fd00::/129", prefix6],
    ["256.0.0.0/8", notAnAddress],
    ["1.2.3/24", notAnAddress],
    ["1.2.3.4.5/32", notAnAddress],
    ["0x0a.0.0.0/8", notAnAddress],
    ["１0.0.0.0/8", notAnAddress],
    ["/8", notAnAddress],
    ["fe80::%1/64", zoneId],
    ["::%1/0", zoneId],
    ["fe80::1%eth0/128", zoneId],
    ["[::1]/128", "must not put the address in brackets (write fd00::1, not [fd00::1])"],
    ["1::2::3/64", notAnAddress],
    [":::/0", notAnAddress],
    ["::::/0", notAnAddress],
    ["12345::/16", notAnAddress],
    ["fd00:g::/32", notAnAddress],
    [":1:2:3:4:5:6:7/128", notAnAddress],
    ["1:2:3:4:5:6:7:/128", notAnAddress],
    ["1:2:3:4:5:6:7/112", notAnAddress],
    ["1:2:3:4:5:6:7:8:9/128", notAnAddress],
    ["1:2:3:4:5:6:7:8::/128", notAnAddress],
    ["::1:2:3:4:5:6:7:8/128", notAnAddress],
    // Valid RFC 4291 text, but nftables 1.0.6 (Debian 12) refuses these embeddings.
    ["64:ff9b::1.2.3.4/128", embeddedIpv4],
    ["1:2:3:4:5:6:1.2.3.4/128", embeddedIpv4],
    ["::ffff:0:1.2.3.4/128", embeddedIpv4],
    ["1.2.3.4::/32", embeddedIpv4],
    ["::ffff:256.0.0.0/128", embeddedIpv4],
    ["10.0.0.0", "must be in CIDR notation address/prefix (use /32 or /128 for one host)"],
    ["", "must be in CIDR notation address/prefix (use /32 or /128 for one host)"],
    ["10.0.1.5/24", "has host bits set beyond /24; the network is 10.0.1.0/24"],
    ["0.0.0.1/0", "has host bits set beyond /0; the network is 0.0.0.0/0"],
    ["fd00::1/64", "has host bits set beyond /64"],
    ["::ffff:1.2.3.4/96", "has host bits set beyond /96"],
];

/** Runs `nft -c` where it can: it needs nftables and root (it reads the kernel's netlink cache). */
function nftCheck(): ((ruleset: string) => { status: number | null; stderr: string }) | undefined {
    const installed = spawnSync("nft", ["--version"]).status === 0;
    const problem = !installed ? "nftables is not installed" : process.getuid?.() !== 0 ? "nft -c needs root" : undefined;
    if (problem && process.env.CI) throw new Error(`${problem} in CI (.ci/run runs the suite as root with nftables)`);
    if (problem) {
        console.warn(`SKIPPED nft -c of the CIDR vectors: ${problem}`);
        return undefined;
    }
    const dir = mkdtempSync(path.join(tmpdir(), "cidr-nft-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "vectors.nft");
    return (ruleset) => {
        writeFileSync(file, ruleset);
        return spawnSync("nft", ["-c", "-f", file], { encoding: "utf8" });
    };
}

/** One set per CIDR: an interval set refuses overlapping elements, and these overlap on purpose. */
function rulesetOf(cidrs: readonly { text: string; family: 4 | 6 }[]): string {
    const sets = cidrs.map(({ text, family }, i) => `\tset s${i} { type ipv${family}_addr; flags interval; elements = { ${text} }; }`);
    return `table inet t {\n${sets.join("\n")}\n}\n`;
}

/** A deterministic generator (mulberry32): `random(n)` is 0..n-1. */
function seeded(seed: number): (n: number) => number {
    let state = seed;
    return (n) => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
        return (((t ^ (t >>> 14)) >>> 0) % n);
    };
}

/** CIDR-shaped text built from valid and invalid pieces: groups, `::`, IPv4 tails, prefixes. */
function nearMisses(random: (n: number) => number, count: number): string[] {
    const pick = <T>(list: readonly T[]): T => list[random(list.length)];
    const octets = ["0", "1", "10", "127", "255", "256", "01", "00"];
    const hextets = ["0", "1", "ab", "Cd", "ffff", "FFFF", "0db8", "12345", "g", ""];
    const tails = ["", "", "", "1.2.3.4", "0.0.0.0", "010.0.0.1"];
    const prefixes = ["0", "1", "8", "16", "24", "32", "32", "64", "96", "112", "128", "128", "128", "08", "064", "33", "129", ""];
    const ipv4 = () => Array.from({ length: 3 + random(3) }, () => pick(octets)).join(".");
    const ipv6 = () => {
        const groups = Array.from({ length: random(10) }, () => pick(hextets));
        if (random(3) > 0) groups.splice(random(groups.length + 1), 0, "");
        const tail = pick(tails);
        const text = groups.join(":").replace(/^:/, "::").replace(/:$/, "::");
        return tail ? `${text}:${tail}`.replace(/:::/, "::") : text;
    };
    return Array.from({ length: count }, () => `${random(3) === 0 ? ipv4() : ipv6()}/${pick(prefixes)}`);
}

describe("parseCidr", () => {
    it.each(accepted)("accepts %s", (text, family, prefix, network) => {
        expect(parseCidr(text)).toEqual({ text, family, prefix, network });
    });

    it.each(rejected)("refuses %j", (text, problem) => {
        expect(parseCidr(text)).toBe(problem);
    });

    it("never throws, whatever the text", () => {
        const random = seeded(1);
        const alphabet = "0123456789abcdefABCDEFx:./%[] -";
        for (let i = 0; i < 20_000; i++) {
            const text = Array.from({ length: random(24) }, () => alphabet[random(alphabet.length)]).join("");
            const result = parseCidr(text);
            expect(typeof result === "string" || result.text === text).toBe(true);
        }
    });

    // AWS cannot be asked from here. Its rule (EC2 API Reference, IpRange and Ipv6Range): CidrIp is an
    // IPv4 CIDR block, CidrIpv6 an IPv6 one, and AWS canonicalizes both (100.68.0.18/18 becomes
    // 100.68.0.0/18), which is why host bits are refused rather than silently cleared.
    const nft = nftCheck();

    it("accepts nothing nft refuses: every accepted vector passes nft -c", () => {
        if (!nft) return;
        const result = nft(rulesetOf(accepted.map(([text, family]) => ({ text, family }))));
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
    });

    it("accepts nothing nft refuses among generated near misses", () => {
        if (!nft) return;
        const found = new Map<string, 4 | 6>();
        for (const text of nearMisses(seeded(7), 50_000)) {
            const parsed = parseCidr(text);
            if (typeof parsed !== "string") found.set(text, parsed.family);
        }
        expect(found.size).toBeGreaterThan(400);
        const result = nft(rulesetOf([...found].map(([text, family]) => ({ text, family }))));
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
    });

    it("refuses what nft refuses, which node's net.isIP let through", () => {
        if (!nft) return;
        for (const [text, family] of [["10.0.0.0/08", 4], ["fe80::%1/64", 6], ["::%1/0", 6], ["1:2:3:4:5:6:1.2.3.4/128", 6]] as const) {
            expect(nft(rulesetOf([{ text, family }])).status, text).not.toBe(0);
        }
        // nft accepts some text the grammar refuses (010.0.0.0/8 as octal 8.0.0.0/8, fd00::/064 as
        // /52, [::1]/128, host bits): the grammar is the intersection of what nft and AWS read alike.
    });
});

describe("parseAddress", () => {
    it("reads one address of either family", () => {
        expect(parseAddress("10.0.5.20")).toEqual({ family: 4, value: 0x0a000514n });
        expect(parseAddress("0.0.0.0")).toEqual({ family: 4, value: 0n });
        expect(parseAddress("::")).toEqual({ family: 6, value: 0n });
        expect(parseAddress("fd00::20")).toEqual({ family: 6, value: (0xfd00n << 112n) | 0x20n });
        expect(parseAddress("::ffff:127.0.0.1")).toEqual({ family: 6, value: 0xffff7f000001n });
    });

    it("refuses CIDRs, names and the text nft refuses or misreads", () => {
        expect(parseAddress("10.0.5.0/24")).toBe("is not an IPv4 or IPv6 address");
        expect(parseAddress("db.example")).toBe("is not an IPv4 or IPv6 address");
        expect(parseAddress("010.0.5.20")).toBe(leadingZeroOctet);
        expect(parseAddress("fe80::1%eth0")).toBe(zoneId);
        expect(parseAddress("10.0.5.20 ")).toBe(whitespace);
    });
});

const cidrs = (...texts: string[]): Cidr[] =>
    texts.map((text) => {
        const parsed = parseCidr(text);
        if (typeof parsed === "string") throw new Error(`${text}: ${parsed}`);
        return parsed;
    });

describe("coversWorld", () => {
    it("says which families a single /0 covers", () => {
        expect(coversWorld([])).toEqual([]);
        expect(coversWorld(cidrs("0.0.0.0/0"))).toEqual([4]);
        expect(coversWorld(cidrs("::/0"))).toEqual([6]);
        expect(coversWorld(cidrs("::/0", "10.0.0.0/8", "0.0.0.0/0"))).toEqual([4, 6]);
    });

    it("merges pieces that add up to the whole space, in any order", () => {
        expect(coversWorld(cidrs("0.0.0.0/1", "128.0.0.0/1"))).toEqual([4]);
        expect(coversWorld(cidrs("8000::/1", "::/1"))).toEqual([6]);
        expect(coversWorld(cidrs("192.0.0.0/2", "0.0.0.0/1", "128.0.0.0/2"))).toEqual([4]);
        expect(coversWorld(cidrs(...Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`)))).toEqual([4]);
        // Halving down to the last address: 0/1, 128/2, 192/3 ... 255.255.255.254/32, then 255.255.255.255/32.
        const halves = Array.from({ length: 32 }, (_, i) => {
            const network = 2 ** 32 - 2 ** (32 - i);
            return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".")}/${i + 1}`;
        });
        expect(coversWorld(cidrs(...halves, "255.255.255.255/32"))).toEqual([4]);
        expect(coversWorld(cidrs(...halves))).toEqual([]);
    });

    it("finds the gap at the start, in the middle and at the end", () => {
        expect(coversWorld(cidrs("128.0.0.0/1"))).toEqual([]);
        expect(coversWorld(cidrs("0.0.0.0/1", "192.0.0.0/2"))).toEqual([]);
        expect(coversWorld(cidrs("0.0.0.0/1", "128.0.0.0/2"))).toEqual([]);
        expect(coversWorld(cidrs(...Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`).filter((c) => c !== "127.0.0.0/8")))).toEqual([]);
        expect(coversWorld(cidrs("::/1", "8000::/2", "c000::/3", "e000::/3"))).toEqual([6]);
        expect(coversWorld(cidrs("::/1", "8000::/2", "c000::/3"))).toEqual([]);
    });

    it("counts duplicates and nested networks once, and never mixes families", () => {
        expect(coversWorld(cidrs("0.0.0.0/1", "0.0.0.0/1", "128.0.0.0/1"))).toEqual([4]);
        expect(coversWorld(cidrs("0.0.0.0/1", "10.0.0.0/8", "128.0.0.0/1", "128.0.0.0/9"))).toEqual([4]);
        expect(coversWorld(cidrs("0.0.0.0/1", "10.0.0.0/8"))).toEqual([]);
        expect(coversWorld(cidrs("0.0.0.0/1", "8000::/1"))).toEqual([]);
        expect(coversWorld(cidrs("::ffff:0.0.0.0/96"))).toEqual([]);
        expect(coversWorld(cidrs("0.0.0.0/1", "::/1", "128.0.0.0/1", "8000::/1"))).toEqual([4, 6]);
    });
});

describe("containment", () => {
    const [outer, inner, other] = cidrs("10.0.0.0/16", "10.0.1.0/24", "10.1.0.0/24");

    it("networkContains: same family, inside, at least as long a prefix", () => {
        expect(networkContains(outer, inner)).toBe(true);
        expect(networkContains(outer, outer)).toBe(true);
        expect(networkContains(inner, outer)).toBe(false);
        expect(networkContains(outer, other)).toBe(false);
        const [world4, mapped] = cidrs("0.0.0.0/0", "::ffff:10.0.0.0/104");
        expect(networkContains(world4, mapped)).toBe(false);
    });

    it("cidrContains parses the address with the same grammar", () => {
        expect(cidrContains("10.0.0.0/16", "10.0.200.1")).toBe(true);
        expect(cidrContains("10.0.0.0/16", "10.1.0.1")).toBe(false);
        expect(cidrContains("fd00::/64", "fd00::5")).toBe(true);
        expect(cidrContains("0.0.0.0/0", "::1")).toBe(false);
        // 010.0.0.1 is octal 8.0.0.1 to nftables: not an address here, so never "inside".
        expect(cidrContains("10.0.0.0/8", "010.0.0.1")).toBe(false);
        expect(cidrContains("fe80::/10", "fe80::1%eth0")).toBe(false);
        expect(cidrContains("10.0.0.0/08", "10.0.0.1")).toBe(false);
    });

    it("isLoopback covers 127.0.0.0/8 and ::1 only", () => {
        expect(isLoopback("127.0.0.1")).toBe(true);
        expect(isLoopback("127.255.0.9")).toBe(true);
        expect(isLoopback("::1")).toBe(true);
        expect(isLoopback("::2")).toBe(false);
        expect(isLoopback("128.0.0.1")).toBe(false);
        expect(isLoopback("localhost")).toBe(false);
    });
});
