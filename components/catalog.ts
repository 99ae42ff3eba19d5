/**
 * The catalog: the one place where the facts taken from the source documents are written.
 *
 * Components (security groups, the host script), policies and the CLI all read these
 * tables; no port number, product path or unit name is written anywhere else in source.
 *
 * Sources (see ../shared/seeds/README.md):
 *  - IRIS: "Secure InterSystems Processes and Operating-System Resources" (ports, services),
 *    checked against current IRIS configuration keys (reference.md); IRIS security levels, services and
 *    merge actions: InterSystems' documentation pages named in `irisDocs`.
 *  - GT.M V5.4 security model and the YottaDB security philosophy (group restriction,
 *    gtmsecshr, restrict.txt, $gtm_tmp/$gtm_log).
 *  - "Daemon Processes" and "Killing Daemons" (Red Hat 6 era): their daemon lists are carried
 *    to today's systemd unit names on the Debian/Ubuntu and RHEL families.
 */

export type Protocol = "tcp" | "udp";

/** Where an instance's `iris.cpf` configures a port, so the real value can be read from it. */
export interface CpfLocation {
    readonly section: string;
    readonly key: string;
}

/**
 * How far from the host an endpoint may ever be reached:
 *  - `peers`: only from the peers a profile declares for it;
 *  - `host`: never off the host (the module opens it to nobody);
 *  - `never`: a service that should not run on a database host at all.
 */
export type Reach = "peers" | "host" | "never";

export interface EndpointFact {
    readonly port: number;
    readonly protocol: Protocol;
    readonly purpose: string;
    readonly reach: Reach;
    readonly cpf?: CpfLocation;
    readonly note?: string;
}

/** IRIS network endpoints and their defaults (the IRIS document, "IP Protocols"). */
export const irisEndpoints = {
    superserver: {
        port: 1972,
        protocol: "tcp",
        purpose: "superserver: client connections, and the transport for ECP and mirroring traffic",
        reach: "peers",
        cpf: { section: "Startup", key: "DefaultPort" },
    },
    webServer: {
        port: 52773,
        protocol: "tcp",
        purpose: "private web server (Management Portal, development use)",
        reach: "peers",
        cpf: { section: "Startup", key: "WebServerPort" },
        note: "The IRIS document: mostly used in development, not recommended for production. IRIS 2023.2+ new installs ship no private web server.",
    },
    jdbcGateway: {
        port: 62972,
        protocol: "tcp",
        purpose: "JDBC gateway",
        reach: "host",
        cpf: { section: "SQL", key: "JDBCGatewayPort" },
        note: "62972 is the document's (Caché-era [SQL] JDBCGatewayPort) default; later IRIS CPFs show 53773, and current IRIS defines gateways in a [Gateways] section with their own ports. Set iris.ports.jdbcGateway to the port the instance really uses.",
    },
    licenseServer: {
        port: 4002,
        protocol: "udp",
        purpose: "license server (licmanager): instances send UDP to this port, the server replies to the sender's port",
        reach: "peers",
        cpf: { section: "LicenseServers", key: "<name>=address,port" },
    },
    licenseQueryCallback: {
        port: 4002,
        protocol: "tcp",
        purpose: "license query results: the license server connects back over TCP to a port the instance listens on, the license server port number",
        reach: "peers",
        note: "If the instance cannot listen on the license server port it asks the OS for a random port; that fallback cannot be firewalled by port and license queries then fail. Its port always equals the configured license server port.",
    },
    iscAgent: {
        port: 2188,
        protocol: "tcp",
        purpose: "ISCAgent: mirror failover agent on each failover member and on the arbiter",
        reach: "peers",
    },
    telnet: {
        port: 23,
        protocol: "tcp",
        purpose: "IRIS Telnet service (ctelnetd, Windows only)",
        reach: "never",
        cpf: { section: "Telnet", key: "Port" },
    },
    snmp: {
        port: 161,
        protocol: "udp",
        purpose: "SNMP agent that the IRIS monitor service (%Service_Monitor) serves as a subagent",
        reach: "peers",
    },
    snmpTrap: {
        port: 162,
        protocol: "udp",
        purpose: "SNMP traps sent by the IRIS monitor service to SNMP managers",
        reach: "peers",
    },
    agentx: {
        port: 705,
        protocol: "tcp",
        purpose: "AgentX: the IRIS monitor subagent talks to the local SNMP agent",
        reach: "host",
    },
} as const satisfies Record<string, EndpointFact>;

export type IrisEndpointId = keyof typeof irisEndpoints;

/** The IRIS ports a profile may move (everything else follows from these). */
export const configurableIrisPorts = ["superserver", "webServer", "jdbcGateway", "licenseServer", "iscAgent"] as const;
export type ConfigurableIrisPort = (typeof configurableIrisPorts)[number];

/** Operating-system endpoints the documents name. */
export const osEndpoints = {
    ssh: { port: 22, protocol: "tcp", purpose: "SSH administration", reach: "peers" },
    rpcbindTcp: { port: 111, protocol: "tcp", purpose: "rpcbind/portmap (RPC, NFS, NIS)", reach: "never" },
    rpcbindUdp: { port: 111, protocol: "udp", purpose: "rpcbind/portmap (RPC, NFS, NIS)", reach: "never" },
    nfsTcp: { port: 2049, protocol: "tcp", purpose: "NFS server", reach: "never" },
    nfsUdp: { port: 2049, protocol: "udp", purpose: "NFS server", reach: "never" },
    telnetd: { port: 23, protocol: "tcp", purpose: "telnet daemon", reach: "never" },
} as const satisfies Record<string, EndpointFact>;

export type OsEndpointId = keyof typeof osEndpoints;
export type EndpointId = IrisEndpointId | OsEndpointId;

/** Every endpoint of the catalog by id. */
export const endpoints: Readonly<Record<EndpointId, EndpointFact>> = { ...irisEndpoints, ...osEndpoints };

/**
 * IRIS service names (current spelling; the document's "%System_Monitor" is %Service_Monitor), as the
 * Security Administration Guide's list of services has them (irisDocs.services).
 */
export const irisServices = {
    ecp: "%Service_ECP",
    monitor: "%Service_Monitor",
    telnet: "%Service_Telnet",
    mirror: "%Service_Mirror",
    webGateway: "%Service_WebGateway",
    /** Native API, SQL and objects over the superserver (Studio among them). */
    bindings: "%Service_Bindings",
    /** A proprietary mechanism for connecting to other InterSystems products. */
    cacheDirect: "%Service_CacheDirect",
    /** The CallIn interface. */
    callIn: "%Service_CallIn",
    /** COM ports attached to a Windows system. */
    comPort: "%Service_ComPort",
} as const;
export type IrisService = (typeof irisServices)[keyof typeof irisServices];

/** The InterSystems documentation pages the IRIS security facts below are taken from. */
export const irisDocs = {
    lockedDown: "Initial InterSystems Security Settings, https://irisdocs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GCI_security_init_settings",
    /** Reproduces the same tables with their service rows; the page above, as stored here, ends before them. */
    lockedDownServices: "InterSystems Developer Community, Increasing the Security of the InterSystems IRIS DBMS, https://community.intersystems.com/post/increasing-security-intersystems-iris-dbms",
    services: "Services, https://docs.intersystems.com/supplychainlatest/csp/docbook/DocBook.UI.Page.cls?KEY=GAUTHN_services",
    actions: "[Actions], https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RACS_ACTIONS",
    modifyUser: "ModifyUser, https://docs.intersystems.com/irislatest/csp/docbook/Doc.View.cls?KEY=RACS_modifyuser",
    users: "Security.Users, https://docs.intersystems.com/irislatest/csp/documatic/%25CSP.Documatic.cls?PAGE=CLASS&LIBRARY=%25SYS&CLASSNAME=Security.Users",
} as const;

/**
 * Other `iris.cpf` / merge-file settings the hardening reads or writes (ports are in `irisEndpoints`).
 * ECP: the IRIS CPF reference and the document's two steps ("set the maximum number of application
 * and data servers to zero", then disable %Service_ECP); both keys live in [config], not [ECP].
 */
export const irisCpf = {
    superserverBindAddress: { section: "Startup", key: "DefaultPortBindAddress" },
    /** 1 starts the private web server, 0 does not. */
    webServer: { section: "Startup", key: "WebServer" },
    /** ECP data servers this instance may connect to, as an application server ("Maximum number of data servers"). */
    ecpDataServers: { section: "config", key: "MaxServers" },
    /** ECP application servers this instance accepts, as a data server ("Maximum number of application servers"). */
    ecpApplicationServers: { section: "config", key: "MaxServerConn" },
    /** IRIS versions with [Gateways]: `Type,Port,Resource,...` (older ones: irisEndpoints.jdbcGateway.cpf). */
    jdbcGateway: { section: "Gateways", key: "%JDBC Server" },
    /** Canonical mirror definition used by configuration merge (values seen in public merge files). */
    mirrorSetName: { section: "Startup", key: "MirrorSetName" },
    mirrorMember: { section: "Startup", key: "MirrorMember" },
    mirrorPrimary: { section: "Startup", key: "MirrorPrimary" },
    /** `address:port` of the arbiter's ISCAgent. */
    arbiterUrl: { section: "Startup", key: "ArbiterURL" },
    /** This instance's name in its mirror: its own entry in [MapMirrors.<mirror>] (CPF reference, [MirrorMember] SystemName). */
    mirrorSystemName: { section: "MirrorMember", key: "SystemName" },
    /** 0: the instance ignores its mirror configuration at startup (CPF reference, [MirrorMember] JoinMirror; a setting, not a merge action). */
    joinMirror: { section: "MirrorMember", key: "JoinMirror" },
} as const satisfies Record<string, CpfLocation>;

/**
 * How `[Startup] WebServer` reads by IRIS release (the current CPF reference): up to 2023.1 a file
 * without it runs the private web server (default 1); from 2023.2 new installs ship none (default 0,
 * upgrades keep 1) and `WebServer=0` with a port names an external web server's port (the 2025.3
 * sample CPF: `WebServer=0`, `WebServerPort=80`). `[ConfigFile] Version` is the CPF format's version
 * (`2020.15` in a 2020.1 file), not the release, so the release comes from the profile (`iris.version`).
 */
export const irisWebServerReleases = {
    /** The first release where `WebServer=0` with a port means an external web server. */
    externalSince: "2023.2",
    /** The last release where a missing `WebServer` means on. */
    defaultOnUntil: "2023.1",
} as const;

/**
 * Mirror definitions in a CPF (CPF reference, [Mirrors] and [MapMirrors.<mirror>] topics). Values are
 * 0-based positions in an entry's comma-separated list after `Name=`.
 *  - [Mirrors] `Name=a,b,...`: h (7) is VirtualAddress, as the Caché reference names the same slot; the
 *    IRIS synopsis writes slot j as `j|k`, read as the arbiter's `address|port` (ArbiterNode; the
 *    IRIS topic does not spell out j, so any other value there is left unread).
 *  - [MapMirrors.<mirror>] `Name=a,b,c,d,...`: a (0) AgentAddress, b (1) AgentPort, d (3)
 *    SuperServerAddress (the address mirror-aware clients and the other members reach it on).
 */
export const irisMirrorEntries = {
    mirrors: { virtualAddress: 7, arbiter: 9 },
    mapMirrors: { agentAddress: 0, agentPort: 1, superserverAddress: 3 },
} as const;

/**
 * Merge-file operations ([Actions]) the hardening reads or predicts (CPF reference, [Actions] topics).
 * `ConfigMirror:Name=,Member=,Primary=[,ArbiterURL=host:port,...]` configures a mirror member;
 * `CreateMirror:Name=[,...]` takes Config.Mirrors properties (VirtualAddress among them). No
 * `JoinMirror` action is documented: JoinMirror is the [MirrorMember] setting (irisCpf.joinMirror).
 */
export const irisMergeActions = {
    configMirror: "ConfigMirror",
    createMirror: "CreateMirror",
} as const;

/** CPF sections whose entries are lists (`name=value,...`) rather than single settings. */
export const irisCpfSections = {
    /** Merge files only: `Operation:Name=Value,...` lines. */
    actions: "Actions",
    gateways: "Gateways",
    /** `NAME=address,port` */
    licenseServers: "LicenseServers",
    /** `NAME=address,port[,MirrorConnection[,SSLConfig]]`: ECP data servers this instance connects to. */
    ecpServers: "ECPServers",
    /** Mirror definitions ([Mirrors] and one [MapMirrors.<mirror>] per mirror, per the CPF reference). */
    mirrors: "Mirrors",
    mapMirrorsPrefix: "MapMirrors.",
} as const;

/** The JDBC gateway's definition fields in [Gateways] (`%JDBC Server=JDBC,53772,%Gateway_SQL,...`). */
export const irisJdbcGatewayDefinition = { type: "JDBC", resource: "%Gateway_SQL" } as const;

/** The merge-file operation that switches a service (`ModifyService:Name=%Service_Telnet,Enabled=0`). */
export const irisModifyService = "ModifyService";

/** The merge-file operation that changes a user account's properties (`ModifyUser:Name=UserName[,...]`; irisDocs.modifyUser). */
export const irisModifyUser = "ModifyUser";

/**
 * What a host is: an IRIS `database` instance, the IRIS `license-server` (licmanager), a mirror
 * `arbiter` (ISCAgent only). GT.M and YottaDB hosts are always `database`.
 */
export const roles = ["database", "license-server", "arbiter"] as const;
export type Role = (typeof roles)[number];

/** IRIS features that open ports or start processes when used. */
export const irisFeatures = ["ecp", "privateWebServer", "jdbcGateway", "monitor", "mirror"] as const;
export type IrisFeature = (typeof irisFeatures)[number];

/**
 * The services each feature needs; the merge file switches them on with the feature and off without it.
 * The private web server serves its pages through %Service_WebGateway, which an external web server
 * uses as well, so turning the private one off does not touch it; the JDBC gateway is reached on its
 * own port, through no service.
 */
export const irisFeatureServices = {
    ecp: [irisServices.ecp],
    privateWebServer: [],
    jdbcGateway: [],
    monitor: [irisServices.monitor],
    mirror: [irisServices.mirror],
} as const satisfies Record<IrisFeature, readonly IrisService[]>;

/**
 * Which IRIS endpoints each service or feature serves, for the endpoints that serve nothing else: the
 * superserver carries the Native API, SQL and objects (%Service_Bindings), ECP and mirroring; the
 * ISCAgent, the private web server and the JDBC gateway are their features' own processes; SNMP is
 * the monitor service's agent; telnet is the telnet service's. An endpoint is off once the merge file
 * has turned off everything that serves it.
 */
export const irisEndpointServers = {
    superserver: { services: [irisServices.bindings, irisServices.ecp, irisServices.mirror], features: [] },
    iscAgent: { services: [], features: ["mirror"] },
    webServer: { services: [], features: ["privateWebServer"] },
    jdbcGateway: { services: [], features: ["jdbcGateway"] },
    snmp: { services: [irisServices.monitor], features: [] },
    telnet: { services: [irisServices.telnet], features: [] },
} as const satisfies Partial<Record<IrisEndpointId, { services: readonly IrisService[]; features: readonly IrisFeature[] }>>;

/**
 * What `iris.lockdown: true` renders of InterSystems' "Locked Down" install level (irisDocs.lockedDown),
 * and what it leaves to do by hand because no merge action can express it.
 *  - `services`: disabled at Locked Down (%Service_ComPort at every level; irisDocs.lockedDownServices);
 *    the merge file switches each off unless the profile needs it (`neededBy`: a peer list whose
 *    clients come in through it; %Service_Bindings carries the superserver's SQL, objects and Native API).
 *    The feature services and telnet are switched for every profile already.
 *  - `users`: Locked Down does not enable `_SYSTEM`; ModifyUser takes any Security.Users property,
 *    `Enabled` among them (irisDocs.modifyUser, irisDocs.users).
 *  - `byHand`: the rest of the level, each with why a merge file does not set it and its source.
 *    The [Actions] reference (irisDocs.actions) lists no operation for the system-wide security
 *    parameters, and documents no empty value, which clearing a role list or a permission needs.
 */
export const irisLockdown = {
    services: [
        { service: irisServices.bindings, neededBy: ["appClients"] },
        { service: irisServices.cacheDirect, neededBy: [] },
        { service: irisServices.callIn, neededBy: [] },
        { service: irisServices.comPort, neededBy: [] },
    ],
    users: [{ name: "_SYSTEM", enabled: false }],
    byHand: [
        {
            setting: "an enabled account other than _SYSTEM holding %All",
            why: "the merge file disables _SYSTEM; make sure another administrator can log in before it runs",
            source: irisDocs.users,
        },
        {
            setting: "password pattern 8.32ANP (System-wide Security Parameters)",
            why: "no merge action sets the system-wide security parameters",
            source: irisDocs.lockedDown,
        },
        {
            setting: "inactive limit 90 days (System-wide Security Parameters)",
            why: "no merge action sets the system-wide security parameters",
            source: irisDocs.lockedDown,
        },
        {
            setting: "no roles for UnknownUser",
            why: "ModifyUser takes a Roles property, but the reference does not document an empty role list",
            source: irisDocs.lockedDown,
        },
        {
            setting: "services' use permission not public",
            why: "the [Actions] reference documents no value that clears a permission",
            source: irisDocs.lockedDown,
        },
        {
            setting: "authentication required by every enabled service (Unauthenticated cleared)",
            why: "a service's authentication methods are the site's choice (password, Kerberos, OS, LDAP), so the merge file picks none",
            source: irisDocs.lockedDown,
        },
        {
            setting: "%Service_DataCheck, %Service_DocDB, %Service_Login, %Service_Shadow, %Service_Sharding, %Service_Weblink off where unused",
            why: "the Locked Down table consulted does not show their state, so the merge file leaves them",
            source: irisDocs.services,
        },
    ],
} as const satisfies {
    services: readonly { service: IrisService; neededBy: readonly PeerList[] }[];
    users: readonly { name: string; enabled: boolean }[];
    byHand: readonly { setting: string; why: string; source: string }[];
};

/**
 * The profile's peer lists (`network.<list>`), each a list of CIDRs: `sources` a rule admits (never
 * the whole Internet; `opens` names what, for the refusal), `destinations` the host reaches, or
 * `single hosts` (license servers: each becomes one `[LicenseServers]` entry). Which rule each opens
 * for which role or feature is the peer-rule table (peerRules.ts); the profile's `network` section holds them.
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

export type ProductId = "iris" | "gtm" | "yottadb";

export interface IrisProduct {
    readonly id: "iris";
    readonly displayName: string;
    readonly defaultInstallDir: string;
    readonly defaultInstance: string;
}

/** GT.M and YottaDB share one security model; these are the names that differ. */
export interface MProduct {
    readonly id: "gtm" | "yottadb";
    readonly displayName: string;
    /** Environment variable naming the distribution directory. */
    readonly distVar: string;
    /** Group the documents use in their `chgrp -R GROUP $dist ; chmod -R o-rwx $dist`. */
    readonly defaultGroup: string;
    /** Groups the vendor installers refuse as the restriction group. */
    readonly refusedGroups: readonly string[];
    /** gtmsecshr: root-owned setuid wrapper, its private directory and the real helper inside it. */
    readonly secshr: { readonly wrapper: string; readonly dir: string; readonly helper: string };
    /** Accounts besides root the vendor's installer may leave owning the distribution's directories. */
    readonly installOwners: readonly string[];
    /** Shared library whose group and mode tell the runtime that execution is group-restricted. */
    readonly sharedLibrary: string;
    /**
     * `$gtm_tmp`/`$ydb_tmp`: gtmsecshr's socket files live there, and gtmsecshr takes it from the
     * process that first starts it; pinned for every login (the documents advise so). The wrappers
     * of GT.M V7.0-005 and YottaDB r2.06 pass only this and the distribution variable on.
     */
    readonly tmpVar: string;
    /**
     * Default `tmpDir`: a directory of its own (created 1770 root:GROUP), not the runtime's /tmp
     * fallback: under /tmp or /var/tmp any account can take the name first, and the tmpfiles
     * cleaner removes aged entries there.
     */
    readonly defaultTmpDir: string;
    /** Facility restriction file in the distribution directory (GT.M since V6.3-002, YottaDB since r1.10). */
    readonly restrictFile: string;
    /** Environment variable of the routine search path, and the distribution's library of utility routines (%DUMPFHEAD, which `mupip dumpfhead` runs). */
    readonly routinesVar: string;
    readonly utilLibrary: string;
    /**
     * The release names compiled into the shared library, which $ZVERSION (GT.M's release, or the
     * GT.M release merged into YottaDB: YDB#262) and YottaDB's $ZYRELEASE return: extended regular
     * expressions whose first word is the product, second the release. Read from the file rather
     * than by running M: a restrict.txt that restricts ZCMDLINE, or a broken one that restricts
     * everything, would keep `mumps -run %XCMD` from printing it, and so from being repaired.
     */
    readonly releaseNames: readonly string[];
    /** Form of the product's release as `distribution.version` declares it. */
    readonly releasePattern: RegExp;
    readonly releaseExample: string;
}

export const products = {
    iris: {
        id: "iris",
        displayName: "InterSystems IRIS",
        defaultInstallDir: "/usr/irissys",
        defaultInstance: "IRIS",
    },
    gtm: {
        id: "gtm",
        displayName: "FIS GT.M",
        distVar: "gtm_dist",
        defaultGroup: "gtmusers",
        refusedGroups: ["root", "bin"],
        installOwners: ["bin"],
        secshr: { wrapper: "gtmsecshr", dir: "gtmsecshrdir", helper: "gtmsecshrdir/gtmsecshr" },
        sharedLibrary: "libgtmshr.so",
        tmpVar: "gtm_tmp",
        defaultTmpDir: "/var/lib/gtm_tmp",
        restrictFile: "restrict.txt",
        routinesVar: "gtmroutines",
        utilLibrary: "libgtmutil.so",
        releaseNames: ["GT\\.M V[0-9]+\\.[0-9]+-[0-9]{3}[A-Z]? Linux [A-Za-z0-9_]+"],
        releasePattern: /^V\d+\.\d+-\d{3}[A-Z]?$/,
        releaseExample: "V7.0-005",
    },
    yottadb: {
        id: "yottadb",
        displayName: "YottaDB",
        distVar: "ydb_dist",
        defaultGroup: "yottadbusers",
        refusedGroups: ["root"],
        installOwners: [],
        secshr: { wrapper: "gtmsecshr", dir: "gtmsecshrdir", helper: "gtmsecshrdir/gtmsecshr" },
        sharedLibrary: "libyottadb.so",
        tmpVar: "ydb_tmp",
        defaultTmpDir: "/var/lib/ydb_tmp",
        restrictFile: "restrict.txt",
        routinesVar: "ydb_routines",
        utilLibrary: "libyottadbutil.so",
        releaseNames: ["GT\\.M V[0-9]+\\.[0-9]+-[0-9]{3}[A-Z]? Linux [A-Za-z0-9_]+", "YottaDB r[0-9]+\\.[0-9]{2} Linux [A-Za-z0-9_]+"],
        releasePattern: /^r\d+\.\d{2}$/,
        releaseExample: "r2.06",
    },
} as const satisfies { iris: IrisProduct; gtm: MProduct; yottadb: MProduct };

export const productIds = Object.keys(products) as ProductId[];

/**
 * restrict.txt facility keywords and the GT.M release that introduced each (reference.md, from the
 * GT.M release notes). YottaDB's sr_port/restrict.c at each release tag knows exactly the keywords
 * of the GT.M release merged into it, so one table gates both products. The audit-logging
 * (`A*_ENABLE`) and filter (`*_FILTER`) keywords are left out: not proven on a real install.
 */
export const restrictFacilities = {
    BREAK: "V6.3-002", ZBREAK: "V6.3-002", ZEDIT: "V6.3-002", ZSYSTEM: "V6.3-002", PIPE_OPEN: "V6.3-002",
    TRIGGER_MOD: "V6.3-002", CENABLE: "V6.3-002", DSE: "V6.3-002", DIRECT_MODE: "V6.3-002", ZCMDLINE: "V6.3-002",
    HALT: "V6.3-003", ZHALT: "V6.3-003",
    LIBRARY: "V6.3-007",
    LOGDENIALS: "V6.3-013",
    LKE: "V7.0-004", LKECLEAR: "V7.0-004",
    ZLINK: "V7.0-005", ZRUPDATE: "V7.0-005", ZROUTINES: "V7.0-005",
} as const;
export type RestrictFacility = keyof typeof restrictFacilities;

/**
 * A restrict.txt group name, as the runtime's parser reads it (restrict.c GROUP_FMTSTR, at most 64
 * characters): `-` and `.` only from GT.M V6.3-013 (YottaDB r1.36); before, the line does not parse.
 */
export const restrictGroupNames = { plain: /^[A-Za-z0-9_]{1,64}$/, punctuated: /^[A-Za-z0-9_.-]{1,64}$/, punctuatedSince: "V6.3-013" } as const;

/** YottaDB release → the GT.M release merged into it (YottaDB/YDB sr_linux/release_name.h, GTM_ZVERSION, at each release tag). */
export const yottadbReleases = {
    "r1.10": "V6.3-002", "r1.20": "V6.3-003A", "r1.22": "V6.3-004", "r1.24": "V6.3-005", "r1.26": "V6.3-007",
    "r1.28": "V6.3-007", "r1.30": "V6.3-008", "r1.32": "V6.3-010", "r1.34": "V6.3-011", "r1.36": "V6.3-014",
    "r1.38": "V6.3-014", "r2.00": "V7.0-001", "r2.02": "V7.0-005", "r2.04": "V7.1-002", "r2.06": "V7.1-002",
} as const satisfies Record<string, string>;

/**
 * systemd-logind removes a non-system user's System V IPC objects when that user's last session
 * ends (`RemoveIPC=yes`, its default): a database's shared memory and semaphores among them.
 * ydbinstall sets `RemoveIPC=no`; a drop-in does the same without editing logind.conf.
 */
export const logindRemoveIpc = {
    dir: "/etc/systemd/logind.conf.d",
    file: "/etc/systemd/logind.conf.d/mdb-hardening.conf",
    content: "# mdb-hardening: keep the databases' shared memory and semaphores when a user's last session ends.\n[Login]\nRemoveIPC=no",
    /** Where logind reads its configuration, in order; among drop-ins the last name in sort order wins. */
    mainFile: "/etc/systemd/logind.conf",
    dropInDirs: ["/etc/systemd/logind.conf.d", "/run/systemd/logind.conf.d", "/usr/local/lib/systemd/logind.conf.d", "/usr/lib/systemd/logind.conf.d"],
} as const;

/**
 * hardening.schedule: the host script's own copy and the systemd units that run it again. The
 * names are this module's: with a schedule on, what is at them is replaced.
 */
export const hostSchedule = {
    defaultOnCalendar: "daily",
    dir: "/usr/local/libexec/mdb-hardening",
    script: "/usr/local/libexec/mdb-hardening/host-script.sh",
    service: "/etc/systemd/system/mdb-hardening.service",
    timer: "/etc/systemd/system/mdb-hardening.timer",
    /** The journal tag of the service's output (its MDBH lines): `journalctl -t mdb-hardening`. */
    syslogIdentifier: "mdb-hardening",
} as const;

/** EC2 instance user data: "limited to 16 KB, in raw form, before it is base64-encoded" (EC2 User Guide, "Instance user data"). */
export const ec2UserDataLimitBytes = 16 * 1024;

/** Distribution families (unit names differ). A value too: the multi-language schema reads it as an enum. */
export const OsFamily = { debian: "debian", rhel: "rhel" } as const;
export type OsFamily = (typeof OsFamily)[keyof typeof OsFamily];
export const osFamilies: readonly OsFamily[] = Object.values(OsFamily);
/** The family assumed where none is given (the example stack's Debian image). */
export const defaultOsFamily: OsFamily = "debian";

/** Units per distribution family; `.socket`/`.path`/`.timer` units listed beside a service can start it again. */
export type UnitsByFamily = Readonly<Record<OsFamily, readonly string[]>>;

export interface OptionalDaemon {
    /** The daemon's name in the documents. */
    readonly daemon: string;
    readonly why: string;
    readonly units: UnitsByFamily;
    /** Client programs the "Killing Daemons" document makes unusable with `chmod 000`. */
    readonly clientBinaries?: readonly string[];
}

const same = (...units: string[]): UnitsByFamily => ({ debian: units, rhel: units });

/**
 * Optional daemons the two Unix documents say to turn off on a server, mapped to today's units.
 * The hardening stops, disables and masks each unit that exists on the host unless a profile keeps it.
 * Debian names were checked against the bookworm packages (unit files, aliases, sockets and path
 * units that can start a service again); RHEL names follow the RHEL packages' documentation.
 */
export const optionalDaemons: readonly OptionalDaemon[] = [
    { daemon: "portmap", why: "RPC port mapper for NFS/NIS; long security history, not needed by a database host", units: same("rpcbind.service", "rpcbind.socket") },
    { daemon: "nfslock", why: "NFS locking and status daemons (rpc.lockd, rpc.statd)", units: same("rpc-statd.service", "rpc-statd-notify.service") },
    { daemon: "nfsd", why: "NFS server", units: same("nfs-server.service", "nfs-mountd.service") },
    { daemon: "nis", why: "NIS shares account data over RPC (needs portmap)", units: same("ypbind.service", "ypserv.service", "yppasswdd.service", "ypxfrd.service") },
    { daemon: "lpd", why: "print spooler; a database server does not print", units: same("cups.service", "cups.socket", "cups.path", "cups-browsed.service"), clientBinaries: ["/usr/bin/lpr", "/usr/bin/lpq", "/usr/bin/lprm"] },
    // Debian runs telnetd, rshd, rlogind, rstatd, rusersd and rwalld from inetd only, so disabling inetd covers them.
    { daemon: "inetd", why: "starts telnet, rsh, rlogin, tftp and other small network servers on demand", units: { debian: ["inetd.service", "inetutils-inetd.service", "xinetd.service"], rhel: ["xinetd.service"] } },
    { daemon: "telnetd/rshd/rlogind/tftpd", why: "clear-text remote login and file transfer started by inetd or socket activation", units: { debian: ["tftpd-hpa.service", "atftpd.service", "atftpd.socket"], rhel: ["telnet.socket", "rsh.socket", "rlogin.socket", "rexec.socket", "tftp.socket", "tftp.service"] } },
    { daemon: "atd", why: "at/atd have a rich history of security problems; cron covers the need", units: same("atd.service"), clientBinaries: ["/usr/bin/at"] },
    { daemon: "httpd", why: "web server; leave off unless this host serves the IRIS Web Gateway (keep it in the profile then)", units: { debian: ["apache2.service"], rhel: ["httpd.service", "httpd.socket"] } },
    { daemon: "named", why: "DNS server", units: same("named.service") },
    { daemon: "smb", why: "Samba file sharing", units: { debian: ["smbd.service", "nmbd.service", "samba-ad-dc.service"], rhel: ["smb.service", "nmb.service"] } },
    { daemon: "snmpd", why: "SNMP agent; kept automatically when the IRIS monitor service is used (it is the agent IRIS serves as a subagent)", units: same("snmpd.service") },
    { daemon: "avahi", why: "zero-configuration service announcement on the local network", units: same("avahi-daemon.service", "avahi-daemon.socket") },
    { daemon: "gpm", why: "console mouse daemon; had a local root exploit", units: same("gpm.service") },
    { daemon: "identd", why: "identification daemon: tells remote hosts who owns a connection", units: { debian: ["oidentd.service", "oidentd.socket"], rhel: [] } },
    { daemon: "rstatd/rusersd/rwalld/rwhod", why: "give any host on the network statistics, user lists or broadcast messages", units: { debian: ["rwhod.service"], rhel: ["rstatd.service", "rusersd.service", "rwalld.service", "rwhod.service"] } },
    { daemon: "innd", why: "news server", units: { debian: ["inn2.service"], rhel: ["innd.service"] } },
    { daemon: "arpwatch", why: "ARP monitor, not a database host's job", units: same("arpwatch.service") },
];

/**
 * Units a host needs to stay reachable, logged and protected: the services the documents say to
 * keep (syslog, cron, network, sshd) and what today's systems need for the same (the firewall,
 * dbus, journald and its sockets, logind, udev, consoles). The hardening never stops, disables or
 * masks them: validation refuses them in `services.disable`, the renderer refuses them in its unit
 * list, and the host script refuses a unit any of whose names (aliases) is one of them.
 * `NAME@*.service` stands for every instance of a template unit (and the template itself).
 */
export const protectedUnits: readonly { readonly need: string; readonly units: UnitsByFamily }[] = [
    { need: "syslog", units: same("rsyslog.service", "syslog.service", "syslog.socket", "systemd-journald.service", "systemd-journald.socket", "systemd-journald-dev-log.socket", "systemd-journald-audit.socket") },
    { need: "cron", units: { debian: ["cron.service"], rhel: ["crond.service"] } },
    { need: "network", units: same("systemd-networkd.service", "systemd-networkd.socket", "NetworkManager.service", "networking.service", "network.service", "systemd-resolved.service", "ifup@*.service") },
    { need: "sshd", units: { debian: ["ssh.service", "ssh.socket", "ssh@*.service", "sshd.service"], rhel: ["sshd.service", "sshd.socket", "sshd@*.service"] } },
    { need: "the host firewall", units: same("nftables.service", "firewalld.service", "iptables.service", "ip6tables.service", "netfilter-persistent.service") },
    { need: "dbus", units: same("dbus.service", "dbus.socket", "dbus-broker.service") },
    { need: "logins", units: same("systemd-logind.service", "getty@*.service", "serial-getty@*.service") },
    { need: "devices", units: same("systemd-udevd.service", "systemd-udevd-control.socket", "systemd-udevd-kernel.socket") },
];

const protectedNames = new Map<string, string>();
const protectedTemplates: { prefix: string; suffix: string; need: string }[] = [];
for (const { need, units } of protectedUnits) {
    for (const pattern of osFamilies.flatMap((f) => units[f])) {
        const at = pattern.indexOf("@*");
        if (at < 0) protectedNames.set(pattern, need);
        else protectedTemplates.push({ prefix: pattern.slice(0, at + 1), suffix: pattern.slice(at + 2), need });
    }
}

/** The protected entry a unit name falls under, on any family; undefined for any other unit. */
export function protectedUnit(name: string): { readonly need: string } | undefined {
    const need = protectedNames.get(name) ?? protectedTemplates.find((t) => name.startsWith(t.prefix) && name.endsWith(t.suffix))?.need;
    return need === undefined ? undefined : { need };
}

/**
 * Groups that grant privileges of their own (administration, raw disks, shadow passwords, logs,
 * container runtimes): as the distribution group, its members would get them too.
 */
export const privilegedGroups: readonly string[] = [
    "root", "bin", "daemon", "sys", "adm", "wheel", "sudo", "admin", "staff", "disk", "kmem", "tty", "shadow", "utmp",
    "docker", "lxd", "libvirt", "systemd-journal", "systemd-network", "kvm",
];

/**
 * Daemons (processes without a controlling terminal, as the daemon document identifies them)
 * the audit expects on a database host: the essentials, the database's own, common agents.
 * Names as `ps -o comm` shows them (15 characters at most).
 */
export const expectedDaemons: readonly string[] = [
    "systemd", "(sd-pam)", "systemd-journal", "systemd-udevd", "systemd-logind", "systemd-network", "systemd-resolve",
    "systemd-timesyn", "dbus-daemon", "dbus-broker", "dbus-broker-lau", "sshd", "cron", "crond", "rsyslogd", "chronyd",
    "polkitd", "agetty", "dhclient", "dhcpcd", "NetworkManager", "irqbalance", "auditd", "amazon-ssm-agen", "ssm-agent-worke",
    // GT.M / YottaDB
    "gtmsecshr", "mumps", "mupip", "yottadb",
    // IRIS (processes run the iris executable; licmanager and ISCAgent are separate)
    "iris", "irisdb", "licmanager", "ISCAgent", "httpd",
];

/** cron.allow: who may use crontab once cron is restricted ("Killing Daemons", crond). */
export const cronAllowFile = "/etc/cron.allow";

export function unitsFor(family: OsFamily, list: readonly { readonly units: UnitsByFamily }[]): string[] {
    return [...new Set(list.flatMap((entry) => entry.units[family]))];
}


export interface SensitivePort {
    readonly name: string;
    readonly port: number;
    readonly protocol: Protocol;
    readonly reach: Reach;
    readonly purpose: string;
}

/** All catalog endpoints with their default ports, for policies that look for them in any stack. */
export const sensitivePorts: readonly SensitivePort[] = [
    ...Object.entries(irisEndpoints).map(([name, e]) => ({ name, port: e.port, protocol: e.protocol, reach: e.reach, purpose: e.purpose })),
    ...Object.entries(osEndpoints).map(([name, e]) => ({ name, port: e.port, protocol: e.protocol, reach: e.reach, purpose: e.purpose })),
];

/** Tags the components put on every database host; policies identify database hosts by them. */
export const hostTags = {
    role: "mdb-hardening:role",
    product: "mdb-hardening:product",
    environment: "mdb-hardening:environment",
    profile: "mdb-hardening:profile",
} as const;
export const databaseHostRole = "database-host";

/**
 * Per-resource policy waivers, as resource tags: the policy names (separated by spaces), the
 * reason (required), the last day it holds (optional, YYYY-MM-DD). Values stay within AWS's tag
 * character set (letters, digits, spaces and _ . : / = + - @).
 */
export const waiverTags = {
    policies: "mdb-hardening:waive",
    reason: "mdb-hardening:waive-reason",
    until: "mdb-hardening:waive-until",
} as const;

/**
 * Type tokens of the components (a policy sees type strings, not classes). The SDK's component
 * provider host serves only `<package>:index:<Class>`, so the multi-language package needs them in
 * this form.
 */
export const componentTypes = {
    databaseHost: "mdb-hardening:index:DatabaseHost",
    existingHost: "mdb-hardening:index:ExistingHost",
    hostHardening: "mdb-hardening:index:HostHardening",
    securityGroup: "mdb-hardening:index:DatabaseSecurityGroup",
} as const;

/** The tokens of 0.1: every component registers them as aliases, so a stack made with them keeps its resources. */
export const previousComponentTypes: Readonly<Record<keyof typeof componentTypes, string>> = {
    databaseHost: "mdb-hardening:aws:DatabaseHost",
    existingHost: "mdb-hardening:host:ExistingHost",
    hostHardening: "mdb-hardening:host:HostHardening",
    securityGroup: "mdb-hardening:network:DatabaseSecurityGroup",
};

/**
 * The components that harden a host and register its `hardening` plan; stack policies look for
 * them, under the 0.1 tokens too (a stack not yet updated to this version).
 */
export const hardeningComponentTypes: readonly string[] = [
    componentTypes.databaseHost,
    componentTypes.existingHost,
    previousComponentTypes.databaseHost,
    previousComponentTypes.existingHost,
];

/**
 * Declared GT.M/YottaDB databases: what the audit reads from a database file header and the rules
 * it checks (the GT.M security model and the YottaDB security philosophy, "Recommendations" and
 * "Shared Resource Authorization Permissions").
 *
 * The header is read with `mupip dumpfhead -file <db>` (both products; it runs the M routine
 * %DUMPFHEAD, which prints `record("sgmnt_data.<field>")=<value>`), so the M utility routines must
 * be on the routine path. Values: `acc_meth` is enum db_acc_method (gdsroot.h: dba_rms 0, dba_bg 1,
 * dba_mm 2); `jnl_state` is 0 journaling not allowed, 1 closed, 2 open (jnl.h); `shmid`/`semid`
 * are -1 while no process has the database open.
 */
export const databaseHeader = {
    fields: {
        accessMethod: "sgmnt_data.acc_meth",
        journalState: "sgmnt_data.jnl_state",
        journalFile: "sgmnt_data.jnl_file_name",
        shmid: "sgmnt_data.shmid",
        semid: "sgmnt_data.semid",
    },
    accessMethods: { BG: "1", MM: "2" },
    journalNotAllowed: "0",
} as const;

/**
 * The documents' recommendation for a database that some processes may read but not write, in
 * their words (GT.M V5.4 security model and YottaDB security philosophy, "Recommendations"): with
 * BG, a read-only process holding non-M code can change cached blocks in the shared memory that a
 * writer then flushes to disk.
 */
export const mixedAccessAdvice =
    "\"consider using MM if there are processes that are [...] not considered trustworthy but which need read-only access to database files\" and \"If MM cannot be used, and processes that are not considered trustworthy need read-only access to database files, run those processes on a replicating instance specifically set up for that purpose\" (GT.M security model; YottaDB security philosophy)";

/**
 * The ftok semaphore of a database: both runtimes create it with mode 0777 (YottaDB
 * sr_unix/ftok_sem_get_common.c, RWDALL) whatever the database's mode; it guards opening and
 * rundown, holds no data, and cannot be narrowed, so it is reported as information.
 */
export const ftokSemaphoreNote = "the runtime creates a database's ftok semaphore with mode 0777 whatever the file's mode (it holds no data; any user can hold it and delay opening or rundown of the database)";
