/**
 * The hardening profile's model: everything the module needs to know about one database host, as
 * types (and the literal lists the types are made of). `read.ts` builds it from YAML, stack config
 * or code; `consistency.ts` checks the fields against each other.
 */
import type { ConfigurableIrisPort, IrisFeature, PeerList, ProductId, Protocol, RestrictFacility, Role } from "../catalog";

// The model's own vocabularies are catalog facts; they are part of the profile's API too.
export { irisFeatures, peerLists, roles, type IrisFeature, type PeerList, type Role } from "../catalog";

export const environments = ["production", "staging", "development"] as const;
export type Environment = (typeof environments)[number];
/** The environment where development-only features are refused and policies apply their production rules. */
export const productionEnvironment = "production" satisfies Environment;

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
    /**
     * The IRIS product release (`2024.1`), which decides how `[Startup] WebServer` reads; unset: what
     * depends on it is reported as unknown. Not `[ConfigFile] Version`, which is the CPF format's.
     */
    readonly version?: string;
    /** Mirror endpoints beyond the peer lists (`iris.features.mirror` only). */
    readonly mirror?: IrisMirrorSettings;
    /**
     * The merge file also renders what it can of InterSystems' "Locked Down" security level (catalog
     * `irisLockdown`: services off unless the profile needs them, `_SYSTEM` disabled) and lists the rest
     * as to do by hand. Default off.
     */
    readonly lockdown: boolean;
}

export interface IrisMirrorSettings {
    /** The arbiter's ISCAgent (its address must be in `network.arbiter`); its port defaults to the catalog's ISCAgent port. */
    readonly arbiter?: { readonly address: string; readonly port: number };
    /** The mirror's virtual IP address, which clients reach the primary on. */
    readonly virtualAddress?: string;
}

export interface DistributionSettings {
    /** `$gtm_dist` / `$ydb_dist`: the directory restricted to the group. */
    readonly path: string;
    /** Group allowed to run the database (`gtmusers` / `yottadbusers` by default). */
    readonly group: string;
    /** Users added to the group. */
    readonly members: readonly string[];
    /**
     * The installed release, when declared (`V7.0-005`, `r2.06`): the host script refuses a
     * distribution of another release, and restrict.txt lines are checked against it already here.
     */
    readonly version?: string;
    /**
     * Opt-in deep check: the distribution's files against their vendor's checksums (`dpkg --verify`
     * for a package, the installer's install_sha256_checksum.log otherwise). Default off.
     */
    readonly verifyIntegrity: boolean;
    /** `$gtm_tmp`/`$ydb_tmp` pinned for gtmsecshr: a directory of its own by default (catalog `defaultTmpDir`). */
    readonly tmpDir: string;
    /**
     * restrict.txt: facility → the only group allowed to use it (empty: no file; the file this
     * module wrote before is removed). Groups that do not exist are created without members.
     */
    readonly restrict: Readonly<Partial<Record<RestrictFacility, string>>>;
}

export interface DatabaseFiles {
    /** Database files audited (mode, owner, the header's access method and journal, live IPC) and reported. */
    readonly files: readonly string[];
    /** Configuration databases that do not change in normal operation: made read-only for everyone, and audited. */
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

export const scheduleModes = ["check", "apply"] as const;
export type ScheduleMode = (typeof scheduleModes)[number];

/** The host script run again by a systemd timer (opt-in), so a host is checked, or kept, hardened. */
export interface ScheduleSettings {
    /** `check` reports what an apply would change and changes nothing; `apply` repairs. */
    readonly mode: ScheduleMode;
    /** A systemd calendar expression (`OnCalendar=`), checked on the host with `systemd-analyze calendar`; default `daily`. */
    readonly onCalendar: string;
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
    /** Absent: no schedule (one this module installed before is removed). */
    readonly schedule?: ScheduleSettings;
}

/** An exception to one host check, reported as `waived` with its justification (never dropped). */
export interface HostWaiver {
    /** A control id of the host script (components/controls.ts). */
    readonly control: string;
    /** One item of the control (e.g. `cups.service`, a path); without it the whole control. */
    readonly item?: string;
    readonly justification: string;
    /** Last day it holds (YYYY-MM-DD, UTC), judged on the host when the script runs; then it is a finding again. */
    readonly expires?: string;
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
    readonly waivers: readonly HostWaiver[];
}

/** Deeply optional input form; `validateProfile` turns it into a `HostProfile`. */
export type HostProfileInput = DeepPartialInput<HostProfile>;
type DeepPartialInput<T> = T extends readonly (infer U)[]
    ? readonly DeepPartialInput<U>[]
    : T extends object
      ? { readonly [K in keyof T]?: DeepPartialInput<T[K]> }
      : T;
