/**
 * The control table: every check the policy pack makes, with a stable id, its severity on the
 * policy SDK's scale, the source document and section it comes from, and the DISA Database SRG
 * requirement where a public copy of the SRG was found to state it (none is invented).
 *
 * Policies take their id, severity, tags and framework from here (policies/policy.ts), and the
 * README's control table is `controlMarkdown()` (checked by test/components/controls.test.ts).
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
const schedule = "mdb-hardening: a host is known to be hardened now, not once (hardening.schedule)";

export const controls = {
    "MDBH-NET-001": { title: "No world ingress to a database port", severity: "critical", source: `${iris}, "IP Protocols"; ${yottadb}, "permit only legitimate accesses"`, srg: srg.portsProtocolsServices },
    "MDBH-NET-002": { title: "The JDBC gateway stays on the host", severity: "high", source: `${iris}, "Gateways"`, srg: srg.portsProtocolsServices },
    "MDBH-NET-003": { title: "No private web server in production", severity: "high", source: `${iris}: the private web server is "not recommended for production"`, srg: srg.portsProtocolsServices },
    "MDBH-NET-004": { title: "Legacy services (telnet, SNMP, rpcbind, NFS) closed", severity: "high", source: "\"Killing Daemons\" (portmap, nfslock, inetd, snmpd); " + `${iris}, "SNMP"`, srg: srg.portsProtocolsServices },
    "MDBH-NET-005": { title: "SSH only from the administration networks", severity: "high", source: `${yottadb}, "restrict access to those who legitimately need it"` },
    "MDBH-NET-006": { title: "License traffic only between declared peers", severity: "medium", source: `${iris}, "IP Protocols" (license server)` },
    "MDBH-IRIS-001": { title: "An IRIS host's firewall rules follow the services its profile turns on and off", severity: "high", source: `${iris}: turn off what is not used (ECP, the private web server, the monitor service); InterSystems "Locked Down" security level`, srg: srg.portsProtocolsServices },
    "MDBH-AWS-001": { title: "No public IPv4 address on a database host", severity: "critical", source: `${gtm}: not for "a machine ... subject to direct attack"` },
    "MDBH-AWS-002": { title: "IMDSv2 required on a database host", severity: "high", source: awsBaseline, url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-instance-metadataoptions.html" },
    "MDBH-AWS-003": { title: "A database host's volumes are encrypted", severity: "high", source: awsBaseline },
    "MDBH-AWS-004": { title: "A database host is in a private subnet", severity: "high", source: `${gtm}: not for "a machine ... subject to direct attack"` },
    "MDBH-AWS-005": { title: "Volumes attached to a database host are encrypted", severity: "high", source: awsBaseline },
    "MDBH-AWS-006": { title: "No Elastic IP on a database host", severity: "critical", source: `${gtm}: not for "a machine ... subject to direct attack"` },
    "MDBH-PACK-001": { title: "Every waiver stays visible", severity: "low", source: "mdb-hardening: an exception to a policy is evidence an auditor asks for" },
    "MDBH-HOST-001": { title: "Every database host is hardened by a component", severity: "high", source: `"Killing Daemons"; ${gtm}, "chgrp -R group $gtm_dist; chmod -R o-rwx $gtm_dist"`, srg: srg.portsProtocolsServices },
    "MDBH-SCHED-001": { title: "The scheduled copy of the host script is the rendered script, root's alone (0700, root-controlled directories)", severity: "high", source: `${schedule}; a file root runs must be writable by root alone` },
    "MDBH-SCHED-002": { title: "The schedule's service and timer run that copy in the profile's mode, on a calendar systemd accepts", severity: "medium", source: schedule },
    "MDBH-SCHED-003": { title: "The mdb-hardening timer is enabled (and started where systemd runs)", severity: "medium", source: schedule },
    "MDBH-SCHED-004": { title: "A schedule the profile no longer sets is removed; files this module did not write are left alone", severity: "low", source: schedule },
} as const satisfies Record<`MDBH-${string}`, Control>;

export type ControlId = keyof typeof controls;

/** The README's control table. */
export function controlMarkdown(): string {
    const rows = Object.entries(controls).map(([id, c]: [string, Control]) => `| ${id} | ${c.title} | ${c.severity} | ${c.source} | ${c.srg?.id ?? ""} |`);
    return ["| control | title | severity | source | DISA Database SRG |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}
