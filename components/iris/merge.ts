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
    irisCpf,
    irisCpfSections,
    irisEndpoints,
    irisJdbcGatewayDefinition,
    irisModifyService,
    irisServices,
    type CpfLocation,
} from "../catalog";
import type { HostProfile, IrisFeature } from "../profile";
import { Issues, parseCidr } from "../validate";
import { irisInstanceOf } from "./ports";

/** Features whose service the merge switches on or off with them. */
const featureServices = ["ecp", "mirror", "monitor"] as const satisfies readonly (IrisFeature & keyof typeof irisServices)[];

interface Block {
    readonly section: string;
    readonly lines: readonly string[];
}

/** Renders the merge file; throws `ProfileError` naming the field when the profile cannot give one. */
export function renderMergeFile(profile: HostProfile): string {
    const iris = irisInstanceOf(profile);
    const issues = new Issues();
    const licenseServers = licenseServerAddresses(profile, issues);
    issues.throwIfAny(`profile ${profile.name}`);
    const { ports, features } = iris;

    const startup = [
        "; Superserver port: iris.ports.superserver",
        setting(irisEndpoints.superserver.cpf, ports.superserver),
        ...(iris.superserverBindAddress === undefined
            ? []
            : ["; Superserver bound to one address: iris.superserverBindAddress", setting(irisCpf.superserverBindAddress, iris.superserverBindAddress)]),
        features.privateWebServer
            ? "; Private web server on (iris.features.privateWebServer; never in production), port iris.ports.webServer"
            : "; Private web server off (iris.features.privateWebServer); its port stays configured: iris.ports.webServer",
        setting(irisCpf.webServer, features.privateWebServer ? 1 : 0),
        setting(irisEndpoints.webServer.cpf, ports.webServer),
    ];
    const blocks: Block[] = [{ section: irisEndpoints.superserver.cpf.section, lines: startup }];
    if (!features.ecp) {
        blocks.push({
            section: irisCpf.ecpDataServers.section,
            lines: [
                "; ECP not used (iris.features.ecp): no connections to data servers, none accepted from application servers",
                setting(irisCpf.ecpDataServers, 0),
                setting(irisCpf.ecpApplicationServers, 0),
            ],
        });
    }
    // Rewriting a gateway definition resets its other fields to their defaults, so only a gateway the profile uses is written.
    if (features.jdbcGateway) {
        const { type, resource } = irisJdbcGatewayDefinition;
        blocks.push({
            section: irisCpf.jdbcGateway.section,
            lines: ["; JDBC gateway port: iris.ports.jdbcGateway (the other fields take their defaults)", setting(irisCpf.jdbcGateway, `${type},${ports.jdbcGateway},${resource}`)],
        });
    }
    if (licenseServers.length > 0) {
        blocks.push({
            section: irisCpfSections.licenseServers,
            lines: [
                "; License servers: network.licenseServers, port iris.ports.licenseServer",
                ...licenseServers.map((address) => `${licenseServerName(address)}=${address},${ports.licenseServer}`),
            ],
        });
    }
    const services = [
        ...featureServices.map((feature) => ({ name: irisServices[feature], enabled: features[feature] })),
        { name: irisServices.telnet, enabled: false },
    ].sort((a, b) => a.name.localeCompare(b.name));
    blocks.push({
        section: irisCpfSections.actions,
        lines: [
            "; Services on for the features the profile uses (ECP, mirror, monitor), off otherwise; telnet always off",
            ...services.map((s) => `${irisModifyService}:Name=${s.name},Enabled=${s.enabled ? 1 : 0}`),
        ],
    });

    const header = [
        `; InterSystems IRIS configuration merge file for host ${profile.name}, instance ${iris.instance}.`,
        "; Rendered by mdb-hardening from the host's profile: change the profile, not this file.",
        `; The same profile renders the same bytes; the host applies it with \`iris merge ${iris.instance} <file>\` when they change.`,
    ];
    return [...header, ...blocks.flatMap((b) => ["", `[${b.section}]`, ...b.lines])].join("\n") + "\n";
}

function setting(location: CpfLocation, value: string | number): string {
    return `${location.key}=${value}`;
}

/** A [LicenseServers] entry needs one address: each license server must be listed as a host CIDR. */
function licenseServerAddresses(profile: HostProfile, issues: Issues): string[] {
    return profile.network.licenseServers.flatMap((text, i) => {
        const cidr = parseCidr(text);
        if (typeof cidr !== "string" && cidr.prefix === (cidr.family === 4 ? 32 : 128)) return [text.slice(0, text.indexOf("/"))];
        issues.fail(`network.licenseServers[${i}]`, text, "a [LicenseServers] entry names one license server: list each as its own /32 (IPv4) or /128 (IPv6)");
        return [];
    });
}

/** Named after the address, so a server keeps its entry's name when the list is reordered. */
function licenseServerName(address: string): string {
    return `MDB_${address.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}
