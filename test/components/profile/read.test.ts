import { describe, expect, it } from "vitest";
import { irisEndpoints, products } from "../../../components/catalog";
import { parseProfile, validateProfile } from "../../../components/profile";
import { formatIssue, ProfileError, type ValidationIssue } from "../../../components/validate";
import { problemsOf } from "../../helpers/errors";
import { admin, apps, gtmInput, irisInput, licenseServer } from "../../helpers/profiles";

function issuesOf(input: unknown): ValidationIssue[] {
    try {
        validateProfile(input);
    } catch (e) {
        expect(e).toBeInstanceOf(ProfileError);
        return [...(e as ProfileError).issues];
    }
    throw new Error("profile was accepted");
}

/** The formatted lines, as users see them. */
function problems(input: unknown): string[] {
    return issuesOf(input).map(formatIssue);
}

const network = (extra: Record<string, unknown>) => ({ adminCidrs: [admin], appClients: [apps], licenseServers: [licenseServer], ...extra });

describe("defaults", () => {
    it("fills an IRIS profile from the catalog", () => {
        const p = validateProfile(irisInput());
        expect(p.roles).toEqual(["database"]);
        expect(p.iris).toEqual({
            instance: products.iris.defaultInstance,
            installDir: products.iris.defaultInstallDir,
            features: { ecp: false, privateWebServer: false, jdbcGateway: false, monitor: false, mirror: false },
            ports: {
                superserver: irisEndpoints.superserver.port,
                webServer: irisEndpoints.webServer.port,
                jdbcGateway: irisEndpoints.jdbcGateway.port,
                licenseServer: irisEndpoints.licenseServer.port,
                iscAgent: irisEndpoints.iscAgent.port,
            },
            lockdown: false,
        });
        expect(p.hardening).toEqual({ firewall: true, services: true, distribution: false, irisConfig: true });
        expect(p.network.sshPort).toBe(22);
        expect(p.network.egress).toEqual([]);
    });

    it("fills a GT.M distribution from the catalog", () => {
        const p = validateProfile(gtmInput());
        expect(p.distribution).toEqual({
            path: "/usr/lib/x86_64-linux-gnu/fis-gtm/V7.0-005_x86_64",
            group: "gtmusers",
            members: ["alice"],
            verifyIntegrity: false,
            tmpDir: "/var/lib/gtm_tmp",
            restrict: {},
        });
        expect(p.hardening.distribution).toBe(true);
    });

    it("uses yottadbusers for YottaDB and accepts restrict.txt facilities", () => {
        const p = validateProfile(gtmInput({ product: "yottadb", distribution: { path: "/opt/yottadb/r2.02", restrict: { ZSYSTEM: "ydbadmin", DSE: "ydbadmin" } } }));
        expect(p.distribution?.group).toBe("yottadbusers");
        expect(p.distribution?.restrict).toEqual({ ZSYSTEM: "ydbadmin", DSE: "ydbadmin" });
    });

    it("re-validating a validated profile gives the same profile", () => {
        const p = validateProfile(irisInput({
            iris: { features: { mirror: true }, superserverBindAddress: "10.0.5.20" },
            network: network({ mirrorMembers: ["10.3.0.11/32"], arbiter: "10.3.0.5/32", ingress: [{ name: "api", port: 8443, from: [apps] }], egress: [{ name: "dns", port: 53, protocol: "udp", to: ["10.0.0.2/32"] }] }),
        }));
        expect(p.network.ingress).toEqual([{ name: "api", port: 8443, protocol: "tcp", from: [apps] }]);
        expect(validateProfile(p)).toEqual(p);
        const y = validateProfile(gtmInput({ product: "yottadb", distribution: { path: "/opt/ydb", restrict: { DSE: "ydbadmin" } }, databases: { files: ["/data/ydb/yottadb.dat"] } }));
        expect(validateProfile(y)).toEqual(y);
    });
});

describe("bad input names the field and the value", () => {
    it("rejects an invalid CIDR", () => {
        expect(problems(irisInput({ network: network({ adminCidrs: ["10.0.0.300/24"] }) }))).toEqual([
            'network.adminCidrs[0]: invalid CIDR: is not an IPv4 or IPv6 address with a prefix (got "10.0.0.300/24")',
        ]);
        expect(problems(irisInput({ network: network({ appClients: ["10.1.0.5/24"] }) }))).toEqual([
            'network.appClients[0]: invalid CIDR: has host bits set beyond /24; the network is 10.1.0.0/24 (got "10.1.0.5/24")',
        ]);
        expect(problems(irisInput({ network: network({ appClients: ["10.1.0.5"] }) }))).toEqual([
            'network.appClients[0]: invalid CIDR: must be in CIDR notation address/prefix (use /32 or /128 for one host) (got "10.1.0.5")',
        ]);
        expect(problems(irisInput({ network: network({ appClients: ["fd00::1/64"] }) }))).toEqual([
            'network.appClients[0]: invalid CIDR: has host bits set beyond /64 (got "fd00::1/64")',
        ]);
        expect(problems(irisInput({ network: network({ appClients: ["10.1.0.0/33"] }) }))).toEqual([
            'network.appClients[0]: invalid CIDR: prefix must be 0..32 (got "10.1.0.0/33")',
        ]);
    });

    it("accepts IPv6 networks", () => {
        const p = validateProfile(irisInput({ network: network({ appClients: ["fd00:1::/64", "::ffff:10.1.0.0/120"] }) }));
        expect(p.network.appClients).toEqual(["fd00:1::/64", "::ffff:10.1.0.0/120"]);
    });

    it("rejects world-open admin and database ports", () => {
        expect(problems(irisInput({ network: network({ adminCidrs: ["0.0.0.0/0"] }) }))).toEqual([
            'network.adminCidrs[0]: opens SSH to the whole Internet; list the networks that need it (got "0.0.0.0/0")',
        ]);
        expect(problems(irisInput({ network: network({ appClients: ["::/0"] }) }))).toEqual([
            'network.appClients[0]: opens the superserver to the whole Internet; list the networks that need it (got "::/0")',
        ]);
        expect(problems(gtmInput({ network: { adminCidrs: [admin], ingress: [{ name: "api", port: 8443, from: ["0.0.0.0/0"] }] } }))).toEqual([
            'network.ingress[0].from[0]: opens api to the whole Internet; list the networks that need it (got "0.0.0.0/0")',
            'network.ingress[0].from: must list at least one CIDR (got ["0.0.0.0/0"])',
        ]);
    });

    it("rejects sources that together cover the whole Internet", () => {
        expect(problems(irisInput({ network: network({ adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }) }))).toEqual([
            'network.adminCidrs: together cover all of IPv4: that opens SSH to the whole Internet; list the networks that need it (got ["0.0.0.0/1","128.0.0.0/1"])',
        ]);
        expect(problems(irisInput({ network: network({ appClients: [apps, "8000::/1", "::/1"] }) }))).toEqual([
            `network.appClients: together cover all of IPv6: that opens the superserver to the whole Internet; list the networks that need it (got ["${apps}","8000::/1","::/1"])`,
        ]);
        expect(validateProfile(irisInput({ network: network({ adminCidrs: ["0.0.0.0/1", "128.0.0.0/2"] }) })).network.adminCidrs).toEqual(["0.0.0.0/1", "128.0.0.0/2"]);
    });

    it("names the field of a CIDR or address that nftables would refuse or misread, never throwing", () => {
        expect(problems(irisInput({ network: network({ adminCidrs: ["fe80::%1/64"] }) }))).toEqual([
            'network.adminCidrs[0]: invalid CIDR: must not carry an IPv6 zone id (%...): a firewall or security group rule cannot name an interface (got "fe80::%1/64")',
        ]);
        expect(problems(irisInput({ network: network({ appClients: ["10.0.0.0/08", "010.1.0.0/16"] }) }))).toEqual([
            'network.appClients[0]: invalid CIDR: prefix must be 0..32 without leading zeros (got "10.0.0.0/08")',
            'network.appClients[1]: invalid CIDR: IPv4 octets must not have leading zeros (nftables reads 010 as octal 8) (got "010.1.0.0/16")',
        ]);
        expect(problems(irisInput({ iris: { superserverBindAddress: "fe80::1%eth0" } }))).toEqual([
            'iris.superserverBindAddress: must be an IPv4 or IPv6 address (got "fe80::1%eth0")',
        ]);
    });

    it("rejects two endpoints on one port", () => {
        expect(problems(irisInput({ iris: { ports: { webServer: 1972 } } }))).toEqual([
            "iris.ports.webServer: port collision: superserver and webServer both use 1972/tcp (got 1972)",
        ]);
        expect(problems(irisInput({ iris: { ports: { licenseServer: 1972 } } }))).toEqual([
            "iris.ports.licenseServer: port collision: superserver and licenseQueryCallback both use 1972/tcp (got 1972)",
        ]);
        expect(problems(gtmInput({ network: { adminCidrs: [admin], sshPort: 2222, ingress: [{ name: "api", port: 2222, from: [apps] }] } }))).toEqual([
            "network.ingress (api).port: port collision: ssh and ingress api both use 2222/tcp (got 2222)",
        ]);
    });

    it("refuses the private web server in production", () => {
        expect(problems(irisInput({ iris: { features: { privateWebServer: true } } }))).toEqual([
            "iris.features.privateWebServer: the private web server is for development and must not run in production (environment: production); serve the Management Portal through a Web Gateway (got true)",
        ]);
        expect(validateProfile(irisInput({ environment: "development", iris: { features: { privateWebServer: true } } })).iris?.features.privateWebServer).toBe(true);
    });

    it("takes an optional superserver bind address, one IP address", () => {
        expect(validateProfile(irisInput({ iris: { superserverBindAddress: "10.0.5.20" } })).iris?.superserverBindAddress).toBe("10.0.5.20");
        expect(validateProfile(irisInput({ iris: { superserverBindAddress: "fd00::20" } })).iris?.superserverBindAddress).toBe("fd00::20");
        expect(validateProfile(irisInput()).iris).not.toHaveProperty("superserverBindAddress");
        expect(problems(irisInput({ iris: { superserverBindAddress: "10.0.5.0/24" } }))).toEqual([
            'iris.superserverBindAddress: must be an IPv4 or IPv6 address (got "10.0.5.0/24")',
        ]);
        expect(problems(irisInput({ iris: { superserverBindAddress: "db.example" } }))).toEqual([
            'iris.superserverBindAddress: must be an IPv4 or IPv6 address (got "db.example")',
        ]);
        expect(problems(irisInput({ iris: { superserverBindAddress: "0.0.0.0" } }))).toEqual([
            'iris.superserverBindAddress: must be one address, not the unspecified address (leave the setting out for every address) (got "0.0.0.0")',
        ]);
        expect(problems(irisInput({ iris: { superserverBindAddress: "::" } }))).toEqual([
            'iris.superserverBindAddress: must be one address, not the unspecified address (leave the setting out for every address) (got "::")',
        ]);
    });

    it("takes the IRIS release as YEAR.N, never a CPF format version or another form", () => {
        expect(validateProfile(irisInput({ iris: { version: "2024.1" } })).iris?.version).toBe("2024.1");
        // YAML reads an unquoted 2023.2 as a number.
        expect(parseProfile("name: iris-1\nproduct: iris\nenvironment: production\niris: { version: 2023.2 }\n").iris?.version).toBe("2023.2");
        expect(validateProfile(irisInput()).iris).not.toHaveProperty("version");
        const refused = (version: unknown) => `iris.version: must be the IRIS release as YEAR.N (e.g. "2024.1"), not the CPF's [ConfigFile] Version (got ${JSON.stringify(version)})`;
        for (const version of ["2020.15", "2024.1.2", "2024", "v2024.1", "1999.1", "2024.0", ""]) {
            expect(problems(irisInput({ iris: { version } }))).toEqual([refused(version)]);
        }
        expect(problems(irisInput({ iris: { version: 2024 } }))).toEqual([refused(2024)]);
    });

    it("takes iris.lockdown as a boolean only", () => {
        expect(validateProfile(irisInput({ iris: { lockdown: true } })).iris?.lockdown).toBe(true);
        expect(problems(irisInput({ iris: { lockdown: "yes" } }))).toEqual(['iris.lockdown: must be true or false (got "yes")']);
        expect(problems(irisInput({ iris: { lockDown: true } }))).toEqual([
            'iris.lockDown: unknown field; expected one of: instance, installDir, features, ports, superserverBindAddress, version, mirror, lockdown (got "lockDown")',
        ]);
    });

    it("takes a mirrored instance's arbiter (address, port) and virtual address, each checked", () => {
        const mirrored = (mirror: unknown, network: Record<string, unknown> = {}) => irisInput({
            iris: { features: { mirror: true }, mirror },
            network: { adminCidrs: ["10.9.0.0/24"], mirrorMembers: ["10.0.0.11/32"], arbiter: ["10.0.0.13/32"], ...network },
        });
        expect(validateProfile(mirrored({ arbiter: { address: "10.0.0.13" }, virtualAddress: "10.0.0.50" })).iris?.mirror).toEqual({
            arbiter: { address: "10.0.0.13", port: irisEndpoints.iscAgent.port }, virtualAddress: "10.0.0.50",
        });
        expect(problems(mirrored({ arbiter: { address: "arbiter.example", port: 70000 }, virtualAddress: "10.0.0.0/24", witness: 1 }))).toEqual([
            'iris.mirror.witness: unknown field; expected one of: arbiter, virtualAddress (got "witness")',
            'iris.mirror.arbiter.address: must be an IPv4 or IPv6 address (got "arbiter.example")',
            "iris.mirror.arbiter.port: must be an integer port between 1 and 65535 (got 70000)",
            'iris.mirror.virtualAddress: must be an IPv4 or IPv6 address (got "10.0.0.0/24")',
        ]);
        expect(problems(mirrored({ arbiter: { address: "10.0.0.14" } }))).toEqual([
            'iris.mirror.arbiter.address: is not in network.arbiter, the list the firewall lets the host reach the arbiter in (got "10.0.0.14")',
        ]);
        expect(problems(irisInput({ iris: { mirror: { virtualAddress: "10.0.0.50" } } }))).toEqual([
            'iris.mirror: applies to mirrored instances only (iris.features.mirror: true) (got {"virtualAddress":"10.0.0.50"})',
        ]);
        expect(problems(irisInput({
            iris: { features: { mirror: true }, superserverBindAddress: "10.0.0.12", mirror: { virtualAddress: "10.0.0.50" } },
            network: { adminCidrs: ["10.9.0.0/24"], mirrorMembers: ["10.0.0.11/32"] },
        }))).toEqual([
            'iris.superserverBindAddress: binds the superserver to one address, so clients of the mirror\'s virtual address 10.0.0.50 (iris.mirror.virtualAddress) are refused (got "10.0.0.12")',
        ]);
    });

    it("rejects an unknown product", () => {
        expect(problems({ ...irisInput(), product: "cache" })).toEqual([
            'product: must be one of: iris, gtm, yottadb (got "cache")',
        ]);
        expect(problems({ name: "x", environment: "production" })).toEqual([
            "product: is required; one of: iris, gtm, yottadb (got undefined)",
        ]);
    });

    it("rejects paths, groups, members and units that are not plain", () => {
        const bad = problems(gtmInput({
            distribution: { path: "/opt/gtm/../..", group: "gtm users", members: ["alice", "bob;rm -rf /"], tmpDir: "tmp" },
            services: { keep: ["cups"], disable: ["$(reboot).service"] },
        }));
        expect(bad).toEqual([
            "distribution.path: must be a normalised absolute path of plain characters (A-Z a-z 0-9 . _ + @ - /), without '.', '..', '//' or a trailing '/' (got \"/opt/gtm/../..\")",
            'distribution.group: must be a plain POSIX user or group name ([a-z_][a-z0-9_-]*, at most 32 characters) (got "gtm users")',
            'distribution.members[1]: must be a plain POSIX user or group name ([a-z_][a-z0-9_-]*, at most 32 characters) (got "bob;rm -rf /")',
            'distribution.tmpDir: must be an absolute path (got "tmp")',
            'services.keep[0]: must be a systemd unit name ending in .service, .socket, .path or .timer (got "cups")',
            'services.disable[0]: must be a systemd unit name ending in .service, .socket, .path or .timer (got "$(reboot).service")',
        ]);
        expect(problems(gtmInput({ distribution: { path: "/" } }))).toEqual([
            "distribution.path: must be a normalised absolute path of plain characters (A-Z a-z 0-9 . _ + @ - /), without '.', '..', '//' or a trailing '/' (got \"/\")",
        ]);
    });

    it("refuses the groups the vendor installers refuse", () => {
        expect(problems(gtmInput({ distribution: { path: "/opt/gtm", group: "bin" } }))).toEqual([
            'distribution.group: FIS GT.M refuses root/bin as the restriction group: everyone with that group would keep access (got "bin")',
        ]);
        expect(problems(gtmInput({ product: "yottadb", distribution: { path: "/opt/ydb", group: "root" } }))).toEqual([
            'distribution.group: YottaDB refuses root as the restriction group: everyone with that group would keep access (got "root")',
        ]);
    });

    it("applies the IRIS configuration only where an instance runs", () => {
        expect(problems(gtmInput({ hardening: { irisConfig: true } }))).toEqual([
            "hardening.irisConfig: applies to IRIS hosts with the database role (they run the instance) (got true)",
        ]);
        expect(validateProfile(irisInput({ roles: ["license-server"], network: { adminCidrs: [admin], licenseClients: [apps] } })).hardening.irisConfig).toBe(false);
    });

    it("reads an opt-in schedule: the mode required, the calendar daily by default and in systemd's characters only", () => {
        expect(validateProfile(gtmInput()).hardening.schedule).toBeUndefined();
        expect(validateProfile(gtmInput({ hardening: { schedule: { mode: "check" } } })).hardening.schedule).toEqual({ mode: "check", onCalendar: "daily" });
        for (const onCalendar of ["Mon..Fri *-*-* 02:30:00", "*:0/15", "Sat *-*-1..7 04:00 Europe/Berlin", "*-*-* 03:00 Etc/GMT+5", "*-02~03", "hourly"]) {
            expect(validateProfile(gtmInput({ hardening: { schedule: { mode: "apply", onCalendar } } })).hardening.schedule).toEqual({ mode: "apply", onCalendar });
        }
        const message = "must be a systemd calendar expression such as daily, Mon..Fri 02:30 or *-*-* 03:00 UTC (letters, digits and * , . : / ~ _ + -, single spaces between words, at most 128 characters)";
        for (const onCalendar of ["daily\n[Service]", "daily\nExecStart=/bin/sh", "%H:00", "'daily'", "daily;id", "$(id)", " daily", "daily ", "Mon  02:00", "-1", "", "x".repeat(129), "daily\\"]) {
            expect(problems(gtmInput({ hardening: { schedule: { mode: "check", onCalendar } } }))).toEqual([`hardening.schedule.onCalendar: ${message} (got ${JSON.stringify(onCalendar)})`]);
        }
        expect(problems(gtmInput({ hardening: { schedule: { mode: "check", onCalendar: 12 } } }))).toEqual([`hardening.schedule.onCalendar: ${message} (got 12)`]);
        expect(problems(gtmInput({ hardening: { schedule: {} } }))).toEqual(["hardening.schedule.mode: is required; one of: check, apply (got undefined)"]);
        expect(problems(gtmInput({ hardening: { schedule: { mode: "repair", every: "day" } } }))).toEqual([
            'hardening.schedule.every: unknown field; expected one of: mode, onCalendar (got "every")',
            'hardening.schedule.mode: must be one of: check, apply (got "repair")',
        ]);
        expect(problems(gtmInput({ hardening: { schedule: "daily" } }))).toEqual(['hardening.schedule: must be a mapping (got "daily")']);
    });

    it("never disables a unit the host needs to stay reachable, logged and protected", () => {
        const units = [
            "ssh.service", "cron.service", "rsyslog.service", "nftables.service", "dbus.socket", "systemd-journald-dev-log.socket",
            "systemd-networkd.socket", "ifup@eth0.service", "getty@tty1.service", "serial-getty@ttyS0.service", "systemd-udevd-kernel.socket",
            "systemd-logind.service", "sshd.socket", "firewalld.service",
        ];
        const needs: Record<string, string> = {
            "ssh.service": "sshd", "cron.service": "cron", "rsyslog.service": "syslog", "nftables.service": "the host firewall", "dbus.socket": "dbus",
            "systemd-journald-dev-log.socket": "syslog", "systemd-networkd.socket": "network", "ifup@eth0.service": "network", "getty@tty1.service": "logins",
            "serial-getty@ttyS0.service": "logins", "systemd-udevd-kernel.socket": "devices", "systemd-logind.service": "logins", "sshd.socket": "sshd",
            "firewalld.service": "the host firewall",
        };
        expect(problems(gtmInput({ services: { disable: units } }))).toEqual(units.map((u) =>
            `services.disable: is needed for ${needs[u]} (the host must stay reachable, logged and protected) and is never disabled (got "${u}")`));
        // A template's prefix alone is not a match: only its instances are.
        expect(validateProfile(gtmInput({ services: { disable: ["gettyx.service", "getty.service", "getty@tty1.socket"] } })).services.disable).toHaveLength(3);
    });

    it("refuses a profile over 1 MiB before parsing it", () => {
        const big = `name: big\nproduct: gtm\n# ${"x".repeat(1024 * 1024)}\n`;
        expect(problemsOf(() => parseProfile(big, "big.yaml"))).toEqual([
            `(file): a profile file is at most 1048576 bytes (1 MiB) (got "${Buffer.byteLength(big)} bytes")`,
        ]);
        // Multi-byte characters count as bytes, not as characters.
        const wide = `# ${"é".repeat(600 * 1024)}\n`;
        expect(wide.length).toBeLessThan(1024 * 1024);
        expect(problemsOf(() => parseProfile(wide))).toEqual([`(file): a profile file is at most 1048576 bytes (1 MiB) (got "${Buffer.byteLength(wide)} bytes")`]);
    });

    it("refuses a privileged group as the distribution group", () => {
        for (const group of ["sudo", "wheel", "adm", "disk", "shadow", "docker", "lxd", "staff", "systemd-journal"]) {
            expect(problems(gtmInput({ distribution: { path: "/opt/gtm", group } }))).toEqual([
                `distribution.group: is a group with privileges of its own (administration, disks, logs or containers): the members added to it would get them; use a group of its own such as gtmusers (got "${group}")`,
            ]);
        }
        expect(problems(gtmInput({ distribution: { path: "/opt/gtm", group: "root" } }))).toEqual([
            'distribution.group: FIS GT.M refuses root/bin as the restriction group: everyone with that group would keep access (got "root")',
        ]);
    });

    it("reports unknown fields so a typo cannot silently drop a setting", () => {
        expect(problems(irisInput({ network: { adminCidr: [admin] } }))).toEqual([
            expect.stringMatching(/^network\.adminCidr: unknown field; expected one of: sshPort, adminCidrs, /),
        ]);
    });

    it("checks that peer lists match the features and roles that use them", () => {
        expect(problems(irisInput({ network: network({ ecpClients: ["10.4.0.0/24"], jdbcClients: ["10.5.0.0/24"], snmpManagers: ["10.6.0.0/24"] }) }))).toEqual([
            'network.ecpClients: ECP clients need iris.features.ecp: true (got ["10.4.0.0/24"])',
            'network.jdbcClients: JDBC clients need iris.features.jdbcGateway: true (got ["10.5.0.0/24"])',
            'network.snmpManagers: SNMP managers need iris.features.monitor: true on a database host (got ["10.6.0.0/24"])',
        ]);
        // The monitor service runs in an instance: a license server's SNMP managers would open nothing.
        expect(problems(irisInput({ roles: ["license-server"], iris: { features: { monitor: true } }, network: { adminCidrs: [admin], licenseClients: [apps], snmpManagers: ["10.6.0.0/24"] } }))).toEqual([
            'network.snmpManagers: SNMP managers need iris.features.monitor: true on a database host (got ["10.6.0.0/24"])',
        ]);
        expect(problems(irisInput({ iris: { features: { mirror: true } } }))).toEqual([
            "network.mirrorMembers: mirroring needs the other members' addresses (got [])",
        ]);
        expect(problems(irisInput({ roles: ["license-server"], network: { adminCidrs: [admin] } }))).toEqual([
            "network.licenseClients: a license server needs the instances it serves (got [])",
        ]);
        expect(problems(gtmInput({ network: { adminCidrs: [admin], appClients: [apps] } }))).toEqual([
            'network.appClients: is an IRIS setting; FIS GT.M has no network listener of its own — declare the application\'s listener in network.ingress (got ["10.1.0.0/24"])',
        ]);
        expect(problems(gtmInput({ roles: ["arbiter"] }))).toEqual([
            'roles: role arbiter exists only for IRIS; a FIS GT.M host is a database host (got ["arbiter"])',
        ]);
    });

    it("collects every problem at once", () => {
        const issues = issuesOf({ name: "Bad_Name", product: "gtm", environment: "prod", distribution: { path: "rel" } });
        expect(issues.map((i) => i.field)).toEqual(["name", "environment", "distribution.path"]);
    });
});

describe("restrict.txt and the declared release", () => {
    const gtmDist = (extra: Record<string, unknown>) => gtmInput({ distribution: { path: "/opt/gtm", ...extra } });
    const ydbDist = (extra: Record<string, unknown>) => gtmInput({ product: "yottadb", distribution: { path: "/opt/ydb", ...extra } });

    it("accepts restrict.txt for GT.M (it has one since V6.3-002) and a declared release", () => {
        const p = validateProfile(gtmDist({ version: "V7.0-005", restrict: { ZSYSTEM: "gtmadmin", ZLINK: "gtm-ops" } }));
        expect(p.distribution?.version).toBe("V7.0-005");
        expect(p.distribution?.restrict).toEqual({ ZSYSTEM: "gtmadmin", ZLINK: "gtm-ops" });
        expect(validateProfile(ydbDist({ version: "r2.08", restrict: { LKE: "ydbadmin" } })).distribution?.version).toBe("r2.08");
    });

    it("refuses a line the declared release cannot parse, naming the facility", () => {
        expect(problems(gtmDist({ version: "V7.0-004", restrict: { ZLINK: "gtmadmin", LKE: "gtmadmin" } }))).toEqual([
            'distribution.restrict.ZLINK: ZLINK needs GT.M V7.0-005 or later; V7.0-004 cannot parse "ZLINK:gtmadmin", and a line it cannot parse restricts every facility for everyone (distribution.version is V7.0-004) (got "gtmadmin")',
        ]);
        expect(problems(ydbDist({ version: "r1.34", restrict: { LOGDENIALS: "ydbadmin", DSE: "ydb-admin" } }))).toEqual([
            'distribution.restrict.LOGDENIALS: LOGDENIALS needs GT.M V6.3-013 or later; r1.34 (based on GT.M V6.3-011) cannot parse "LOGDENIALS:ydbadmin", and a line it cannot parse restricts every facility for everyone (distribution.version is r1.34) (got "ydbadmin")',
            'distribution.restrict.DSE: a group name with "-" or "." needs GT.M V6.3-013 (YottaDB r1.36) or later; r1.34 (based on GT.M V6.3-011) cannot parse "DSE:ydb-admin", and a line it cannot parse restricts every facility for everyone (distribution.version is r1.34) (got "ydb-admin")',
        ]);
        expect(() => validateProfile(ydbDist({ version: "r1.36", restrict: { LOGDENIALS: "ydbadmin", DSE: "ydb-admin" } }))).not.toThrow();
        expect(() => validateProfile(gtmDist({ version: "V6.3-003A", restrict: { HALT: "gtmadmin" } }))).not.toThrow();
        expect(problems(gtmDist({ version: "V6.3-002", restrict: { HALT: "gtmadmin" } }))).toHaveLength(1);
    });

    it("refuses a release in the wrong form, an unknown YottaDB release, a facility it does not know and logDir", () => {
        expect(problems(gtmDist({ version: "r2.06" }))).toEqual(['distribution.version: must be a FIS GT.M release such as V7.0-005 (got "r2.06")']);
        expect(problems(ydbDist({ version: "r1.21" }))[0]).toMatch(/^distribution\.version: is not a YottaDB release known here \(r1\.10, .*, r2\.06, or newer\) \(got "r1\.21"\)$/);
        expect(problems(gtmDist({ restrict: { ZSYSTEM_FILTER: "gtmadmin" } }))[0]).toMatch(/^distribution\.restrict\.ZSYSTEM_FILTER: unknown field; expected one of: BREAK, /);
        expect(problems(gtmDist({ restrict: { ZSYSTEM: "Admins" } }))[0]).toMatch(/^distribution\.restrict\.ZSYSTEM: must be a plain POSIX/);
        expect(problems(gtmDist({ logDir: "/var/log/gtm" }))[0]).toMatch(/^distribution\.logDir: is no longer read: gtmsecshr never gets it .* remove the field \(got "\/var\/log\/gtm"\)$/);
    });
});

describe("YAML profiles", () => {
    it("parses a profile file", () => {
        const p = parseProfile(`name: ydb-1\nproduct: yottadb\nenvironment: staging\ndistribution:\n  path: /opt/yottadb/r2.02\n`, "ydb.yaml");
        expect(p.distribution?.path).toBe("/opt/yottadb/r2.02");
    });

    it("names the file and line of YAML errors and duplicate keys", () => {
        expect(() => parseProfile("name: a\nname: b\n", "dup.yaml")).toThrow('dup.yaml is invalid:\n  - (yaml): Map keys must be unique at line 2, column 1 (got "name: b")');
    });

    it("reports validation errors with the source", () => {
        expect(() => parseProfile("name: a\nproduct: iris\nenvironment: production\nnetwork: { adminCidrs: [0.0.0.0/0] }\n", "iris.yaml")).toThrow(
            'iris.yaml is invalid:\n  - network.adminCidrs[0]: opens SSH to the whole Internet; list the networks that need it (got "0.0.0.0/0")',
        );
    });
});
