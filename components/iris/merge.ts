/**
 * The IRIS configuration merge file a host's profile asks for: what `iris merge <instance> <file>`
 * applies so the instance runs only what the profile uses (the IRIS document's advice) and listens
 * where the security group and the host firewall expect it.
 *
 * Settings the profile does not decide are left out, so the merge keeps the instance's own values
 * for them. The text is a pure function of the profile: the host script compares it with the copy
 * it applied last and merges only when it changed.
 */
import {
    configurableIrisPorts,
    irisCpf,
    irisCpfSections,
    irisEndpointServers,
    irisEndpoints,
    irisFeatureServices,
    irisFeatures,
    irisJdbcGatewayDefinition,
    irisLockdown,
    irisModifyService,
    irisModifyUser,
    irisServices,
    irisWebServerReleases,
    type ConfigurableIrisPort,
    type CpfLocation,
    type IrisEndpointId,
    type IrisService,
    type Protocol,
} from "../catalog";
import type { HostProfile, IrisSettings } from "../profile/model";
import { irisInstanceOf } from "./ports";
import { releaseAtLeast } from "./release";

/** A part of the "Locked Down" level that no merge action expresses (catalog `irisLockdown.byHand`). */
export type ByHandFinding = (typeof irisLockdown.byHand)[number];

/** What is left to do by hand on the instance of a profile: the Locked Down settings a merge file cannot set (none without `iris.lockdown`). */
export function byHandFindings(profile: HostProfile): readonly ByHandFinding[] {
    return irisInstanceOf(profile).lockdown ? irisLockdown.byHand : [];
}

/** One finding as the merge file's comments and `mdb-hardening audit-cpf` write it. */
export function formatByHand(f: ByHandFinding): string {
    return `${f.setting}: ${f.why} (source: ${f.source})`;
}

/** Renders the merge file; throws `ProfileError` naming the field when the profile cannot give one. */
export function renderMergeFile(profile: HostProfile): string {
    const iris = irisInstanceOf(profile);
    const licenseServers = licenseServerAddresses(profile);
    const { ports, features } = iris;

    // Lines are collected with their section and written grouped by section, in order of first use.
    const lines: { section: string; text: string }[] = [];
    const note = (section: string, text: string) => lines.push({ section, text: `; ${text}` });
    const set = (at: CpfLocation, value: string | number) => lines.push({ section: at.section, text: `${at.key}=${value}` });

    note(irisEndpoints.superserver.cpf.section, "Superserver port: iris.ports.superserver");
    set(irisEndpoints.superserver.cpf, ports.superserver);
    if (iris.superserverBindAddress !== undefined) {
        note(irisCpf.superserverBindAddress.section, "Superserver bound to one address: iris.superserverBindAddress");
        set(irisCpf.superserverBindAddress, iris.superserverBindAddress);
    }
    const webServerPort = webServerPortOwner(iris);
    note(irisCpf.webServer.section, features.privateWebServer
        ? "Private web server on (iris.features.privateWebServer; never in production), port iris.ports.webServer"
        : webServerPort === "private"
          ? "Private web server off (iris.features.privateWebServer); its port stays configured: iris.ports.webServer"
          : webServerPort === "external"
            ? `Private web server off (iris.features.privateWebServer); on IRIS ${iris.version} (iris.version) WebServerPort is an external web server's, left as it is`
            : `Private web server off (iris.features.privateWebServer); WebServerPort left as it is: iris.version is not declared, and from IRIS ${irisWebServerReleases.externalSince} it may be an external web server's`);
    set(irisCpf.webServer, features.privateWebServer ? 1 : 0);
    if (webServerPort === "private") set(irisEndpoints.webServer.cpf, ports.webServer);
    // With ECP in use the connection limits are a sizing decision the profile does not hold.
    if (!features.ecp) {
        note(irisCpf.ecpDataServers.section, "ECP not used (iris.features.ecp): no connections to data servers, none accepted from application servers");
        set(irisCpf.ecpDataServers, 0);
        set(irisCpf.ecpApplicationServers, 0);
    }
    // Rewriting a gateway definition resets its other fields to their defaults, so only a gateway the profile uses is written.
    if (features.jdbcGateway) {
        note(irisCpf.jdbcGateway.section, "JDBC gateway port: iris.ports.jdbcGateway (the other fields take their defaults)");
        set(irisCpf.jdbcGateway, `${irisJdbcGatewayDefinition.type},${ports.jdbcGateway},${irisJdbcGatewayDefinition.resource}`);
    }
    if (licenseServers.length > 0) note(irisCpfSections.licenseServers, "License servers: network.licenseServers, port iris.ports.licenseServer");
    for (const address of licenseServers) set({ section: irisCpfSections.licenseServers, key: licenseServerName(address) }, `${address},${ports.licenseServer}`);

    const lockdown = iris.lockdown ? irisLockdown : undefined;
    const services = serviceSwitches(profile);
    note(irisCpfSections.actions, "Services on for the features the profile uses (ECP, mirror, monitor), off otherwise; telnet always off");
    if (lockdown) {
        const needs = lockdown.services.map((s) => s.neededBy.length > 0 ? `${s.service} unless ${s.neededBy.map((l) => `network.${l}`).join(", ")}` : s.service);
        note(irisCpfSections.actions, `Locked Down (iris.lockdown): also off ${needs.join(", ")}`);
    }
    for (const s of services) lines.push({ section: irisCpfSections.actions, text: `${irisModifyService}:Name=${s.name},Enabled=${s.enabled ? 1 : 0}` });
    if (lockdown) {
        note(irisCpfSections.actions, "Locked Down (iris.lockdown): predefined accounts it does not enable");
        for (const u of lockdown.users) lines.push({ section: irisCpfSections.actions, text: `${irisModifyUser}:Name=${u.name},Enabled=${u.enabled ? 1 : 0}` });
        // The merge file is what an operator reads on the host, so what it leaves undone is written into it.
        note(irisCpfSections.actions, "Locked Down settings no merge action expresses, to do by hand (also listed by `mdb-hardening audit-cpf`):");
        for (const f of byHandFindings(profile)) note(irisCpfSections.actions, `- ${formatByHand(f)}`);
    }

    const header = [
        `; InterSystems IRIS configuration merge file for host ${profile.name}, instance ${iris.instance}.`,
        "; Rendered by mdb-hardening from the host's profile: change the profile, not this file.",
        `; The same profile renders the same bytes; the host applies it with \`iris merge ${iris.instance} <file>\` when they change.`,
    ];
    const sectionOrder = [...new Set(lines.map((l) => l.section))];
    const body = sectionOrder.flatMap((section) => ["", `[${section}]`, ...lines.filter((l) => l.section === section).map((l) => l.text)]);
    return [...header, ...body].join("\n") + "\n";
}

/** The services the merge file switches, by name, each on or off; a service not listed keeps the instance's setting. */
export function serviceSwitches(profile: HostProfile): { readonly name: IrisService; readonly enabled: boolean }[] {
    const { features, lockdown } = irisInstanceOf(profile);
    // Under lockdown a service is on only where a peer list the profile fills comes in through it.
    const lockdownServices = (lockdown ? irisLockdown.services : []).map((s) => ({
        name: s.service,
        enabled: s.neededBy.some((list) => profile.network[list].length > 0),
    }));
    return [
        ...irisFeatures.flatMap((feature) => irisFeatureServices[feature].map((name) => ({ name, enabled: features[feature] }))),
        { name: irisServices.telnet, enabled: false },
        ...lockdownServices,
    ].sort((a, b) => a.name.localeCompare(b.name));
}

/** An IRIS endpoint the instance listens on once the merge file has run (catalog `irisEndpointServers`). */
export interface IrisEndpointState {
    readonly endpoint: IrisEndpointId;
    readonly port: number;
    readonly protocol: Protocol;
    /** Off: everything that serves it is off; on: a feature or service that serves it is on; unset: left to the instance. */
    readonly on?: boolean;
    /** What serves it (`%Service_…` names and `iris.features.…` fields), each on, off, or unset where the merge file leaves it. */
    readonly servedBy: readonly { readonly name: string; readonly on?: boolean }[];
}

/** What the profile's merge file leaves listening, endpoint by endpoint, on the profile's ports. */
export function endpointStates(profile: HostProfile): IrisEndpointState[] {
    const iris = irisInstanceOf(profile);
    const switches = new Map<string, boolean>(serviceSwitches(profile).map((s) => [s.name, s.enabled]));
    return (Object.keys(irisEndpointServers) as (keyof typeof irisEndpointServers)[]).map((endpoint) => {
        const { services, features } = irisEndpointServers[endpoint];
        const servedBy = [
            ...services.map((name) => ({ name, on: switches.get(name) })),
            ...features.map((f) => ({ name: `iris.features.${f}`, on: iris.features[f] })),
        ].map(({ name, on }) => (on === undefined ? { name } : { name, on }));
        const on = servedBy.some((s) => s.on === true) ? true : servedBy.every((s) => s.on === false) ? false : undefined;
        return {
            endpoint,
            port: (configurableIrisPorts as readonly string[]).includes(endpoint) ? iris.ports[endpoint as ConfigurableIrisPort] : irisEndpoints[endpoint].port,
            protocol: irisEndpoints[endpoint].protocol,
            ...(on === undefined ? {} : { on }),
            servedBy,
        };
    });
}

/**
 * Whose port `WebServerPort` is once the merge file has run: the private web server's when the profile
 * runs it or the release is up to 2023.1; from 2023.2 `WebServer=0` with a port is an external web
 * server's (catalog: irisWebServerReleases), which the merge file must not rewrite; unknown without a release.
 */
function webServerPortOwner(iris: IrisSettings): "private" | "external" | "unknown" {
    if (iris.features.privateWebServer) return "private";
    if (iris.version === undefined) return "unknown";
    return releaseAtLeast(iris.version, irisWebServerReleases.externalSince) ? "external" : "private";
}

/** Validation makes each license server a single host (/32 or /128); the entry wants the bare address. */
function licenseServerAddresses(profile: HostProfile): string[] {
    return profile.network.licenseServers.map((cidr) => cidr.slice(0, cidr.indexOf("/")));
}

/** Named after the address, so a server keeps its entry's name when the list is reordered. */
function licenseServerName(address: string): string {
    return `MDB_${address.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}
