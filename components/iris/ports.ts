/**
 * What an instance's `iris.cpf` says it listens on and talks to, and how that compares with the profile.
 *
 * `readInstanceEndpoints` derives the endpoints; `reconcile` makes the profile's ports follow them, so
 * the security group and the host firewall open what the instance really uses; `auditCpf` lists every
 * disagreement for the host summary. Ports follow the instance (they are facts about it); features do
 * not (they are the profile's decision, which the merge file applies), so a feature the instance runs
 * against the profile is reported, never adopted. Mirroring is read and compared in mirror.ts.
 */
import { isIP } from "node:net";
import {
    irisCpf,
    irisCpfSections,
    irisEndpoints,
    irisWebServerReleases,
    products,
    type CpfLocation,
} from "../catalog";
import type { HostProfile, HostProfileInput, IrisSettings } from "../profile/model";
import { cidrContains, isLoopback } from "../cidr";
import { Issues } from "../validate";
import { getValue, parseCpf, sameName, type CpfDocument } from "./cpf";
import { compareMirror, readMirror, type MirrorEndpoints } from "./mirror";
import { releaseAtLeast } from "./release";
import { entries, label, nonEmpty, optional, readPort } from "./values";

/** `NAME=address,port` entries of [LicenseServers] and [ECPServers]. */
export interface NamedServer {
    readonly name: string;
    /** An IP address or a host name, as the CPF has it. */
    readonly address: string;
    readonly port: number;
}

export interface InstanceEndpoints {
    /** DefaultPort (the IRIS default where the file has none) and DefaultPortBindAddress (unset when empty). */
    readonly superserver: { readonly port: number; readonly bindAddress?: string };
    readonly webServer: WebServer;
    /** From [Gateways] `%JDBC Server` in versions that have it, else [SQL] JDBCGatewayPort; unset when neither exists. */
    readonly jdbcGateway?: { readonly port: number; readonly location: CpfLocation };
    /** Every [Gateways] entry (external language servers), the JDBC one included. */
    readonly gateways: readonly { readonly name: string; readonly type: string; readonly port: number }[];
    readonly licenseServers: readonly NamedServer[];
    readonly ecp: {
        /** [config] MaxServers: data servers this instance may connect to (unset where the file has none). */
        readonly dataServers?: number;
        /** [config] MaxServerConn: application servers this instance accepts. */
        readonly applicationServers?: number;
        /** [ECPServers]: the data servers this instance connects to. */
        readonly servers: readonly NamedServer[];
    };
    readonly mirror: MirrorEndpoints;
    readonly telnet?: { readonly port: number };
}

/**
 * What [Startup] WebServer and WebServerPort mean for the instance's release (catalog:
 * irisWebServerReleases): no web server (`WebServerPort=0`), the private one (running or not) on its
 * port, an external web server's port (2023.2+ `WebServer=0`), or unknown because the release is
 * undeclared (`release`) or a 2023.2+ file has no WebServer (`install`: new installs off, upgrades on).
 */
export type WebServer =
    | { readonly kind: "none" }
    /** `byDefault`: no WebServer, which up to 2023.1 means on. */
    | { readonly kind: "private"; readonly running: boolean; readonly port: number; readonly byDefault?: true }
    | { readonly kind: "external"; readonly port: number }
    | { readonly kind: "unknown"; readonly port: number; readonly unknown: "release" | "install"; readonly setting?: "0" };

/** A way the instance's configuration differs from the profile. */
export interface Deviation {
    /** The profile field concerned. */
    readonly field: string;
    readonly profile: unknown;
    readonly instance: unknown;
    readonly message: string;
}

/**
 * Reads the endpoints an `iris.cpf` configures. Throws `CpfSyntaxError` (with the line) for a file that
 * is not a CPF, `ProfileError` naming `[Section] key` and the value for a value that is not usable.
 * `release` is the IRIS release (`iris.version`), which decides how [Startup] WebServer reads.
 */
export function readInstanceEndpoints(cpfText: string, source = "iris.cpf", release?: string): InstanceEndpoints {
    const doc = parseCpf(cpfText, { source });
    const issues = new Issues();
    const text = (at: CpfLocation): string | undefined => nonEmpty(getValue(doc, at.section, at.key));
    const port = (at: CpfLocation): number | undefined => {
        const value = text(at);
        return value === undefined ? undefined : readPort(issues, label(at), value);
    };
    const count = (at: CpfLocation): number | undefined => {
        const value = text(at);
        if (value === undefined) return undefined;
        if (/^\d+$/.test(value)) return Number(value);
        issues.fail(label(at), value, "must be a whole number");
        return undefined;
    };

    const flag = (at: CpfLocation): boolean | undefined => {
        const value = text(at);
        if (value === undefined || value === "0" || value === "1") return value === undefined ? undefined : value === "1";
        issues.fail(label(at), value, "must be 0 or 1");
        return undefined;
    };

    // Read section by section so problems are listed roughly in file order.
    const superserver = {
        // IRIS uses its default for a parameter the file leaves out.
        port: port(irisEndpoints.superserver.cpf) ?? irisEndpoints.superserver.port,
        ...optional("bindAddress", text(irisCpf.superserverBindAddress)),
    };
    const webServer = readWebServer(text(irisEndpoints.webServer.cpf) === "0", flag(irisCpf.webServer), () => port(irisEndpoints.webServer.cpf) ?? irisEndpoints.webServer.port, release);
    const jdbcSql = port(irisEndpoints.jdbcGateway.cpf);
    const gateways = entries(doc, irisCpfSections.gateways).flatMap(({ key, value }) => {
        const [type, portText = ""] = value.split(",");
        const p = readPort(issues, `[${irisCpfSections.gateways}] ${key}`, portText);
        return p === undefined ? [] : [{ name: key, type, port: p }];
    });
    const jdbcDefinition = gateways.find((g) => sameName(g.name, irisCpf.jdbcGateway.key));
    const licenseServers = namedServers(doc, irisCpfSections.licenseServers, issues, { pairs: true });
    const ecp = {
        ...optional("dataServers", count(irisCpf.ecpDataServers)),
        ...optional("applicationServers", count(irisCpf.ecpApplicationServers)),
        servers: namedServers(doc, irisCpfSections.ecpServers, issues),
    };
    const mirror = readMirror(doc, issues);
    const telnetPort = port(irisEndpoints.telnet.cpf);

    const endpoints: InstanceEndpoints = {
        superserver,
        webServer,
        ...optional("jdbcGateway", jdbcDefinition
            ? { port: jdbcDefinition.port, location: irisCpf.jdbcGateway }
            : jdbcSql === undefined ? undefined : { port: jdbcSql, location: irisEndpoints.jdbcGateway.cpf }),
        gateways,
        licenseServers,
        ecp,
        mirror,
        ...optional("telnet", telnetPort === undefined ? undefined : { port: telnetPort }),
    };
    issues.throwIfAny(source);
    return endpoints;
}

function readWebServer(portZero: boolean, setting: boolean | undefined, port: () => number, release: string | undefined): WebServer {
    // The CPF reference: WebServerPort=0 means no web server, whatever WebServer says.
    if (portZero) return { kind: "none" };
    const p = port();
    if (setting === true) return { kind: "private", running: true, port: p };
    if (release === undefined) return { kind: "unknown", port: p, unknown: "release", ...(setting === false ? { setting: "0" as const } : {}) };
    const current = releaseAtLeast(release, irisWebServerReleases.externalSince);
    if (setting === false) return current ? { kind: "external", port: p } : { kind: "private", running: false, port: p };
    return current ? { kind: "unknown", port: p, unknown: "install" } : { kind: "private", running: true, port: p, byDefault: true };
}

/**
 * The profile with `iris.ports` following the instance, as input to validate again (`validateProfile`,
 * which every component runs: an instance port may collide with another port of the profile), and
 * the deviations of the instance from the profile as it was given.
 */
export function reconcile(profile: HostProfile, cpfText: string, source = "iris.cpf"): { input: HostProfileInput; deviations: Deviation[] } {
    const iris = irisInstanceOf(profile);
    const e = readInstanceEndpoints(cpfText, source, iris.version);
    // The profile has one license server port; it follows the instance only where the instance's remote servers agree on one.
    const licensePorts = new Set(remoteServers(e.licenseServers).map((s) => s.port));
    const ports = {
        ...iris.ports,
        superserver: e.superserver.port,
        // Only the private web server's port is the profile's: an external one's is not, and an unknown one may not be.
        webServer: e.webServer.kind === "private" ? e.webServer.port : iris.ports.webServer,
        jdbcGateway: e.jdbcGateway?.port ?? iris.ports.jdbcGateway,
        licenseServer: licensePorts.size === 1 ? [...licensePorts][0] : iris.ports.licenseServer,
    };
    return {
        input: { ...profile, iris: { ...iris, ports } },
        deviations: compare(profile, iris, e),
    };
}

/** How the instance configured by `cpfText` deviates from the profile; empty when it matches. */
export function auditCpf(profile: HostProfile, cpfText: string, source = "iris.cpf"): Deviation[] {
    const iris = irisInstanceOf(profile);
    return compare(profile, iris, readInstanceEndpoints(cpfText, source, iris.version));
}

/** The IRIS settings of a profile whose host runs an IRIS instance; `ProfileError` for any other profile. */
export function irisInstanceOf(profile: HostProfile): IrisSettings {
    const issues = new Issues();
    if (!profile.iris) issues.fail("product", profile.product, `an IRIS instance configuration applies to ${products.iris.displayName} profiles only`);
    else if (!profile.roles.includes("database")) issues.fail("roles", profile.roles, "an IRIS instance runs on hosts with the database role");
    issues.throwIfAny(`profile ${profile.name}`);
    return profile.iris!;
}

function compare(profile: HostProfile, iris: IrisSettings, e: InstanceEndpoints): Deviation[] {
    const { ports, features } = iris;
    const n = profile.network;
    const out: Deviation[] = [];
    const deviate = (field: string, p: unknown, instance: unknown, message: string) => out.push({ field, profile: p, instance, message });
    /** `opened`: the profile opens this port to peers, so a different instance port is unreachable or exposed wrongly. */
    const portDiffers = (field: string, profilePort: number, instancePort: number, what: string, where: string, opened: boolean) => {
        if (profilePort === instancePort) return;
        const effect = opened ? ": the firewall opens the profile's port, not the instance's" : "";
        deviate(field, profilePort, instancePort, `${what} is on port ${instancePort} (${where}), the profile has ${profilePort}${effect}`);
    };
    /** A peer the instance talks to must be in the profile list the firewall rules are made from. */
    const peerListed = (field: keyof typeof n, address: string, instance: string, what: string) => {
        const list = n[field] as readonly string[];
        if (isIP(address) === 0) deviate(`network.${field}`, list, instance, `${what} is named by host (${address}); the firewall needs its address in network.${field}`);
        else if (!list.some((cidr) => cidrContains(cidr, address))) deviate(`network.${field}`, list, instance, `${what} ${address} is not in network.${field}: the firewall blocks it`);
    };

    portDiffers("iris.ports.superserver", ports.superserver, e.superserver.port, "the superserver", label(irisEndpoints.superserver.cpf), true);
    if (iris.superserverBindAddress !== undefined && e.superserver.bindAddress !== iris.superserverBindAddress) {
        deviate("iris.superserverBindAddress", iris.superserverBindAddress, e.superserver.bindAddress ?? "", `the superserver binds to ${e.superserver.bindAddress ?? "every address"} (${label(irisCpf.superserverBindAddress)}), the profile binds it to ${iris.superserverBindAddress}`);
    }

    compareWebServer(iris, n.ingress, e.webServer, deviate, portDiffers);

    // Only a gateway the profile uses has its port written by the merge file and opened, so only its port is compared.
    if (features.jdbcGateway) {
        if (e.jdbcGateway) portDiffers("iris.ports.jdbcGateway", ports.jdbcGateway, e.jdbcGateway.port, "the JDBC gateway", label(e.jdbcGateway.location), true);
        else deviate("iris.features.jdbcGateway", true, undefined, `the instance defines no JDBC gateway (${label(irisCpf.jdbcGateway)})`);
    }

    for (const s of remoteServers(e.licenseServers)) {
        const entry = entryText(irisCpfSections.licenseServers, s);
        peerListed("licenseServers", s.address, entry, "license server");
        portDiffers("iris.ports.licenseServer", ports.licenseServer, s.port, `license server ${s.name}`, `[${irisCpfSections.licenseServers}] ${s.name}`, true);
    }
    for (const cidr of n.licenseServers) {
        const [address, prefix] = cidr.split("/");
        const oneHost = Number(prefix) === (isIP(address) === 4 ? 32 : 128);
        if (oneHost && !e.licenseServers.some((s) => isIP(s.address) !== 0 && cidrContains(cidr, s.address))) {
            deviate("network.licenseServers", cidr, undefined, `the instance has no [${irisCpfSections.licenseServers}] entry for ${address}; the merge file adds it`);
        }
    }

    if (!features.ecp) {
        if ((e.ecp.dataServers ?? 0) > 0) {
            deviate("iris.features.ecp", false, `${label(irisCpf.ecpDataServers)}=${e.ecp.dataServers}`, "the instance may connect to ECP data servers but the profile does not use ECP; the merge file sets it to 0");
        }
        if ((e.ecp.applicationServers ?? 0) > 0) {
            deviate("iris.features.ecp", false, `${label(irisCpf.ecpApplicationServers)}=${e.ecp.applicationServers}`, "the instance accepts ECP application servers but the profile does not use ECP; the merge file sets it to 0");
        }
        for (const s of e.ecp.servers) {
            deviate("iris.features.ecp", false, entryText(irisCpfSections.ecpServers, s), `the instance defines ECP data server ${s.name} but the profile does not use ECP: the firewall blocks it`);
        }
    } else {
        if (n.ecpClients.length > 0 && e.ecp.applicationServers === 0) {
            deviate("network.ecpClients", n.ecpClients, `${label(irisCpf.ecpApplicationServers)}=0`, "the profile lists ECP application servers but the instance accepts none");
        }
        if (n.ecpDataServers.length > 0 && e.ecp.dataServers === 0) {
            deviate("network.ecpDataServers", n.ecpDataServers, `${label(irisCpf.ecpDataServers)}=0`, "the profile lists ECP data servers but the instance connects to none");
        }
        for (const s of e.ecp.servers) {
            const entry = entryText(irisCpfSections.ecpServers, s);
            peerListed("ecpDataServers", s.address, entry, `ECP data server ${s.name}`);
            if (s.port !== ports.superserver) {
                deviate("network.ecpDataServers", n.ecpDataServers, entry, `ECP data server ${s.name} is on port ${s.port}; the firewall allows ECP to data servers on iris.ports.superserver ${ports.superserver} only`);
            }
        }
    }

    compareMirror(profile, iris, e.mirror, deviate, peerListed);
    return out;
}

type Deviate = (field: string, profile: unknown, instance: unknown, message: string) => void;
type PortDiffers = (field: string, profilePort: number, instancePort: number, what: string, where: string, opened: boolean) => void;

function compareWebServer(iris: IrisSettings, ingress: HostProfile["network"]["ingress"], w: WebServer, deviate: Deviate, portDiffers: PortDiffers): void {
    const wanted = iris.features.privateWebServer;
    const setting = label(irisCpf.webServer);
    const portAt = label(irisEndpoints.webServer.cpf);
    if (w.kind === "none") {
        if (wanted) deviate("iris.features.privateWebServer", true, `${portAt}=0`, `the instance has no web server (${portAt}=0) but the profile uses the private one`);
        return;
    }
    if (w.kind === "private") {
        if (w.running !== wanted) {
            deviate("iris.features.privateWebServer", wanted, w.running, w.running
                ? `the private web server runs (${w.byDefault ? `no ${setting}: on up to IRIS ${irisWebServerReleases.defaultOnUntil}` : `${setting}=1`}) but the profile has it off: the firewall keeps its port closed and the merge file turns it off`
                : `the private web server is off (${setting}=0) but the profile uses it`);
        }
        portDiffers("iris.ports.webServer", iris.ports.webServer, w.port, "the private web server", portAt, wanted);
        return;
    }
    if (w.kind === "external") {
        // Its port is the external web server's: the merge file leaves it, and it is not iris.ports.webServer.
        const instance = `${setting}=0, ${portAt}=${w.port}`;
        if (wanted) deviate("iris.features.privateWebServer", true, instance, `the instance uses an external web server on port ${w.port} (IRIS ${iris.version}: ${setting}=0 with a port), not the private one the profile uses`);
        // The private web server's port that turning it off leaves behind (iris.ports.webServer) is not taken for an external one.
        else if (w.port !== iris.ports.webServer && !ingress.some((r) => r.port === w.port && r.protocol === "tcp")) {
            deviate("network.ingress", ingress, instance, `the instance uses an external web server on port ${w.port} (IRIS ${iris.version}: ${setting}=0 with a port); if it runs on this host, declare it in network.ingress: the firewall opens no port for it`);
        }
        return;
    }
    const instance = w.setting === undefined ? `no ${setting}, ${portAt}=${w.port}` : `${setting}=0, ${portAt}=${w.port}`;
    if (w.unknown === "install") {
        deviate("iris.features.privateWebServer", wanted, instance, `whether the private web server runs cannot be known from this CPF: IRIS ${iris.version} without ${setting} is off on a new install, on after an upgrade; the merge file sets it`);
    } else {
        deviate("iris.version", undefined, instance, w.setting === undefined
            ? `whether the private web server runs depends on the IRIS release (no ${setting}: on up to ${irisWebServerReleases.defaultOnUntil}, not known from ${irisWebServerReleases.externalSince}); declare iris.version`
            : `port ${w.port} is the private web server's (off) up to IRIS ${irisWebServerReleases.defaultOnUntil}, an external web server's from ${irisWebServerReleases.externalSince}; declare iris.version`);
    }
}

/** Servers reached over the network: loopback entries (the LOCAL license server) never cross a firewall. */
function remoteServers(servers: readonly NamedServer[]): NamedServer[] {
    return servers.filter((s) => isIP(s.address) === 0 || !isLoopback(s.address));
}

/**
 * `NAME=address,port[,...]` entries. License server entries may list several servers as
 * `addr1,port1;addr2,port2` (the CPF reference); each becomes a server of that name.
 */
function namedServers(doc: CpfDocument, section: string, issues: Issues, options: { pairs?: boolean } = {}): NamedServer[] {
    return entries(doc, section).flatMap(({ key, value }) => (options.pairs ? value.split(";") : [value]).flatMap((pair) => {
        const [address = "", portText = ""] = pair.split(",");
        const field = `[${section}] ${key}`;
        if (address === "") issues.fail(field, value, "must start with the server's address");
        const port = readPort(issues, field, portText);
        return address !== "" && port !== undefined ? [{ name: key, address, port }] : [];
    }));
}

function entryText(section: string, s: NamedServer): string {
    return `[${section}] ${s.name}=${s.address},${s.port}`;
}
