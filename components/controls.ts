/**
 * The control table: every check the policy pack and the host script make, with a stable id, its
 * severity on the policy SDK's scale, the source document and section it comes from, and the DISA
 * Database SRG requirement where a public copy of the SRG was found to state it (none is invented).
 *
 * Policies take their id, severity, tags and framework from here (policies/policy.ts); every host
 * report line names one of `hostControls` (components/host/sh/*.sh, held to this table by
 * test/components/host/sh.test.ts); the README's control table is `controlMarkdown()` (checked by
 * test/components/controls.test.ts).
 */

export type Severity = "low" | "medium" | "high" | "critical";
export const severities: readonly Severity[] = ["low", "medium", "high", "critical"];

/** DISA Database Security Requirements Guide, as published (V4R5; e.g. stigviewer.com, stighub.com). */
export const databaseSrg = { name: "DISA Database SRG", version: "V4R5" } as const;

interface SrgRequirement {
    readonly id: string;
    readonly requirement: string;
}

/** The SRG requirements the controls cite, each read from a public copy of the SRG. */
const srg = {
    portsProtocolsServices: {
        id: "SRG-APP-000142-DB-000094",
        requirement: "The DBMS must be configured to prohibit or restrict the use of organization-defined functions, ports, protocols, and/or services, as defined in the PPSM CAL and vulnerability assessments.",
    },
} as const satisfies Record<string, SrgRequirement>;

export interface Control {
    readonly title: string;
    readonly severity: Severity;
    /** Document and section, as the README names the documents (../shared/seeds). */
    readonly source: string;
    readonly srg?: SrgRequirement;
    /** A public page about the control, where one exists. */
    readonly url?: string;
}

const iris = "IRIS \"Secure InterSystems Processes and Operating-System Resources\"";
const gtm = "GT.M security model (V5.4)";
const yottadb = "YottaDB security philosophy";
const awsBaseline = "AWS baseline for data hosts";
const daemons = "\"Killing Daemons\"";
const daemonProcesses = "\"Unix daemon processes\"";
const installers = "the vendors' installers (configure.gtc)";
const ownTool = "mdb-hardening: the host script's own safety";
const schedule = "mdb-hardening: a host is known to be hardened now, not once (hardening.schedule)";

/** The policy pack's checks: each policy carries one (policies/policy.ts). */
export const policyControls = {
    "MDBH-NET-001": { title: "No world ingress to a database port", severity: "critical", source: `${iris}, "IP Protocols"; ${yottadb}, "permit only legitimate accesses"`, srg: srg.portsProtocolsServices },
    "MDBH-NET-002": { title: "The JDBC gateway stays on the host", severity: "high", source: `${iris}, "Gateways"`, srg: srg.portsProtocolsServices },
    "MDBH-NET-003": { title: "No private web server in production", severity: "high", source: `${iris}: the private web server is "not recommended for production"`, srg: srg.portsProtocolsServices },
    "MDBH-NET-004": { title: "Legacy services (telnet, SNMP, rpcbind, NFS) closed", severity: "high", source: "\"Killing Daemons\" (portmap, nfslock, inetd, snmpd); " + `${iris}, "SNMP"`, srg: srg.portsProtocolsServices },
    "MDBH-NET-005": { title: "SSH only from the administration networks", severity: "high", source: `${yottadb}, "restrict access to those who legitimately need it"` },
    "MDBH-NET-006": { title: "License traffic only between declared peers", severity: "medium", source: `${iris}, "IP Protocols" (license server)` },
    "MDBH-NET-007": { title: "No world ingress to a database port through a group's rules and prefix lists taken together", severity: "critical", source: `${iris}, "IP Protocols"; ${yottadb}, "permit only legitimate accesses"`, srg: srg.portsProtocolsServices },
    "MDBH-IRIS-001": { title: "An IRIS host's firewall rules follow the services its profile turns on and off", severity: "high", source: `${iris}: turn off what is not used (ECP, the private web server, the monitor service); InterSystems "Locked Down" security level`, srg: srg.portsProtocolsServices },
    "MDBH-AWS-001": { title: "No public IPv4 address on a database host", severity: "critical", source: `${gtm}: not for "a machine ... subject to direct attack"` },
    "MDBH-AWS-002": { title: "IMDSv2 required on a database host", severity: "high", source: awsBaseline, url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-instance-metadataoptions.html" },
    "MDBH-AWS-003": { title: "A database host's volumes are encrypted", severity: "high", source: awsBaseline },
    "MDBH-AWS-004": { title: "A database host is in a private subnet", severity: "high", source: `${gtm}: not for "a machine ... subject to direct attack"` },
    "MDBH-AWS-005": { title: "Volumes attached to a database host are encrypted", severity: "high", source: awsBaseline },
    "MDBH-AWS-006": { title: "No Elastic IP on a database host", severity: "critical", source: `${gtm}: not for "a machine ... subject to direct attack"` },
    "MDBH-PACK-001": { title: "Every waiver stays visible", severity: "low", source: "mdb-hardening: an exception to a policy is evidence an auditor asks for" },
    "MDBH-PACK-002": { title: "The latest hardening run has no unwaived findings at or above a set severity", severity: "high", source: "mdb-hardening host script report: a finding is what the profile wants and the host does not have, left unchanged" },
    "MDBH-HOST-001": { title: "Every database host is hardened by a component", severity: "high", source: `"Killing Daemons"; ${gtm}, "chgrp -R group $gtm_dist; chmod -R o-rwx $gtm_dist"`, srg: srg.portsProtocolsServices },
} as const satisfies Record<`MDBH-${string}`, Control>;

/** The host script's checks: every report line it prints for a check names one of these. */
export const hostControls = {
    "MDBH-HOST-002": { title: "The host script runs as root with every tool it needs", severity: "medium", source: ownTool },
    "MDBH-HOST-003": { title: "Every path changed as root is controlled by root alone", severity: "critical", source: `${gtm}, "Exceptions to the Normal User and Group Ids Rule" (gtmsecshr runs as root); ${ownTool}` },
    "MDBH-HOST-004": { title: "One run at a time, its state directory root's alone", severity: "medium", source: ownTool },
    "MDBH-HOST-005": { title: "The host script is run in a known mode with a well-formed token", severity: "low", source: ownTool },
    "MDBH-HOST-006": { title: "Only the ports the profile declares listen off loopback", severity: "high", source: `${daemons}; ${yottadb}, "Recommendations" (permit only legitimate accesses)`, srg: srg.portsProtocolsServices },
    "MDBH-HOST-007": { title: "Only allowed daemons run", severity: "medium", source: `${daemonProcesses} (no controlling terminal in ps); ${daemons}` },
    "MDBH-SVC-001": { title: "Optional daemons are stopped, disabled and masked", severity: "high", source: `${daemons} ("chkconfig X off": portmap, nfslock, lpd, atd, snmpd, gpm, …)`, srg: srg.portsProtocolsServices },
    "MDBH-SVC-002": { title: "No unit that keeps the host reachable, logged or protected is disabled", severity: "critical", source: `${daemons}: syslog, crond and network stay on` },
    "MDBH-SVC-003": { title: "Client programs of disabled daemons are mode 000", severity: "medium", source: `${daemons}, "atd" ("chmod 000 /usr/bin/at")` },
    "MDBH-SVC-004": { title: "cron is limited to the users in cron.allow", severity: "medium", source: `${daemons}, "crond" (limit its use to a small group of users)` },
    "MDBH-FW-001": { title: "The host firewall table is in force as rendered", severity: "high", source: `${yottadb} and ${gtm}, "Recommendations" (layers of defenses that permit only legitimate accesses); ${iris}, "IP Protocols"`, srg: srg.portsProtocolsServices },
    "MDBH-FW-002": { title: "The host firewall is loaded again at boot", severity: "high", source: `${yottadb} and ${gtm}, "Recommendations" (layers of defenses)` },
    "MDBH-FW-003": { title: "The firewall never locks out the SSH session applying it", severity: "critical", source: ownTool },
    "MDBH-GTM-001": { title: "The distribution group exists with the declared members", severity: "medium", source: `${gtm} and ${yottadb}, "Recommendations" (limit access to a group to which all users who need access belong)` },
    "MDBH-GTM-002": { title: "The distribution is in its group and closed to others", severity: "high", source: `${gtm}, "Recommendations" ("chgrp -R gtmusers $gtm_dist ; chmod -R o-rwx $gtm_dist"); ${yottadb}, "Recommendations"` },
    "MDBH-GTM-003": { title: "Nothing in the distribution is writable", severity: "high", source: `${installers}: chmod -R a-w, no setgid or sticky bit on the distribution directory` },
    "MDBH-GTM-004": { title: "gtmsecshr is root's and setuid as the installers leave it", severity: "high", source: `${gtm}, "Exceptions to the Normal User and Group Ids Rule" (an executable owned by root with the setuid bit); ${installers}` },
    "MDBH-GTM-005": { title: "No other file in the distribution is named gtmsecshr", severity: "critical", source: `${gtm}, "Exceptions to the Normal User and Group Ids Rule" (the gtmsecshr invocation chain)` },
    "MDBH-GTM-006": { title: "The distribution is the declared product and release", severity: "high", source: `${yottadb}, "Recommendations" (restrict.txt); ${installers}` },
    "MDBH-GTM-007": { title: "restrict.txt is as the profile declares", severity: "high", source: `${yottadb}, "Recommendations" (restrict.txt restricts facilities to a group)` },
    "MDBH-GTM-008": { title: "gtmsecshr's tmp directory is pinned and private", severity: "medium", source: `${gtm}, "Exceptions to the Normal User and Group Ids Rule" ($gtm_tmp inherited from the first process); ${yottadb} ($ydb_tmp)` },
    "MDBH-GTM-009": { title: "systemd-logind keeps the databases' shared memory (RemoveIPC=no)", severity: "medium", source: `${yottadb}, "Shared Resource Authorization Permissions"; ydbinstall sets RemoveIPC=no` },
    "MDBH-GTM-010": { title: "The distribution group grants no sudo", severity: "critical", source: `${gtm}, "Recommendations" (restrict access to those who legitimately need it)` },
    "MDBH-GTM-011": { title: "Configuration databases are read-only", severity: "medium", source: `${gtm}, "Recommendations" (a database file that does not change: read only for everyone)` },
    "MDBH-GTM-012": { title: "Database files are closed to others, their owner in their group", severity: "high", source: `${gtm}, "Recommendations" (ownership and permissions match the intended access; FIS advises against an owner outside the file's group)` },
    "MDBH-GTM-013": { title: "A database's header is read as its owner, never as root", severity: "medium", source: `${gtm}, "Recommendations"; ${ownTool}` },
    "MDBH-GTM-014": { title: "No BG database with mixed read-only and read-write access", severity: "high", source: `${gtm}, "Comments on the Shared Memory Exception for BG" and "Recommendations" (consider MM)` },
    "MDBH-GTM-015": { title: "A database's journal grants no more than the database file", severity: "high", source: `${yottadb}, "Shared Resource Authorization Permissions"` },
    "MDBH-GTM-016": { title: "A database's shared memory and semaphores grant no more than the file", severity: "high", source: `${yottadb}, "Shared Resource Authorization Permissions"; ${gtm}, "Recommendations" (shared resources)` },
    "MDBH-GTM-017": { title: "The distribution's files match their vendor's checksums", severity: "high", source: `${installers} (install_sha256_checksum.log); the package's checksums (dpkg --verify)` },
    "MDBH-IRIS-002": { title: "The IRIS configuration merge file is applied", severity: "high", source: `${iris}: turn off what is not used (ECP, the private web server, the monitor service)`, srg: srg.portsProtocolsServices },
    "MDBH-IRIS-003": { title: "The IRIS installation directory is acted on as its owner", severity: "high", source: `${iris} (the instance owner's installation directory); ${ownTool}` },
    "MDBH-IRIS-004": { title: "iris.cpf is read as its owner for the audit", severity: "medium", source: `${iris}; ${ownTool}` },
    "MDBH-SCHED-001": { title: "The scheduled copy of the host script is the rendered script, root's alone (0700, root-controlled directories)", severity: "high", source: `${schedule}; a file root runs must be writable by root alone` },
    "MDBH-SCHED-002": { title: "The schedule's service and timer run that copy in the profile's mode, on a calendar systemd accepts", severity: "medium", source: schedule },
    "MDBH-SCHED-003": { title: "The mdb-hardening timer is enabled (and started where systemd runs)", severity: "medium", source: schedule },
    "MDBH-SCHED-004": { title: "A schedule the profile no longer sets is removed; files this module did not write are left alone", severity: "low", source: schedule },
} as const satisfies Record<`MDBH-${string}`, Control>;

export const controls = { ...policyControls, ...hostControls } as const satisfies Record<`MDBH-${string}`, Control>;

export type ControlId = keyof typeof controls;
export type HostControlId = keyof typeof hostControls;

/** The README's control table. */
export function controlMarkdown(): string {
    const rows = Object.entries(controls).map(([id, c]: [string, Control]) => `| ${id} | ${c.title} | ${c.severity} | ${c.source} | ${c.srg?.id ?? ""} |`);
    return ["| control | title | severity | source | DISA Database SRG |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}
