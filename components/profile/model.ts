/**
 * The hardening profile's model: everything the module needs to know about one database host, as
 * types (and the literal lists the types are made of). `read.ts` builds it from YAML, stack config
 * or code; `consistency.ts` checks the fields against each other.
 */
import type { ConfigurableIrisPort, ProductId, Protocol, YottadbRestrictFacility } from "../catalog";

export const environments = ["production", "staging", "development"] as const;
export type Environment = (typeof environments)[number];
/** The environment where development-only features are refused and policies apply their production rules. */
export const productionEnvironment = "production" satisfies Environment;

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

export interface DeclaredRule {
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

/**
 * The profile's peer lists (`network.<list>`), each a list of CIDRs: `sources` a rule admits (never
 * the whole Internet; `opens` names what, for the refusal), `destinations` the host reaches, or
 * `single hosts` (license servers: each becomes one `[LicenseServers]` entry). Which rule each opens
 * for which role or feature is the peer-rule table (peerRules.ts).
 */
export const peerLists = {
    /** Who may SSH in (and reach the private web server where it is allowed). */
    adminCidrs: { peers: "sources", opens: "SSH" },
    /** Application clients of the IRIS superserver. */
    appClients: { peers: "sources", opens: "the superserver" },
    /** ECP application servers that connect to this data server. */
    ecpClients: { peers: "sources", opens: "ECP" },
    /** ECP data servers this host connects to as an ECP application server. */
    ecpDataServers: { peers: "destinations" },
    /** License servers this instance uses (UDP to them, their TCP query callback back). */
    licenseServers: { peers: "single hosts" },
    /** Instances served by this host when it has the `license-server` role. */
    licenseClients: { peers: "sources", opens: "the license server" },
    /** Other mirror members. */
    mirrorMembers: { peers: "sources", opens: "mirroring" },
    /** The mirror arbiter, reached on its ISCAgent port (one CIDR may be given as a string). */
    arbiter: { peers: "destinations" },
    /** Explicit off-host clients of the JDBC gateway; without them it stays on-host. */
    jdbcClients: { peers: "sources", opens: "the JDBC gateway" },
    /** SNMP managers that poll the monitor service and receive its traps. */
    snmpManagers: { peers: "sources", opens: "SNMP" },
} as const satisfies Record<string, { peers: "sources"; opens: string } | { peers: "destinations" | "single hosts" }>;
export type PeerList = keyof typeof peerLists;

export type NetworkSettings = { readonly [L in PeerList]: readonly string[] } & {
    readonly sshPort: number;
    /** Application endpoints on this host beyond the catalog's. */
    readonly ingress: readonly IngressRule[];
    /** Outbound traffic the host needs beyond its peers (default: none; see README). */
    readonly egress: readonly EgressRule[];
};

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
