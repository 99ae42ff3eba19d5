/**
 * Reads a hardening profile (model.ts), section by section.
 *
 * The same shape is read from a YAML file (`parseProfile`), from stack config
 * (`Pulumi.<stack>.yaml`, see index.ts) or built in code (`validateProfile`). Validation fills
 * the defaults from the catalog and reports every problem with its field and value, before any
 * resource is registered or any command runs.
 */
import { readFileSync, statSync } from "node:fs";
import * as YAML from "yaml";
import {
    configurableIrisPorts,
    hostSchedule,
    irisEndpoints,
    osEndpoints,
    privilegedGroups,
    productIds,
    protectedUnit,
    products,
    restrictFacilities,
    type RestrictFacility,
} from "../catalog";
import { coversWorld, type Cidr } from "../cidr";
import { grammarRelease, knownYottadbReleases, restrictLines, restrictRefusal } from "../restrict";
import {
    checkAbsolutePath,
    checkCalendar,
    checkCidr,
    checkHostLabel,
    checkIpAddress,
    checkPort,
    checkPosixName,
    checkProcessName,
    checkUnitName,
    Issues,
    join,
    ProfileError,
    readBoolean,
    readChoice,
    readList,
    readObject,
    readStrings,
    type Raw,
} from "../validate";
import { releasePattern } from "../iris/release";
import { checkConsistency } from "./consistency";
import { readWaivers } from "./waivers";
import {
    environments,
    irisFeatures,
    peerLists,
    roles,
    scheduleModes,
    type DatabaseFiles,
    type DeclaredRule,
    type DistributionSettings,
    type HardeningSwitches,
    type HostProfile,
    type IrisMirrorSettings,
    type IrisSettings,
    type NetworkSettings,
    type PeerList,
    type Role,
    type ScheduleSettings,
    type ServiceSettings,
} from "./model";

/** A profile describes one host; anything larger is not one, and parsing it could exhaust memory. */
const maxProfileBytes = 1024 * 1024;

function tooLarge(bytes: number, source: string): ProfileError {
    return new ProfileError([{ field: "(file)", value: `${bytes} bytes`, message: `a profile file is at most ${maxProfileBytes} bytes (1 MiB)` }], source);
}

/** Reads a YAML profile file, refusing one over 1 MiB before reading it, and validates it. */
export function readProfileFile(file: string, source = file): HostProfile {
    const { size } = statSync(file);
    if (size > maxProfileBytes) throw tooLarge(size, source);
    return parseProfile(readFileSync(file, "utf8"), source);
}

/** Parses a YAML profile document and validates it. */
export function parseProfile(text: string, source = "profile"): HostProfile {
    // Counted in UTF-16 units first, so a huge string is refused without encoding it.
    if (text.length > maxProfileBytes || Buffer.byteLength(text) > maxProfileBytes) throw tooLarge(Buffer.byteLength(text), source);
    const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
        const lines = text.split(/\r?\n/);
        throw new ProfileError(
            doc.errors.map((e) => ({
                field: "(yaml)",
                value: e.linePos ? lines[e.linePos[0].line - 1] : undefined,
                message: e.message.split("\n")[0].replace(/:$/, ""),
            })),
            source,
        );
    }
    return validateProfile(doc.toJS(), source);
}

/** Ingress sources: valid CIDRs that are never the whole Internet. */
function readSources(issues: Issues, field: string, value: unknown, what: string): string[] {
    const networks: Cidr[] = [];
    const sources = readStrings(issues, field, value, (iss, f, v) => {
        const cidr = checkCidr(iss, f, v);
        if (cidr?.prefix === 0) {
            iss.fail(f, v, `opens ${what} to the whole Internet; list the networks that need it`);
            return false;
        }
        if (cidr) networks.push(cidr);
        return cidr !== undefined;
    });
    // Pieces such as 0.0.0.0/1 and 128.0.0.0/1 open as much as one /0.
    for (const family of coversWorld(networks)) {
        issues.fail(field, value, `together cover all of IPv${family}: that opens ${what} to the whole Internet; list the networks that need it`);
    }
    return sources;
}

/** License servers are single hosts: each becomes a `[LicenseServers]` entry of the instance. */
function readSingleHosts(issues: Issues, field: string, value: unknown): string[] {
    return readStrings(issues, field, value, (iss, f, v) => {
        const cidr = checkCidr(iss, f, v);
        if (cidr && cidr.prefix !== (cidr.family === 4 ? 32 : 128)) {
            iss.fail(f, v, "a [LicenseServers] entry names one license server: list each as its own /32 (IPv4) or /128 (IPv6)");
            return false;
        }
        return cidr !== undefined;
    });
}

function readDestinations(issues: Issues, field: string, value: unknown): string[] {
    return readStrings(issues, field, value, (iss, f, v) => checkCidr(iss, f, v) !== undefined);
}

/**
 * The profiles validateProfile returned, deeply frozen: one handed back (a profile file read for a
 * component, a component's profile passed on) is the same value, so it is not validated again.
 */
const validated = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        for (const v of Object.values(value)) deepFreeze(v);
        Object.freeze(value);
    }
    return value;
}

/**
 * Validates a profile given as data (from YAML, stack config or code) and fills in defaults.
 * Throws `ProfileError` listing every problem. A profile this function returned is returned as it is.
 */
export function validateProfile(input: unknown, source = "profile"): HostProfile {
    if (typeof input === "object" && input !== null && validated.has(input)) return input as HostProfile;
    const issues = new Issues();
    const raw = readObject(issues, "", input, ["name", "product", "environment", "roles", "iris", "distribution", "databases", "network", "services", "hardening", "waivers"]);
    if (!raw) issues.throwIfAny(source);
    const top = raw as Raw;

    const name = checkHostLabel(issues, "name", top.name) ? top.name : "invalid";
    const product = readChoice(issues, "product", top.product, productIds);
    const environment = readChoice(issues, "environment", top.environment, environments);
    const hostRoles = top.roles === undefined ? (["database"] as Role[]) : readStrings(issues, "roles", top.roles, (iss, f, v) => readChoice(iss, f, v, roles) !== undefined) as Role[];
    if (hostRoles.length === 0 && top.roles !== undefined) issues.fail("roles", top.roles, "must name at least one role");
    if (new Set(hostRoles).size !== hostRoles.length) issues.fail("roles", top.roles, "must not repeat a role");

    const iris = product === "iris" ? readIris(issues, top.iris) : undefined;
    if (product !== undefined && product !== "iris") {
        if (top.iris !== undefined) issues.fail("iris", top.iris, `applies to product iris only, not ${product}`);
        for (const role of hostRoles) {
            if (role !== "database") issues.fail("roles", top.roles, `role ${role} exists only for IRIS; a ${products[product].displayName} host is a database host`);
        }
    }
    const distribution = product === "gtm" || product === "yottadb" ? readDistribution(issues, top.distribution, product) : undefined;
    if (product === "iris" && top.distribution !== undefined) {
        issues.fail("distribution", top.distribution, "applies to GT.M and YottaDB only; the IRIS installer sets the ownership of its own installation");
    }

    const databasesRaw = readObject(issues, "databases", top.databases, ["files", "readOnly"]) ?? {};
    const databases: DatabaseFiles = {
        files: readStrings(issues, "databases.files", databasesRaw.files, checkAbsolutePath),
        readOnly: readStrings(issues, "databases.readOnly", databasesRaw.readOnly, checkAbsolutePath),
    };
    if (product === "iris" && (databases.files.length > 0 || databases.readOnly.length > 0)) {
        issues.fail("databases", top.databases, "database file checks follow the GT.M/YottaDB documents and apply to those products only");
    }

    const network = readNetwork(issues, top.network);
    const services = readServices(issues, top.services);
    const hardeningRaw = readObject(issues, "hardening", top.hardening, ["firewall", "services", "distribution", "irisConfig", "schedule"]) ?? {};
    const runsIrisInstance = product === "iris" && hostRoles.includes("database");
    const schedule = readSchedule(issues, hardeningRaw.schedule);
    const hardening: HardeningSwitches = {
        firewall: readBoolean(issues, "hardening.firewall", hardeningRaw.firewall, true),
        services: readBoolean(issues, "hardening.services", hardeningRaw.services, true),
        distribution: readBoolean(issues, "hardening.distribution", hardeningRaw.distribution, product !== "iris"),
        irisConfig: readBoolean(issues, "hardening.irisConfig", hardeningRaw.irisConfig, runsIrisInstance),
        ...(schedule ? { schedule } : {}),
    };
    if (hardening.irisConfig && !runsIrisInstance) {
        issues.fail("hardening.irisConfig", true, "applies to IRIS hosts with the database role (they run the instance)");
    }
    if (product === "iris" && hardening.distribution) {
        issues.fail("hardening.distribution", true, "distribution restriction applies to GT.M and YottaDB only");
    }

    const waivers = readWaivers(issues, top.waivers);

    issues.throwIfAny(source);
    const profile: HostProfile = {
        name: name as string,
        product: product!,
        environment: environment!,
        roles: hostRoles,
        ...(iris ? { iris } : {}),
        ...(distribution ? { distribution } : {}),
        databases,
        network,
        services,
        hardening,
        waivers,
    };
    checkConsistency(issues, profile);
    issues.throwIfAny(source);
    validated.add(deepFreeze(profile));
    return profile;
}

function readIris(issues: Issues, value: unknown): IrisSettings {
    const raw = readObject(issues, "iris", value, ["instance", "installDir", "features", "ports", "superserverBindAddress", "version", "mirror", "lockdown"]) ?? {};
    const instance = raw.instance ?? products.iris.defaultInstance;
    if (typeof instance !== "string" || !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(instance)) {
        issues.fail("iris.instance", instance, "must be an IRIS instance name (a letter, then letters, digits, '_' or '-')");
    }
    const installDir = raw.installDir ?? products.iris.defaultInstallDir;
    checkAbsolutePath(issues, "iris.installDir", installDir);
    const featuresRaw = readObject(issues, "iris.features", raw.features, irisFeatures) ?? {};
    const portsRaw = readObject(issues, "iris.ports", raw.ports, configurableIrisPorts) ?? {};
    const features = Object.fromEntries(irisFeatures.map((f) => [f, readBoolean(issues, `iris.features.${f}`, featuresRaw[f], false)]));
    const ports = Object.fromEntries(
        configurableIrisPorts.map((p) => {
            const v = portsRaw[p] ?? irisEndpoints[p].port;
            return [p, checkPort(issues, `iris.ports.${p}`, v) ? v : irisEndpoints[p].port];
        }),
    );
    const bind = raw.superserverBindAddress;
    if (bind !== undefined) checkIpAddress(issues, "iris.superserverBindAddress", bind);
    const version = readIrisRelease(issues, raw.version);
    const mirror = readIrisMirror(issues, raw.mirror, features.mirror === true);
    const lockdown = readBoolean(issues, "iris.lockdown", raw.lockdown, false);
    return {
        instance: instance as string,
        installDir: installDir as string,
        features: features as IrisSettings["features"],
        ports: ports as IrisSettings["ports"],
        lockdown,
        ...(typeof bind === "string" ? { superserverBindAddress: bind } : {}),
        ...(version !== undefined ? { version } : {}),
        ...(mirror !== undefined ? { mirror } : {}),
    };
}

/** `YYYY.N`; YAML reads an unquoted `2024.1` as a number, which is taken as written. */
function readIrisRelease(issues: Issues, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text === "string" && releasePattern.test(text)) return text;
    issues.fail("iris.version", value, "must be the IRIS release as YEAR.N (e.g. \"2024.1\"), not the CPF's [ConfigFile] Version");
    return undefined;
}

function readIrisMirror(issues: Issues, value: unknown, mirrored: boolean): IrisMirrorSettings | undefined {
    if (value === undefined) return undefined;
    if (!mirrored) issues.fail("iris.mirror", value, "applies to mirrored instances only (iris.features.mirror: true)");
    const raw = readObject(issues, "iris.mirror", value, ["arbiter", "virtualAddress"]) ?? {};
    let arbiter: IrisMirrorSettings["arbiter"];
    if (raw.arbiter !== undefined) {
        const a = readObject(issues, "iris.mirror.arbiter", raw.arbiter, ["address", "port"]) ?? {};
        const port = a.port ?? irisEndpoints.iscAgent.port;
        // The firewall opens addresses, so a host name would leave the arbiter unreachable.
        const addressOk = checkIpAddress(issues, "iris.mirror.arbiter.address", a.address);
        if (checkPort(issues, "iris.mirror.arbiter.port", port) && addressOk) arbiter = { address: a.address as string, port };
    }
    const vip = raw.virtualAddress;
    if (vip !== undefined) checkIpAddress(issues, "iris.mirror.virtualAddress", vip);
    return { ...(arbiter ? { arbiter } : {}), ...(typeof vip === "string" ? { virtualAddress: vip } : {}) };
}

function readDistribution(issues: Issues, value: unknown, product: "gtm" | "yottadb"): DistributionSettings | undefined {
    const facts = products[product];
    if (value === undefined) {
        issues.fail("distribution", value, `is required for ${facts.displayName}: at least distribution.path ($${facts.distVar})`);
        return undefined;
    }
    const raw = readObject(issues, "distribution", value, ["path", "group", "members", "version", "verifyIntegrity", "tmpDir", "logDir", "restrict"]) ?? {};
    const path = raw.path;
    checkAbsolutePath(issues, "distribution.path", path);
    const group = raw.group ?? facts.defaultGroup;
    if (checkPosixName(issues, "distribution.group", group) && (facts.refusedGroups as readonly string[]).includes(group)) {
        issues.fail("distribution.group", group, `${facts.displayName} refuses ${facts.refusedGroups.join("/")} as the restriction group: everyone with that group would keep access`);
    } else if (privilegedGroups.includes(group as string)) {
        issues.fail("distribution.group", group, "is a group with privileges of its own (administration, disks, logs or containers): the members added to it would get them; use a group of its own such as " + facts.defaultGroup);
    }
    const members = readStrings(issues, "distribution.members", raw.members, checkPosixName);
    const version = readVersion(issues, raw.version, product);
    const verifyIntegrity = readBoolean(issues, "distribution.verifyIntegrity", raw.verifyIntegrity, false);
    const tmpDir = raw.tmpDir ?? facts.defaultTmpDir;
    checkAbsolutePath(issues, "distribution.tmpDir", tmpDir);
    if (raw.logDir !== undefined) {
        issues.fail("distribution.logDir", raw.logDir, `is no longer read: gtmsecshr never gets it (the wrappers of GT.M V7.0-005 and YottaDB r2.06 pass only $${facts.distVar} and $${facts.tmpVar} on), and YottaDB r2.04+ does not use $ydb_log/$gtm_log at all; remove the field`);
    }
    const restrictRaw = readObject(issues, "distribution.restrict", raw.restrict, Object.keys(restrictFacilities)) ?? {};
    const restrict: Partial<Record<RestrictFacility, string>> = {};
    for (const [facility, grp] of Object.entries(restrictRaw)) {
        if (checkPosixName(issues, `distribution.restrict.${facility}`, grp)) restrict[facility as RestrictFacility] = grp;
    }
    const dist: DistributionSettings = { path: path as string, group: group as string, members, ...(version ? { version } : {}), verifyIntegrity, tmpDir: tmpDir as string, restrict };
    const grammar = version && grammarRelease(product, version);
    if (grammar) {
        for (const line of restrictLines(dist)) {
            const refusal = restrictRefusal(line, grammar, version);
            if (refusal) issues.fail(`distribution.restrict.${line.facility}`, line.group, `${refusal} (distribution.version is ${version})`);
        }
    }
    return dist;
}

/** The declared release, in the product's own form; a YottaDB release must be one the catalog knows, or newer. */
function readVersion(issues: Issues, value: unknown, product: "gtm" | "yottadb"): string | undefined {
    if (value === undefined) return undefined;
    const facts = products[product];
    if (typeof value !== "string" || !facts.releasePattern.test(value)) {
        issues.fail("distribution.version", value, `must be a ${facts.displayName} release such as ${facts.releaseExample}`);
        return undefined;
    }
    if (!grammarRelease(product, value)) {
        issues.fail("distribution.version", value, `is not a ${facts.displayName} release known here (${knownYottadbReleases.join(", ")}, or newer)`);
        return undefined;
    }
    return value;
}

function readNetwork(issues: Issues, value: unknown): NetworkSettings {
    const lists = Object.keys(peerLists) as PeerList[];
    const raw = readObject(issues, "network", value, ["sshPort", ...lists, "ingress", "egress"]) ?? {};
    const sshPort = raw.sshPort ?? osEndpoints.ssh.port;
    const readPeers = (list: PeerList): string[] => {
        const field = `network.${list}`;
        const facts = peerLists[list];
        // One arbiter may be written as a plain string.
        const value = list === "arbiter" && typeof raw[list] === "string" ? [raw[list]] : raw[list];
        if (facts.peers === "sources") return readSources(issues, field, value, facts.opens);
        return facts.peers === "single hosts" ? readSingleHosts(issues, field, value) : readDestinations(issues, field, value);
    };
    return {
        sshPort: checkPort(issues, "network.sshPort", sshPort) ? sshPort : osEndpoints.ssh.port,
        ...(Object.fromEntries(lists.map((list) => [list, readPeers(list)])) as Record<PeerList, string[]>),
        ingress: readDeclaredRules(issues, "network.ingress", raw.ingress, "from").map(({ rule, cidrs }) => ({ ...rule, from: cidrs })),
        egress: readDeclaredRules(issues, "network.egress", raw.egress, "to").map(({ rule, cidrs }) => ({ ...rule, to: cidrs })),
    };
}

function readDeclaredRules(issues: Issues, field: string, value: unknown, peerKey: "from" | "to"): { rule: DeclaredRule; cidrs: string[] }[] {
    return readList(issues, field, value).flatMap((item, i) => {
        const f = join(field, i);
        const raw = readObject(issues, f, item, ["name", "port", "protocol", peerKey]);
        if (!raw) return [];
        const nameOk = typeof raw.name === "string" && /^[a-z0-9][a-z0-9-]{0,31}$/.test(raw.name);
        if (!nameOk) issues.fail(`${f}.name`, raw.name, "must be a short lower-case name (a-z, 0-9, '-')");
        const portOk = checkPort(issues, `${f}.port`, raw.port);
        const protocol = readChoice(issues, `${f}.protocol`, raw.protocol ?? "tcp", ["tcp", "udp"] as const);
        const cidrs = peerKey === "from"
            ? readSources(issues, `${f}.from`, raw.from, `${String(raw.name)}`)
            : readDestinations(issues, `${f}.to`, raw.to);
        if (cidrs.length === 0) issues.fail(`${f}.${peerKey}`, raw[peerKey], "must list at least one CIDR");
        return nameOk && portOk && protocol ? [{ rule: { name: raw.name as string, port: raw.port as number, protocol }, cidrs }] : [];
    });
}

/** Opt-in: absent means no schedule. The mode is required: checking and repairing are different decisions. */
function readSchedule(issues: Issues, value: unknown): ScheduleSettings | undefined {
    if (value === undefined) return undefined;
    const raw = readObject(issues, "hardening.schedule", value, ["mode", "onCalendar"]);
    if (!raw) return undefined;
    const mode = readChoice(issues, "hardening.schedule.mode", raw.mode, scheduleModes);
    const onCalendar = raw.onCalendar ?? hostSchedule.defaultOnCalendar;
    return checkCalendar(issues, "hardening.schedule.onCalendar", onCalendar) && mode ? { mode, onCalendar } : undefined;
}

function readServices(issues: Issues, value: unknown): ServiceSettings {
    const raw = readObject(issues, "services", value, ["keep", "disable", "cronAllow", "allowDaemons"]) ?? {};
    const keep = readStrings(issues, "services.keep", raw.keep, checkUnitName);
    const disable = readStrings(issues, "services.disable", raw.disable, checkUnitName);
    disable.forEach((unit) => {
        const needed = protectedUnit(unit);
        if (needed) issues.fail("services.disable", unit, `is needed for ${needed.need} (the host must stay reachable, logged and protected) and is never disabled`);
        if (keep.includes(unit)) issues.fail("services.disable", unit, "is also listed in services.keep");
    });
    return {
        keep,
        disable,
        cronAllow: raw.cronAllow === undefined ? ["root"] : readStrings(issues, "services.cronAllow", raw.cronAllow, checkPosixName),
        allowDaemons: readStrings(issues, "services.allowDaemons", raw.allowDaemons, checkProcessName),
    };
}

