/**
 * The mirror endpoints an `iris.cpf` or a merge file configures, and how they compare with the profile.
 *
 * Read from where each release keeps them (CPF reference; catalog: irisCpf, irisMirrorEntries,
 * irisMergeActions): 2020.x merge files' [Startup] keys (MirrorSetName, MirrorMember, MirrorPrimary,
 * ArbiterURL); current instances' [MirrorMember] (SystemName, JoinMirror), [Mirrors] (virtual
 * address, arbiter) and [MapMirrors.<mirror>] (each member's ISCAgent address and port, superserver
 * address); merge files' [Actions] ConfigMirror (Name, Member, Primary, ArbiterURL) and CreateMirror
 * (Name, VirtualAddress). The firewall rules never come from here: the profile alone makes them.
 */
import { isIP } from "node:net";
import { irisCpf, irisCpfSections, irisMergeActions, irisMirrorEntries } from "../catalog";
import { cidrContains } from "../cidr";
import type { HostProfile, IrisSettings } from "../profile/model";
import type { Issues } from "../validate";
import { getValue, sameName, sections, type CpfDocument, type CpfEntry } from "./cpf";
import { entries, label, nonEmpty, optional, readAddressPort, readPort } from "./values";

export interface MirrorMemberEntry {
    /** The [MapMirrors.<mirror>] section's mirror. */
    readonly mirror: string;
    readonly name: string;
    readonly agentAddress?: string;
    readonly agentPort?: number;
    readonly superserverAddress?: string;
}

export interface MirrorEndpoints {
    readonly setName?: string;
    /** Member type (2020.x [Startup] MirrorMember, ConfigMirror Member): primary, backup, drasync... */
    readonly member?: string;
    readonly primary?: string;
    /** `at`: where it was read, for messages. */
    readonly arbiter?: { readonly address: string; readonly port: number; readonly at: string };
    readonly virtualAddress?: { readonly address: string; readonly at: string };
    /** [MirrorMember] SystemName: this instance's own entry among `members`. */
    readonly systemName?: string;
    /** [MirrorMember] JoinMirror (0: the mirror configuration is ignored at startup). */
    readonly joinMirror?: boolean;
    readonly members: readonly MirrorMemberEntry[];
    /** [Mirrors] / [MapMirrors.*] sections that hold entries. */
    readonly definitions: readonly string[];
    /** Where mirroring is configured, as the file writes it (for messages). */
    readonly configuredBy: readonly string[];
}

export function readMirror(doc: CpfDocument, issues: Issues): MirrorEndpoints {
    const text = (at: { section: string; key: string }) => nonEmpty(getValue(doc, at.section, at.key));
    const action = (operation: string) => lastAction(doc, operation);
    const configMirror = action(irisMergeActions.configMirror);
    const createMirror = action(irisMergeActions.createMirror);
    const mirrors = entries(doc, irisCpfSections.mirrors);
    const mirrorsEntry = mirrors[0];
    const mirrorsValues = mirrorsEntry?.value.split(",") ?? [];

    const startupArbiter = text(irisCpf.arbiterUrl);
    const actionArbiter = configMirror?.get("ArbiterURL");
    const nodeArbiter = /^(.+)\|(\d+)$/.exec(mirrorsValues[irisMirrorEntries.mirrors.arbiter] ?? "");
    const arbiterAt = (at: string, value: string) => {
        const read = readAddressPort(issues, at, value);
        return read && { ...read, at };
    };
    const arbiter = actionArbiter !== undefined
        ? arbiterAt(`[${irisCpfSections.actions}] ${irisMergeActions.configMirror} ArbiterURL`, actionArbiter)
        : startupArbiter !== undefined
          ? arbiterAt(label(irisCpf.arbiterUrl), startupArbiter)
          : nodeArbiter
            ? (() => {
                  const at = `[${irisCpfSections.mirrors}] ${mirrorsEntry!.key}`;
                  const port = readPort(issues, at, nodeArbiter[2]);
                  return port === undefined ? undefined : { address: nodeArbiter[1], port, at };
              })()
            : undefined;

    const vipFromMirrors = nonEmpty(mirrorsValues[irisMirrorEntries.mirrors.virtualAddress]);
    const vipFromAction = createMirror?.get("VirtualAddress");
    // A virtual address may be written with its mask (address/prefix); the address is what clients reach.
    const virtualAddress = vipFromAction !== undefined
        ? { address: vipFromAction.split("/")[0], at: `[${irisCpfSections.actions}] ${irisMergeActions.createMirror} VirtualAddress` }
        : vipFromMirrors !== undefined ? { address: vipFromMirrors.split("/")[0], at: `[${irisCpfSections.mirrors}] ${mirrorsEntry!.key}` } : undefined;

    const join = text(irisCpf.joinMirror);
    const mapSections = [...new Set(sections(doc).filter((s) => isMapMirrors(s.name)).map((s) => s.name))];
    const members = mapSections.flatMap((section) => entries(doc, section).map(({ key, value }): MirrorMemberEntry => {
        const values = value.split(",");
        const agentPort = nonEmpty(values[irisMirrorEntries.mapMirrors.agentPort]);
        return {
            mirror: section.slice(irisCpfSections.mapMirrorsPrefix.length),
            name: key,
            ...optional("agentAddress", nonEmpty(values[irisMirrorEntries.mapMirrors.agentAddress])),
            ...optional("agentPort", agentPort === undefined ? undefined : readPort(issues, `[${section}] ${key}`, agentPort)),
            ...optional("superserverAddress", nonEmpty(values[irisMirrorEntries.mapMirrors.superserverAddress])),
        };
    }));

    const definitions = [...new Set(sections(doc)
        .filter((s) => s.entries.length > 0 && (sameName(s.name, irisCpfSections.mirrors) || isMapMirrors(s.name)))
        .map((s) => s.name))];
    const configuredBy = [
        ...[irisCpf.mirrorSetName, irisCpf.mirrorMember, irisCpf.mirrorPrimary].flatMap((at) => {
            const value = text(at);
            return value === undefined ? [] : [`${label(at)}=${value}`];
        }),
        ...[configMirror && irisMergeActions.configMirror, createMirror && irisMergeActions.createMirror].filter((o) => o).map((o) => `[${irisCpfSections.actions}] ${o}`),
        ...(arbiter ? [arbiterText(arbiter)] : []),
        ...definitions.map((name) => `[${name}]`),
    ];
    return {
        ...optional("setName", configMirror?.get("Name") ?? createMirror?.get("Name") ?? text(irisCpf.mirrorSetName) ?? mirrorsEntry?.key),
        ...optional("member", configMirror?.get("Member") ?? text(irisCpf.mirrorMember)),
        ...optional("primary", configMirror?.get("Primary") ?? text(irisCpf.mirrorPrimary)),
        ...optional("arbiter", arbiter),
        ...optional("virtualAddress", virtualAddress),
        ...optional("systemName", text(irisCpf.mirrorSystemName)),
        ...optional("joinMirror", join === undefined ? undefined : join !== "0"),
        members,
        definitions,
        configuredBy,
    };
}

type Deviate = (field: string, profile: unknown, instance: unknown, message: string) => void;
type PeerListed = (field: "mirrorMembers" | "arbiter", address: string, instance: string, what: string) => void;

export function compareMirror(profile: HostProfile, iris: IrisSettings, m: MirrorEndpoints, deviate: Deviate, peerListed: PeerListed): void {
    const configured = m.configuredBy;
    if (!iris.features.mirror) {
        if (configured.length > 0) deviate("iris.features.mirror", false, configured, "the instance is configured for mirroring but the profile does not use it: the firewall blocks mirror traffic");
        return;
    }
    if (configured.length === 0) {
        deviate("iris.features.mirror", true, undefined, `the profile uses mirroring but the instance has no mirror configuration ([${irisCpfSections.mirrors}], [${irisCpfSections.mapMirrorsPrefix}<mirror>], ${irisMergeActions.configMirror})`);
        return;
    }
    if (m.joinMirror === false) deviate("iris.features.mirror", true, `${label(irisCpf.joinMirror)}=0`, "the instance ignores its mirror configuration at startup");
    if (m.primary !== undefined) peerListed("mirrorMembers", m.primary, m.configuredBy.find((c) => c.startsWith(label(irisCpf.mirrorPrimary))) ?? `[${irisCpfSections.actions}] ${irisMergeActions.configMirror} Primary=${m.primary}`, "mirror primary");

    const others = m.members.filter((e) => m.systemName === undefined || !sameName(e.name, m.systemName));
    for (const e of others) {
        for (const address of new Set([e.agentAddress, e.superserverAddress].filter((a): a is string => a !== undefined))) {
            peerListed("mirrorMembers", address, memberText(e), `mirror member ${e.name}`);
        }
    }
    // Every member's ISCAgent, this one's included, is reached on the profile's ISCAgent port.
    for (const e of m.members) {
        if (e.agentPort !== undefined && e.agentPort !== iris.ports.iscAgent) {
            deviate("iris.ports.iscAgent", iris.ports.iscAgent, e.agentPort, `mirror member ${e.name}'s ISCAgent is on port ${e.agentPort} ([${irisCpfSections.mapMirrorsPrefix}${e.mirror}] ${e.name}), the profile has ${iris.ports.iscAgent}: the firewall opens the profile's port, not the instance's`);
        }
    }
    if (m.members.length > 0) {
        const addresses = m.members.flatMap((e) => [e.agentAddress, e.superserverAddress]).filter((a): a is string => a !== undefined && isIP(a) !== 0);
        for (const cidr of profile.network.mirrorMembers) {
            const [address, prefix] = cidr.split("/");
            const oneHost = Number(prefix) === (isIP(address) === 4 ? 32 : 128);
            if (oneHost && !addresses.some((a) => cidrContains(cidr, a))) {
                deviate("network.mirrorMembers", cidr, undefined, `the instance's mirror has no member at ${address} ([${irisCpfSections.mapMirrorsPrefix}<mirror>])`);
            }
        }
    }

    const expected = iris.mirror?.arbiter;
    if (m.arbiter) {
        peerListed("arbiter", m.arbiter.address, arbiterText(m.arbiter), "the arbiter");
        if (expected && m.arbiter.address !== expected.address) {
            deviate("iris.mirror.arbiter.address", expected.address, m.arbiter.address, `the instance's arbiter is ${m.arbiter.address} (${m.arbiter.at}), the profile's ${expected.address}`);
        }
        const [field, port] = expected ? ["iris.mirror.arbiter.port", expected.port] as const : ["iris.ports.iscAgent", iris.ports.iscAgent] as const;
        if (m.arbiter.port !== port) {
            deviate(field, port, m.arbiter.port, `the arbiter's ISCAgent is on port ${m.arbiter.port} (${m.arbiter.at}), the profile has ${port}: the firewall opens the profile's port, not the instance's`);
        }
    } else if (expected) {
        deviate("iris.mirror.arbiter", expected, undefined, "the instance's mirror has no arbiter");
    }

    const vip = iris.mirror?.virtualAddress;
    if (m.virtualAddress?.address !== vip) {
        deviate("iris.mirror.virtualAddress", vip, m.virtualAddress?.address, m.virtualAddress === undefined
            ? "the instance's mirror has no virtual address"
            : `the instance's mirror has the virtual address ${m.virtualAddress.address} (${m.virtualAddress.at})${vip === undefined ? ", which the profile does not declare" : `, the profile ${vip}`}`);
    }
}

function isMapMirrors(name: string): boolean {
    return name.toLowerCase().startsWith(irisCpfSections.mapMirrorsPrefix.toLowerCase());
}

/** The last `operation` line of [Actions], its properties by name (case-insensitive), quotes removed. */
function lastAction(doc: CpfDocument, operation: string): Map<string, string> | undefined {
    const found = sections(doc)
        .filter((s) => sameName(s.name, irisCpfSections.actions))
        .flatMap((s) => s.entries)
        .filter((e): e is Extract<CpfEntry, { kind: "action" }> => e.kind === "action" && sameName(e.operation, operation))
        .pop();
    if (!found) return undefined;
    return new Map(found.properties.map((p) => [canonical(p.name), unquote(p.value)]));
}

const propertyNames = ["Name", "Member", "Primary", "ArbiterURL", "VirtualAddress"];
function canonical(name: string): string {
    return propertyNames.find((n) => sameName(n, name)) ?? name;
}

function unquote(value: string): string {
    return /^".*"$/.test(value) ? value.slice(1, -1).replace(/""/g, '"') : value;
}

function arbiterText(a: NonNullable<MirrorEndpoints["arbiter"]>): string {
    return `${a.at}=${a.address}:${a.port}`;
}

function memberText(e: MirrorMemberEntry): string {
    return `[${irisCpfSections.mapMirrorsPrefix}${e.mirror}] ${e.name}=${e.agentAddress ?? ""},${e.agentPort ?? ""},...,${e.superserverAddress ?? ""}`;
}
