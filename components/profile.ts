/**
 * The hardening profile: everything the module needs to know about one database host.
 *
 * The same shape is read from a YAML file (`parseProfile`), from stack config
 * (`Pulumi.<stack>.yaml`, see index.ts) or built in code (`validateProfile`). Validation fills
 * the defaults from the catalog and reports every problem with its field and value, before any
 * resource is registered or any command runs.
 */
import * as YAML from "yaml";
import {
    configurableIrisPorts,
    essentialUnitNames,
    irisEndpoints,
    osEndpoints,
    productIds,
    products,
    yottadbRestrictFacilities,
    type ConfigurableIrisPort,
    type ProductId,
    type Protocol,
    type YottadbRestrictFacility,
} from "./catalog";
import { coversWorld, type Cidr } from "./cidr";
import {
    checkAbsolutePath,
    checkCidr,
    checkHostLabel,
    checkIpAddress,
    checkPort,
    checkPosixName,
    checkProcessName,
    checkUnitName,
    Issues,
    ProfileError,
} from "./validate";

export const environments = ["production", "staging", "development"] as const;
export type Environment = (typeof environments)[number];

/**
 * What a host is: an IRIS `database` instance, the IRIS `license-server` (licmanager), a mirror
 * `arbiter` (ISCAgent only). GT.M and YottaDB hosts are always `database`.
 */
export const roles = ["database", "license-server", "arbiter"] as const;
export type Role = (typeof roles)[number];

/** IRIS features that open ports or start processes when used. */
export const irisFeatures = ["ecp", "privateWebServer", "jdbcGateway", "monitor", "mirror"] as const;
export type IrisFeature = (typeof irisFeatures)[number];

export interface IrisSettings {
    /** Instance name, as `iris list` shows it. */
    readonly instance: string;
    /** Installation directory (its `iris.cpf` holds the real ports). */
    readonly installDir: string;
    /** Features in use; each defaults to off. */
    readonly features: Readonly<Record<IrisFeature, boolean>>;
    /** Ports the instance uses; each defaults to the catalog value. */
    readonly ports: Readonly<Record<ConfigurableIrisPort, number>>;
    /** One local address the superserver binds to (`[Startup] DefaultPortBindAddress`); unset: the instance's own setting. */
    readonly superserverBindAddress?: string;
}

export interface DistributionSettings {
    /** `$gtm_dist` / `$ydb_dist`: the directory restricted to the group. */
    readonly path: string;
    /** Group allowed to run the database (`gtmusers` / `yottadbusers` by default). */
    readonly group: string;
    /** Users added to the group. */
    readonly members: readonly string[];
    /** `$gtm_tmp`/`$ydb_tmp` pinned for gtmsecshr. */
    readonly tmpDir: string;
    /** `$gtm_log`/`$ydb_log` pinned for gtmsecshr. */
    readonly logDir: string;
    /** YottaDB restrict.txt: facility → group allowed to use it (empty: no file written). */
    readonly restrict: Readonly<Partial<Record<YottadbRestrictFacility, string>>>;
}

export interface DatabaseFiles {
    /** Database files whose ownership is checked and reported. */
    readonly files: readonly string[];
    /** Configuration databases that do not change in normal operation: made read-only for everyone. */
    readonly readOnly: readonly string[];
}

interface DeclaredRule {
    /** Short name used in rule descriptions. */
    readonly name: string;
    readonly port: number;
    readonly protocol: Protocol;
}

/** An application endpoint on this host, reachable from `from`. */
export interface IngressRule extends DeclaredRule {
    readonly from: readonly string[];
}

/** Outbound traffic to `to`. */
export interface EgressRule extends DeclaredRule {
    readonly to: readonly string[];
}

export interface NetworkSettings {
    readonly sshPort: number;
    /** Who may SSH in (and reach the private web server where it is allowed). */
    readonly adminCidrs: readonly string[];
    /** Application clients of the IRIS superserver. */
    readonly appClients: readonly string[];
    /** ECP application servers that connect to this data server (needs `features.ecp`). */
    readonly ecpClients: readonly string[];
    /** ECP data servers this host connects to as an ECP application server (needs `features.ecp`). */
    readonly ecpDataServers: readonly string[];
    /** License servers this instance uses (UDP to them, their TCP query callback back). */
    readonly licenseServers: readonly string[];
    /** Instances served by this host when it has the `license-server` role. */
    readonly licenseClients: readonly string[];
    /** Other mirror members (needs `features.mirror`, or the `arbiter` role). */
    readonly mirrorMembers: readonly string[];
    /** The mirror arbiter, reached on its ISCAgent port. */
    readonly arbiter: readonly string[];
    /** Explicit off-host clients of the JDBC gateway; without them it stays on-host. */
    readonly jdbcClients: readonly string[];
    /** SNMP managers that poll the monitor service and receive its traps (needs `features.monitor`). */
    readonly snmpManagers: readonly string[];
    /** Application endpoints on this host beyond the catalog's. */
    readonly ingress: readonly IngressRule[];
    /** Outbound traffic the host needs beyond its peers (default: none; see README). */
    readonly egress: readonly EgressRule[];
}

export interface ServiceSettings {
    /** Optional units to leave running (e.g. `apache2.service` serving the Web Gateway). */
    readonly keep: readonly string[];
    /** Extra units to stop, disable and mask. */
    readonly disable: readonly string[];
    /** Users allowed to use cron (written to cron.allow; default: root only). */
    readonly cronAllow: readonly string[];
    /** Process names (as `ps` shows them) the daemon audit accepts beyond the catalog's list. */
    readonly allowDaemons: readonly string[];
}

export interface HardeningSwitches {
    /** Host firewall (nftables). */
    readonly firewall: boolean;
    /** Stop, disable and mask optional daemons. */
    readonly services: boolean;
    /** Restrict the GT.M/YottaDB distribution to its group. */
    readonly distribution: boolean;
    /** Apply the IRIS configuration merge file with `iris merge` (IRIS database hosts). */
    readonly irisConfig: boolean;
}

export interface HostProfile {
    readonly name: string;
    readonly product: ProductId;
    readonly environment: Environment;
    readonly roles: readonly Role[];
    /** IRIS only. */
    readonly iris?: IrisSettings;
    /** GT.M and YottaDB only. */
    readonly distribution?: DistributionSettings;
    readonly databases: DatabaseFiles;
    readonly network: NetworkSettings;
    readonly services: ServiceSettings;
    readonly hardening: HardeningSwitches;
}

/** Deeply optional input form; `validateProfile` turns it into a `HostProfile`. */
export type HostProfileInput = DeepPartialInput<HostProfile>;
type DeepPartialInput<T> = T extends readonly (infer U)[]
    ? readonly DeepPartialInput<U>[]
    : T extends object
      ? { readonly [K in keyof T]?: DeepPartialInput<T[K]> }
      : T;

/** Parses a YAML profile document and validates it. */
export function parseProfile(text: string, source = "profile"): HostProfile {
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

type Raw = Record<string, unknown>;

/** Checks that `value` is a mapping with only the `allowed` keys; returns it or undefined. */
function readObject(issues: Issues, field: string, value: unknown, allowed: readonly string[]): Raw | undefined {
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) {
        issues.fail(field, value, "must be a mapping");
        return undefined;
    }
    for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) issues.fail(join(field, key), key, `unknown field; expected one of: ${allowed.join(", ")}`);
    }
    return value as Raw;
}

function readList(issues: Issues, field: string, value: unknown): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
        issues.fail(field, value, "must be a list");
        return [];
    }
    return value;
}

function readBoolean(issues: Issues, field: string, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value === "boolean") return value;
    issues.fail(field, value, "must be true or false");
    return fallback;
}

function readChoice<T extends string>(issues: Issues, field: string, value: unknown, choices: readonly T[]): T | undefined {
    if ((choices as readonly unknown[]).includes(value)) return value as T;
    issues.fail(field, value, value === undefined ? `is required; one of: ${choices.join(", ")}` : `must be one of: ${choices.join(", ")}`);
    return undefined;
}

function join(parent: string, key: string | number): string {
    if (typeof key === "number") return `${parent}[${key}]`;
    return parent ? `${parent}.${key}` : key;
}

function readStrings(
    issues: Issues,
    field: string,
    value: unknown,
    check: (issues: Issues, field: string, v: unknown) => boolean,
): string[] {
    const out: string[] = [];
    readList(issues, field, value).forEach((item, i) => {
        if (check(issues, join(field, i), item)) out.push(item as string);
    });
    return out;
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
function readLicenseServers(issues: Issues, value: unknown): string[] {
    return readStrings(issues, "network.licenseServers", value, (iss, f, v) => {
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
 * Validates a profile given as data (from YAML, stack config or code) and fills in defaults.
 * Throws `ProfileError` listing every problem.
 */
export function validateProfile(input: unknown, source = "profile"): HostProfile {
    const issues = new Issues();
    const raw = readObject(issues, "", input, ["name", "product", "environment", "roles", "iris", "distribution", "databases", "network", "services", "hardening"]);
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
    const hardeningRaw = readObject(issues, "hardening", top.hardening, ["firewall", "services", "distribution", "irisConfig"]) ?? {};
    const runsIrisInstance = product === "iris" && hostRoles.includes("database");
    const hardening: HardeningSwitches = {
        firewall: readBoolean(issues, "hardening.firewall", hardeningRaw.firewall, true),
        services: readBoolean(issues, "hardening.services", hardeningRaw.services, true),
        distribution: readBoolean(issues, "hardening.distribution", hardeningRaw.distribution, product !== "iris"),
        irisConfig: readBoolean(issues, "hardening.irisConfig", hardeningRaw.irisConfig, runsIrisInstance),
    };
    if (hardening.irisConfig && !runsIrisInstance) {
        issues.fail("hardening.irisConfig", true, "applies to IRIS hosts with the database role (they run the instance)");
    }
    if (product === "iris" && hardening.distribution) {
        issues.fail("hardening.distribution", true, "distribution restriction applies to GT.M and YottaDB only");
    }

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
    };
    checkConsistency(issues, profile);
    checkPortCollisions(issues, profile);
    issues.throwIfAny(source);
    return profile;
}

function readIris(issues: Issues, value: unknown): IrisSettings {
    const raw = readObject(issues, "iris", value, ["instance", "installDir", "features", "ports", "superserverBindAddress"]) ?? {};
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
    return {
        instance: instance as string,
        installDir: installDir as string,
        features: features as IrisSettings["features"],
        ports: ports as IrisSettings["ports"],
        ...(typeof bind === "string" ? { superserverBindAddress: bind } : {}),
    };
}

function readDistribution(issues: Issues, value: unknown, product: "gtm" | "yottadb"): DistributionSettings | undefined {
    const facts = products[product];
    if (value === undefined) {
        issues.fail("distribution", value, `is required for ${facts.displayName}: at least distribution.path ($${facts.distVar})`);
        return undefined;
    }
    const raw = readObject(issues, "distribution", value, ["path", "group", "members", "tmpDir", "logDir", "restrict"]) ?? {};
    const path = raw.path;
    checkAbsolutePath(issues, "distribution.path", path);
    const group = raw.group ?? facts.defaultGroup;
    if (checkPosixName(issues, "distribution.group", group) && (facts.refusedGroups as readonly string[]).includes(group)) {
        issues.fail("distribution.group", group, `${facts.displayName} refuses ${facts.refusedGroups.join("/")} as the restriction group: everyone with that group would keep access`);
    }
    const members = readStrings(issues, "distribution.members", raw.members, checkPosixName);
    const tmpDir = raw.tmpDir ?? `${facts.fallbackTmpDir}`;
    const logDir = raw.logDir ?? tmpDir;
    checkAbsolutePath(issues, "distribution.tmpDir", tmpDir);
    if (raw.logDir !== undefined) checkAbsolutePath(issues, "distribution.logDir", logDir);
    const restrictRaw = readObject(issues, "distribution.restrict", raw.restrict, yottadbRestrictFacilities) ?? {};
    if (product !== "yottadb" && Object.keys(restrictRaw).length > 0) {
        issues.fail("distribution.restrict", raw.restrict, "restrict.txt is a YottaDB facility; GT.M has none");
    }
    const restrict: Partial<Record<YottadbRestrictFacility, string>> = {};
    for (const [facility, grp] of Object.entries(restrictRaw)) {
        if (checkPosixName(issues, `distribution.restrict.${facility}`, grp)) restrict[facility as YottadbRestrictFacility] = grp;
    }
    return { path: path as string, group: group as string, members, tmpDir: tmpDir as string, logDir: logDir as string, restrict };
}

const networkKeys = [
    "sshPort", "adminCidrs", "appClients", "ecpClients", "ecpDataServers", "licenseServers", "licenseClients",
    "mirrorMembers", "arbiter", "jdbcClients", "snmpManagers", "ingress", "egress",
] as const;

function readNetwork(issues: Issues, value: unknown): NetworkSettings {
    const raw = readObject(issues, "network", value, networkKeys) ?? {};
    const sshPort = raw.sshPort ?? osEndpoints.ssh.port;
    const arbiter = typeof raw.arbiter === "string" ? [raw.arbiter] : raw.arbiter;
    return {
        sshPort: checkPort(issues, "network.sshPort", sshPort) ? sshPort : osEndpoints.ssh.port,
        adminCidrs: readSources(issues, "network.adminCidrs", raw.adminCidrs, "SSH"),
        appClients: readSources(issues, "network.appClients", raw.appClients, "the superserver"),
        ecpClients: readSources(issues, "network.ecpClients", raw.ecpClients, "ECP"),
        ecpDataServers: readDestinations(issues, "network.ecpDataServers", raw.ecpDataServers),
        licenseServers: readLicenseServers(issues, raw.licenseServers),
        licenseClients: readSources(issues, "network.licenseClients", raw.licenseClients, "the license server"),
        mirrorMembers: readSources(issues, "network.mirrorMembers", raw.mirrorMembers, "mirroring"),
        arbiter: readDestinations(issues, "network.arbiter", arbiter),
        jdbcClients: readSources(issues, "network.jdbcClients", raw.jdbcClients, "the JDBC gateway"),
        snmpManagers: readSources(issues, "network.snmpManagers", raw.snmpManagers, "SNMP"),
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

function readServices(issues: Issues, value: unknown): ServiceSettings {
    const raw = readObject(issues, "services", value, ["keep", "disable", "cronAllow", "allowDaemons"]) ?? {};
    const keep = readStrings(issues, "services.keep", raw.keep, checkUnitName);
    const disable = readStrings(issues, "services.disable", raw.disable, checkUnitName);
    disable.forEach((unit) => {
        if (essentialUnitNames.has(unit)) issues.fail("services.disable", unit, "is an essential service (syslog, cron, network or sshd) and is never disabled");
        if (keep.includes(unit)) issues.fail("services.disable", unit, "is also listed in services.keep");
    });
    return {
        keep,
        disable,
        cronAllow: raw.cronAllow === undefined ? ["root"] : readStrings(issues, "services.cronAllow", raw.cronAllow, checkPosixName),
        allowDaemons: readStrings(issues, "services.allowDaemons", raw.allowDaemons, checkProcessName),
    };
}

/** Cross-field rules: a peer list only makes sense with the feature or role that uses it. */
function checkConsistency(issues: Issues, p: HostProfile): void {
    const n = p.network;
    const has = (role: Role) => p.roles.includes(role);
    const requires = (field: keyof NetworkSettings, ok: boolean, why: string) => {
        const list = n[field] as readonly unknown[];
        if (list.length > 0 && !ok) issues.fail(`network.${field}`, list, why);
    };
    if (p.product !== "iris") {
        for (const field of ["appClients", "ecpClients", "ecpDataServers", "licenseServers", "licenseClients", "mirrorMembers", "arbiter", "jdbcClients", "snmpManagers"] as const) {
            requires(field, false, `is an IRIS setting; ${products[p.product].displayName} has no network listener of its own — declare the application's listener in network.ingress`);
        }
        return;
    }
    const f = p.iris!.features;
    if (f.privateWebServer && p.environment === "production") {
        issues.fail("iris.features.privateWebServer", true, "the private web server is for development and must not run in production (environment: production); serve the Management Portal through a Web Gateway");
    }
    requires("appClients", has("database"), "superserver clients need the database role");
    requires("ecpClients", has("database") && f.ecp, "ECP clients need iris.features.ecp: true");
    requires("ecpDataServers", has("database") && f.ecp, "ECP data servers need iris.features.ecp: true");
    requires("licenseServers", has("database"), "license servers are used by the database role");
    requires("jdbcClients", has("database") && f.jdbcGateway, "JDBC clients need iris.features.jdbcGateway: true");
    requires("snmpManagers", f.monitor, "SNMP managers need iris.features.monitor: true");
    requires("mirrorMembers", f.mirror || has("arbiter"), "mirror members need iris.features.mirror: true or the arbiter role");
    requires("arbiter", f.mirror && has("database"), "an arbiter is used by mirrored database hosts (iris.features.mirror: true)");
    if (has("license-server") && n.licenseClients.length === 0) {
        issues.fail("network.licenseClients", n.licenseClients, "a license server needs the instances it serves");
    }
    requires("licenseClients", has("license-server"), "license clients are served by the license-server role");
    if ((f.mirror || has("arbiter")) && n.mirrorMembers.length === 0) {
        issues.fail("network.mirrorMembers", n.mirrorMembers, "mirroring needs the other members' addresses");
    }
    if (f.ecp && !has("database")) issues.fail("iris.features.ecp", true, "ECP is served by the database role");
}

/** Every port the profile configures on the host, used or not, with what it belongs to. */
function configuredPorts(p: HostProfile): { name: string; port: number; protocol: Protocol }[] {
    const out: { name: string; port: number; protocol: Protocol }[] = [{ name: "ssh", port: p.network.sshPort, protocol: "tcp" }];
    if (p.iris) {
        const ports = p.iris.ports;
        // All configured IRIS ports count, used or not: the instance's configuration holds them all.
        out.push(
            { name: "superserver", port: ports.superserver, protocol: "tcp" },
            { name: "webServer", port: ports.webServer, protocol: "tcp" },
            { name: "jdbcGateway", port: ports.jdbcGateway, protocol: "tcp" },
            { name: "iscAgent", port: ports.iscAgent, protocol: "tcp" },
            { name: "licenseQueryCallback", port: ports.licenseServer, protocol: "tcp" },
        );
        if (p.roles.includes("license-server")) out.push({ name: "licenseServer", port: ports.licenseServer, protocol: "udp" });
        if (p.iris.features.monitor) out.push({ name: "snmp", port: irisEndpoints.snmp.port, protocol: "udp" }, { name: "agentx", port: irisEndpoints.agentx.port, protocol: "tcp" });
    }
    for (const rule of p.network.ingress) out.push({ name: `ingress ${rule.name}`, port: rule.port, protocol: rule.protocol });
    return out;
}

function checkPortCollisions(issues: Issues, p: HostProfile): void {
    const seen = new Map<string, string>();
    for (const l of configuredPorts(p)) {
        const key = `${l.port}/${l.protocol}`;
        const other = seen.get(key);
        if (other) issues.fail(portField(l.name), l.port, `port collision: ${other} and ${l.name} both use ${key}`);
        else seen.set(key, l.name);
    }
}

function portField(listener: string): string {
    if (listener === "ssh") return "network.sshPort";
    if (listener.startsWith("ingress ")) return `network.ingress (${listener.slice(8)}).port`;
    if (listener === "licenseQueryCallback") return "iris.ports.licenseServer";
    if ((configurableIrisPorts as readonly string[]).includes(listener)) return `iris.ports.${listener}`;
    return listener;
}
