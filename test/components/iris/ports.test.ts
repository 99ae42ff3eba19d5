import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditAfterMerge } from "../../../components/iris/apply";
import { CpfSyntaxError } from "../../../components/iris/cpf";
import { renderMergeFile } from "../../../components/iris/merge";
import { auditCpf, readInstanceEndpoints, reconcile, type Deviation, type InstanceEndpoints } from "../../../components/iris/ports";
import { validateProfile, type HostProfile } from "../../../components/profile";
import { problemsOf } from "../../helpers/errors";
import { admin, apps, iris, licenseServer } from "../../helpers/profiles";
import { projectRoot } from "../../helpers/example";

const FIXTURES = join(projectRoot, "test", "fixtures", "cpf");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const network = (extra: Record<string, unknown>) => ({ adminCidrs: [admin], appClients: [apps], licenseServers: [licenseServer], ...extra });

const noMirror = { members: [], definitions: [], configuredBy: [] };
/** The full iris.cpf files: [MirrorMember] JoinMirror=0 and no mirror. */
const notMirrored = { ...noMirror, joinMirror: false };
/** Deviations other than the web server's, for partial files that leave [Startup] WebServer out. */
/** Deviations other than the profile's license server, which the small files below do not list. */
const besidesLicense = (deviations: Deviation[]) => deviations.filter((d) => d.field !== "network.licenseServers");
const besidesWebServer = (deviations: Deviation[]) => deviations.filter((d) => d.field !== "iris.version" && d.field !== "iris.features.privateWebServer");

describe("readInstanceEndpoints: full iris.cpf files", () => {
    it("Caché 2012.2 on Windows: moved ports, [SQL] JDBCGatewayPort, an ECP data server", () => {
        expect(readInstanceEndpoints(fixture("cache-2012.2-ensemble-windows.cpf"))).toEqual<InstanceEndpoints>({
            superserver: { port: 1975 },
            webServer: { kind: "private", running: true, port: 57775 },
            jdbcGateway: { port: 62973, location: { section: "SQL", key: "JDBCGatewayPort" } },
            gateways: [],
            licenseServers: [{ name: "LOCAL", address: "127.0.0.1", port: 4001 }],
            ecp: { dataServers: 5, applicationServers: 1, servers: [{ name: "CACHE18DB", address: "10.1.50.66", port: 1972 }] },
            mirror: notMirrored,
            telnet: { port: 23 },
        });
    });

    it("IRIS 2020.1 on Linux with CRLF line breaks: an ECP data server on another port", () => {
        expect(readInstanceEndpoints(fixture("iris-2020.1-ecp-linux-crlf.cpf"))).toEqual<InstanceEndpoints>({
            superserver: { port: 1972 },
            webServer: { kind: "private", running: true, port: 52773 },
            jdbcGateway: { port: 53773, location: { section: "SQL", key: "JDBCGatewayPort" } },
            gateways: [],
            licenseServers: [{ name: "LOCAL", address: "127.0.0.1", port: 4002 }],
            ecp: { dataServers: 2, applicationServers: 1, servers: [{ name: "CECP", address: "192.168.0.6", port: 41773 }] },
            mirror: notMirrored,
            telnet: { port: 23 },
        });
    });

    it("IRIS 2020.4 on Linux: defaults, empty mirror settings", () => {
        expect(readInstanceEndpoints(fixture("iris-2020.4-shard-linux.cpf"))).toEqual<InstanceEndpoints>({
            superserver: { port: 1972 },
            webServer: { kind: "private", running: true, port: 52773 },
            jdbcGateway: { port: 53773, location: { section: "SQL", key: "JDBCGatewayPort" } },
            gateways: [],
            licenseServers: [{ name: "LOCAL", address: "127.0.0.1", port: 4002 }],
            ecp: { dataServers: 2, applicationServers: 1, servers: [] },
            mirror: notMirrored,
            telnet: { port: 23 },
        });
    });

    it("IRIS for Health 2023.3 on Windows: gateways in [Gateways], the JDBC one taken from there", () => {
        expect(readInstanceEndpoints(fixture("irishealth-2023.3-windows.cpf"))).toEqual<InstanceEndpoints>({
            superserver: { port: 1972 },
            webServer: { kind: "private", running: true, port: 52773 },
            jdbcGateway: { port: 53772, location: { section: "Gateways", key: "%JDBC Server" } },
            gateways: [
                { name: "%DotNet Server", type: ".NET", port: 53372 },
                { name: "%IntegratedML Server", type: "ML", port: 53572 },
                { name: "%JDBC Server", type: "JDBC", port: 53772 },
                { name: "%Java Server", type: "Java", port: 53272 },
                { name: "%Python Server", type: "Python", port: 53472 },
                { name: "%R Server", type: "R", port: 53872 },
                { name: "%XSLT Server", type: "XSLT", port: 53672 },
                { name: "FHIR_Validation_Server", type: "Java", port: 53972 },
            ],
            licenseServers: [{ name: "LOCAL", address: "127.0.0.1", port: 52773 }],
            ecp: { dataServers: 2, applicationServers: 1, servers: [] },
            mirror: notMirrored,
            telnet: { port: 23 },
        });
    });
});

describe("readInstanceEndpoints: partial files", () => {
    it("reads the canonical mirror settings of a public mirror-member merge file", () => {
        expect(readInstanceEndpoints(fixture("merge-2020.4-mirror-backup.conf")).mirror).toEqual({
            setName: "mymirror",
            member: "backup",
            primary: "10.0.0.11",
            arbiter: { address: "10.0.0.13", port: 2188, at: "[Startup] ArbiterURL" },
            members: [],
            definitions: [],
            configuredBy: ["[Startup] MirrorSetName=mymirror", "[Startup] MirrorMember=backup", "[Startup] MirrorPrimary=10.0.0.11", "[Startup] ArbiterURL=10.0.0.13:2188"],
        });
        const shard = readInstanceEndpoints(fixture("merge-2020.4-mirrored-shard-data.conf"));
        expect(shard.mirror).toEqual({ arbiter: { address: "10.0.0.100", port: 2188, at: "[Startup] ArbiterURL" }, members: [], definitions: [], configuredBy: ["[Startup] ArbiterURL=10.0.0.100:2188"] });
        expect(shard.ecp).toEqual({ dataServers: 64, applicationServers: 64, servers: [] });
    });

    it("uses the IRIS defaults for ports a file leaves out and leaves other settings unset", () => {
        expect(readInstanceEndpoints("[Startup]\nDefaultPortBindAddress=\n")).toEqual<InstanceEndpoints>({
            superserver: { port: 1972 },
            webServer: { kind: "unknown", port: 52773, unknown: "release" },
            gateways: [],
            licenseServers: [],
            ecp: { servers: [] },
            mirror: noMirror,
        });
    });

    it("reads a bind address, license servers, an IPv6 arbiter, and the mirror sections' names", () => {
        const cpf = [
            "[Startup]", "DefaultPort=51773", "DefaultPortBindAddress=10.0.5.20", "WebServer=0", "ArbiterURL=[fd00:3::5]:2188",
            "[LicenseServers]", "LOCAL=127.0.0.1,4002", "LS1=10.2.0.10,4002",
            "[Mirrors]", "MIRRORA=GUID",
            "[MapMirrors.MIRRORA]", "MEMBER1=10.0.0.12",
            "[MapMirrors.EMPTY]",
        ].join("\n");
        const e = readInstanceEndpoints(cpf);
        expect(e.superserver).toEqual({ port: 51773, bindAddress: "10.0.5.20" });
        expect(e.webServer).toEqual({ kind: "unknown", port: 52773, unknown: "release", setting: "0" });
        expect(e.licenseServers).toEqual([{ name: "LOCAL", address: "127.0.0.1", port: 4002 }, { name: "LS1", address: "10.2.0.10", port: 4002 }]);
        expect(e.mirror).toEqual({
            setName: "MIRRORA",
            arbiter: { address: "fd00:3::5", port: 2188, at: "[Startup] ArbiterURL" },
            members: [{ mirror: "MIRRORA", name: "MEMBER1", agentAddress: "10.0.0.12" }],
            definitions: ["Mirrors", "MapMirrors.MIRRORA"],
            configuredBy: ["[Startup] ArbiterURL=fd00:3::5:2188", "[Mirrors]", "[MapMirrors.MIRRORA]"],
        });
    });

    it("lets the last of repeated entries win, as IRIS does", () => {
        const e = readInstanceEndpoints("[LicenseServers]\nLS1=10.2.0.10,4002\n[LicenseServers]\nLS1=10.2.0.11,4003\n");
        expect(e.licenseServers).toEqual([{ name: "LS1", address: "10.2.0.11", port: 4003 }]);
    });
});

describe("readInstanceEndpoints: values by their documented meaning", () => {
    it("reads WebServerPort=0 as no web server, which audits clean against a profile without one", () => {
        const cpf = "[Startup]\nWebServer=1\nWebServerPort=0\n";
        expect(readInstanceEndpoints(cpf).webServer).toEqual({ kind: "none" });
        expect(auditCpf(iris(), cpf).filter((d) => d.field.includes("ebServer"))).toEqual([]);
        expect(auditCpf(iris({ environment: "development", iris: { features: { privateWebServer: true } } }), cpf).map((d) => d.field)).toContain("iris.features.privateWebServer");
        expect(reconcile(iris(), cpf).input.iris?.ports?.webServer).toBe(iris().iris?.ports.webServer);
    });

    it("reads WebServer by the declared release: 2023.2+ WebServer=0 with a port is an external web server", () => {
        const cpf = fixture("self-2024.1-external-web-server.cpf");
        expect(readInstanceEndpoints(cpf, "iris.cpf", "2024.1").webServer).toEqual({ kind: "external", port: 80 });
        expect(readInstanceEndpoints(cpf, "iris.cpf", "2023.2").webServer).toEqual({ kind: "external", port: 80 });
        expect(readInstanceEndpoints(cpf, "iris.cpf", "2023.1").webServer).toEqual({ kind: "private", running: false, port: 80 });
        const production = iris({ iris: { version: "2024.1" } });
        // Not a private web server on port 80: reported as the external one it is, its port not adopted.
        expect(besidesLicense(auditCpf(production, cpf))).toEqual([{
            field: "network.ingress", profile: [], instance: "[Startup] WebServer=0, [Startup] WebServerPort=80",
            message: "the instance uses an external web server on port 80 (IRIS 2024.1: [Startup] WebServer=0 with a port); if it runs on this host, declare it in network.ingress: the firewall opens no port for it",
        }]);
        expect(reconcile(production, cpf).input.iris?.ports?.webServer).toBe(52773);
        const served = iris({ iris: { version: "2024.1" }, network: network({ ingress: [{ name: "web-gateway", port: 80, from: [apps] }] }) });
        expect(besidesLicense(auditCpf(served, cpf))).toEqual([]);
        const dev = iris({ environment: "development", iris: { version: "2024.1", features: { privateWebServer: true } } });
        expect(besidesLicense(auditCpf(dev, cpf)).map((d) => d.message)).toEqual([
            "the instance uses an external web server on port 80 (IRIS 2024.1: [Startup] WebServer=0 with a port), not the private one the profile uses",
        ]);
    });

    it("reads a missing WebServer as on up to 2023.1, as not knowable from 2023.2", () => {
        const cpf = fixture("self-2022.1-no-webserver-setting.cpf");
        expect(readInstanceEndpoints(cpf, "iris.cpf", "2022.1").webServer).toEqual({ kind: "private", running: true, port: 52773, byDefault: true });
        expect(besidesLicense(auditCpf(iris({ iris: { version: "2022.1" } }), cpf))).toEqual([{
            field: "iris.features.privateWebServer", profile: false, instance: true,
            message: "the private web server runs (no [Startup] WebServer: on up to IRIS 2023.1) but the profile has it off: the firewall keeps its port closed and the merge file turns it off",
        }]);
        expect(readInstanceEndpoints(cpf, "iris.cpf", "2024.1").webServer).toEqual({ kind: "unknown", port: 52773, unknown: "install" });
        expect(besidesLicense(auditCpf(iris({ iris: { version: "2024.1" } }), cpf))).toEqual([{
            field: "iris.features.privateWebServer", profile: false, instance: "no [Startup] WebServer, [Startup] WebServerPort=52773",
            message: "whether the private web server runs cannot be known from this CPF: IRIS 2024.1 without [Startup] WebServer is off on a new install, on after an upgrade; the merge file sets it",
        }]);
    });

    it("reports an undeclared release where the web server's meaning depends on it, never reading [ConfigFile] Version", () => {
        const cpf = `[ConfigFile]\nVersion=2024.1\n${fixture("self-2024.1-external-web-server.cpf")}`;
        expect(readInstanceEndpoints(cpf).webServer).toEqual({ kind: "unknown", port: 80, unknown: "release", setting: "0" });
        expect(besidesLicense(auditCpf(iris(), cpf))).toEqual([{
            field: "iris.version", profile: undefined, instance: "[Startup] WebServer=0, [Startup] WebServerPort=80",
            message: "port 80 is the private web server's (off) up to IRIS 2023.1, an external web server's from 2023.2; declare iris.version",
        }]);
        expect(besidesLicense(auditCpf(iris(), fixture("self-2022.1-no-webserver-setting.cpf"))).map((d) => d.message)).toEqual([
            "whether the private web server runs depends on the IRIS release (no [Startup] WebServer: on up to 2023.1, not known from 2023.2); declare iris.version",
        ]);
        // WebServer=1 and WebServerPort=0 mean the same in every release.
        expect(auditCpf(iris(), "[Startup]\nWebServer=1\nWebServerPort=52773\n").map((d) => d.field)).toEqual(["iris.features.privateWebServer", "network.licenseServers"]);
    });

    it("reads a [LicenseServers] entry listing several servers as addr1,port1;addr2,port2", () => {
        const cpf = "[LicenseServers]\nLS=10.2.0.10,4002;10.2.0.11,4003\n";
        expect(readInstanceEndpoints(cpf).licenseServers).toEqual([
            { name: "LS", address: "10.2.0.10", port: 4002 },
            { name: "LS", address: "10.2.0.11", port: 4003 },
        ]);
        expect(besidesWebServer(auditCpf(iris(), cpf)).map((d) => [d.field, d.instance])).toEqual([
            ["network.licenseServers", "[LicenseServers] LS=10.2.0.11,4003"],
            ["iris.ports.licenseServer", 4003],
        ]);
    });
});

describe("readInstanceEndpoints: bad input", () => {
    it("names every unusable value with its section, key and value", () => {
        const cpf = [
            "[Startup]", "DefaultPort=abc", "WebServer=yes", "WebServerPort=70000", "ArbiterURL=arbiter",
            "[config]", "MaxServers=-1",
            "[Gateways]", "%JDBC Server=JDBC,,%Gateway_SQL",
            "[LicenseServers]", "LS1=10.2.0.10", "LS2=,4002",
            "[Telnet]", "Port=0",
        ].join("\n");
        expect(problemsOf(() => readInstanceEndpoints(cpf, "host-7/iris.cpf"))).toEqual([
            "[Startup] DefaultPort: must be an integer port between 1 and 65535 (got \"abc\")",
            '[Startup] WebServer: must be 0 or 1 (got "yes")',
            "[Startup] WebServerPort: must be an integer port between 1 and 65535 (got 70000)",
            '[Gateways] %JDBC Server: must be an integer port between 1 and 65535 (got "")',
            '[LicenseServers] LS1: must be an integer port between 1 and 65535 (got "")',
            '[LicenseServers] LS2: must start with the server\'s address (got ",4002")',
            '[config] MaxServers: must be a whole number (got "-1")',
            '[Startup] ArbiterURL: must be address:port (got "arbiter")',
            "[Telnet] Port: must be an integer port between 1 and 65535 (got 0)",
        ]);
        expect(() => readInstanceEndpoints("[Startup]\nDefaultPort=abc\n", "host-7/iris.cpf")).toThrow(/^host-7\/iris\.cpf is invalid:\n/);
    });

    it("gives the line of a file that is not a CPF", () => {
        expect(() => readInstanceEndpoints("[Startup]\nDefaultPort 1972\n", "host-7/iris.cpf")).toThrow(CpfSyntaxError);
        expect(() => readInstanceEndpoints("[Startup]\nDefaultPort 1972\n", "host-7/iris.cpf")).toThrow('host-7/iris.cpf:2: expected key=value: "DefaultPort 1972"');
    });
});

describe("auditCpf", () => {
    it("reports everything the default production profile disagrees with in a Caché 2012 instance", () => {
        expect(auditCpf(iris(), fixture("cache-2012.2-ensemble-windows.cpf"))).toEqual([
            {
                field: "iris.ports.superserver", profile: 1972, instance: 1975,
                message: "the superserver is on port 1975 ([Startup] DefaultPort), the profile has 1972: the firewall opens the profile's port, not the instance's",
            },
            {
                field: "iris.features.privateWebServer", profile: false, instance: true,
                message: "the private web server runs ([Startup] WebServer=1) but the profile has it off: the firewall keeps its port closed and the merge file turns it off",
            },
            {
                field: "iris.ports.webServer", profile: 52773, instance: 57775,
                message: "the private web server is on port 57775 ([Startup] WebServerPort), the profile has 52773",
            },
            {
                field: "network.licenseServers", profile: "10.2.0.10/32", instance: undefined,
                message: "the instance has no [LicenseServers] entry for 10.2.0.10; the merge file adds it",
            },
            {
                field: "iris.features.ecp", profile: false, instance: "[config] MaxServers=5",
                message: "the instance may connect to ECP data servers but the profile does not use ECP; the merge file sets it to 0",
            },
            {
                field: "iris.features.ecp", profile: false, instance: "[config] MaxServerConn=1",
                message: "the instance accepts ECP application servers but the profile does not use ECP; the merge file sets it to 0",
            },
            {
                field: "iris.features.ecp", profile: false, instance: "[ECPServers] CACHE18DB=10.1.50.66,1972",
                message: "the instance defines ECP data server CACHE18DB but the profile does not use ECP: the firewall blocks it",
            },
        ]);
    });

    it("checks an ECP application server's data servers against the profile's list and port", () => {
        const p = iris({ iris: { features: { ecp: true } }, network: network({ ecpDataServers: ["10.8.0.0/24"] }) });
        const deviations = auditCpf(p, fixture("iris-2020.1-ecp-linux-crlf.cpf")).filter((d) => d.field.startsWith("network.ecp"));
        expect(deviations).toEqual([
            {
                field: "network.ecpDataServers", profile: ["10.8.0.0/24"], instance: "[ECPServers] CECP=192.168.0.6,41773",
                message: "ECP data server CECP 192.168.0.6 is not in network.ecpDataServers: the firewall blocks it",
            },
            {
                field: "network.ecpDataServers", profile: ["10.8.0.0/24"], instance: "[ECPServers] CECP=192.168.0.6,41773",
                message: "ECP data server CECP is on port 41773; the firewall allows ECP to data servers on iris.ports.superserver 1972 only",
            },
        ]);
        const limits = iris({ iris: { features: { ecp: true } }, network: network({ ecpClients: ["10.4.0.0/24"], ecpDataServers: ["10.8.0.0/24"] }) });
        expect(auditCpf(limits, "[config]\nMaxServers=0\nMaxServerConn=0\n").filter((d) => d.field.startsWith("network.ecp"))).toEqual([
            { field: "network.ecpClients", profile: ["10.4.0.0/24"], instance: "[config] MaxServerConn=0", message: "the profile lists ECP application servers but the instance accepts none" },
            { field: "network.ecpDataServers", profile: ["10.8.0.0/24"], instance: "[config] MaxServers=0", message: "the profile lists ECP data servers but the instance connects to none" },
        ]);
    });

    it("checks a mirror member's primary and arbiter against the profile", () => {
        const member = (arbiter: string, iscAgent = 2188) => iris({
            iris: { features: { mirror: true }, ports: { iscAgent } },
            network: network({ mirrorMembers: ["10.0.0.11/32"], arbiter: [arbiter] }),
        });
        const backup = fixture("merge-2020.4-mirror-backup.conf");
        expect(besidesWebServer(auditCpf(member("10.0.0.13/32"), backup)).filter((d) => d.field !== "network.licenseServers")).toEqual([]);
        expect(besidesWebServer(auditCpf(member("10.0.0.14/32", 2189), backup)).filter((d) => d.field !== "network.licenseServers")).toEqual([
            {
                field: "network.arbiter", profile: ["10.0.0.14/32"], instance: "[Startup] ArbiterURL=10.0.0.13:2188",
                message: "the arbiter 10.0.0.13 is not in network.arbiter: the firewall blocks it",
            },
            {
                field: "iris.ports.iscAgent", profile: 2189, instance: 2188,
                message: "the arbiter's ISCAgent is on port 2188 ([Startup] ArbiterURL), the profile has 2189: the firewall opens the profile's port, not the instance's",
            },
        ]);
        expect(besidesWebServer(auditCpf(member("10.0.0.13/32"), "[Startup]\nMirrorPrimary=10.0.9.9\nArbiterURL=arbiter.example:2188\n"))).toEqual([
            {
                field: "network.licenseServers", profile: "10.2.0.10/32", instance: undefined,
                message: "the instance has no [LicenseServers] entry for 10.2.0.10; the merge file adds it",
            },
            {
                field: "network.mirrorMembers", profile: ["10.0.0.11/32"], instance: "[Startup] MirrorPrimary=10.0.9.9",
                message: "mirror primary 10.0.9.9 is not in network.mirrorMembers: the firewall blocks it",
            },
            {
                field: "network.arbiter", profile: ["10.0.0.13/32"], instance: "[Startup] ArbiterURL=arbiter.example:2188",
                message: "the arbiter is named by host (arbiter.example); the firewall needs its address in network.arbiter",
            },
        ]);
    });

    it("reports mirroring configured in an instance whose profile does not use it", () => {
        const cpf = `${fixture("merge-2020.4-mirror-backup.conf")}\n[MapMirrors.MYMIRROR]\nBACKUP=opaque\n`;
        expect(auditCpf(iris(), cpf).filter((d) => d.field === "iris.features.mirror")).toEqual([{
            field: "iris.features.mirror",
            profile: false,
            instance: ["[Startup] MirrorSetName=mymirror", "[Startup] MirrorMember=backup", "[Startup] MirrorPrimary=10.0.0.11", "[Startup] ArbiterURL=10.0.0.13:2188", "[MapMirrors.MYMIRROR]"],
            message: "the instance is configured for mirroring but the profile does not use it: the firewall blocks mirror traffic",
        }]);
    });

    it("checks license servers: listed, on the profile's port, loopback ignored", () => {
        const cpf = "[LicenseServers]\nLOCAL=127.0.0.1,4001\nMDB_10_2_0_10=10.2.0.10,4002\nOLD=10.7.0.1,4003\nNAMED=license.example,4002\n";
        expect(auditCpf(iris(), cpf).filter((d) => d.field.includes("icense"))).toEqual([
            {
                field: "network.licenseServers", profile: ["10.2.0.10/32"], instance: "[LicenseServers] OLD=10.7.0.1,4003",
                message: "license server 10.7.0.1 is not in network.licenseServers: the firewall blocks it",
            },
            {
                field: "iris.ports.licenseServer", profile: 4002, instance: 4003,
                message: "license server OLD is on port 4003 ([LicenseServers] OLD), the profile has 4002: the firewall opens the profile's port, not the instance's",
            },
            {
                field: "network.licenseServers", profile: ["10.2.0.10/32"], instance: "[LicenseServers] NAMED=license.example,4002",
                message: "license server is named by host (license.example); the firewall needs its address in network.licenseServers",
            },
        ]);
    });

    it("compares the bind address and the JDBC gateway only where the profile sets them", () => {
        const p = iris({ iris: { superserverBindAddress: "10.0.5.20", features: { jdbcGateway: true } }, network: network({ jdbcClients: ["10.5.0.0/24"] }) });
        expect(auditCpf(p, fixture("irishealth-2023.3-windows.cpf")).filter((d) => d.field.startsWith("iris.superserver") || d.field.includes("jdbc"))).toEqual([
            {
                field: "iris.superserverBindAddress", profile: "10.0.5.20", instance: "",
                message: "the superserver binds to every address ([Startup] DefaultPortBindAddress), the profile binds it to 10.0.5.20",
            },
            {
                field: "iris.ports.jdbcGateway", profile: 62972, instance: 53772,
                message: "the JDBC gateway is on port 53772 ([Gateways] %JDBC Server), the profile has 62972: the firewall opens the profile's port, not the instance's",
            },
        ]);
        expect(auditCpf(p, "[Startup]\nDefaultPortBindAddress=10.0.5.20\n").filter((d) => d.field.startsWith("iris.superserver") || d.field.includes("jdbc"))).toEqual([
            { field: "iris.features.jdbcGateway", profile: true, instance: undefined, message: "the instance defines no JDBC gateway ([Gateways] %JDBC Server)" },
        ]);
        expect(auditCpf(iris(), fixture("irishealth-2023.3-windows.cpf")).filter((d) => d.field.startsWith("iris.superserver") || d.field.includes("jdbc"))).toEqual([]);
    });

    it.each([
        ["iris-2020.4-shard-linux.cpf", iris({ iris: { version: "2020.4" } })],
        ["irishealth-2023.3-windows.cpf", iris({ iris: { superserverBindAddress: "10.0.5.20", version: "2023.3" } })],
        ["iris-2020.1-ecp-linux-crlf.cpf", iris({ environment: "development", iris: { features: { privateWebServer: true } } })],
        ["self-2024.1-external-web-server.cpf", iris({ iris: { version: "2024.1" }, network: network({ ingress: [{ name: "web-gateway", port: 80, from: [apps] }] }) })],
        ["self-2022.1-no-webserver-setting.cpf", iris({ iris: { version: "2022.1" } })],
        ["self-2024.1-mirror-backup.cpf", iris({
            iris: { version: "2024.1", features: { mirror: true }, mirror: { arbiter: { address: "10.0.0.13" }, virtualAddress: "10.0.0.50" } },
            network: network({ mirrorMembers: ["10.0.0.11/32"], arbiter: ["10.0.0.13/32"] }),
        })],
    ] as [string, HostProfile][])("after the merge file is applied, %s matches the profile", (name, profile) => {
        // The merge file cannot delete an [ECPServers] entry; everything else it settles.
        expect(auditCpf(profile, fixture(name))).not.toEqual([]);
        expect(auditAfterMerge(profile, fixture(name)).filter((d) => !String(d.instance).startsWith("[ECPServers]"))).toEqual([]);
    });

    it("refuses profiles whose host runs no IRIS instance", () => {
        const arbiter = iris({ roles: ["arbiter"], network: { adminCidrs: [admin], mirrorMembers: ["10.3.0.11/32"] } });
        expect(problemsOf(() => auditCpf(arbiter, "[Startup]\n"))).toEqual(['roles: an IRIS instance runs on hosts with the database role (got ["arbiter"])']);
    });
});

describe("reconcile", () => {
    it("makes the profile's ports follow the instance and reports how it differed", () => {
        const p = iris();
        const cpf = fixture("cache-2012.2-ensemble-windows.cpf");
        const { input, deviations } = reconcile(p, cpf);
        const profile = validateProfile(input);
        expect(profile).toEqual({
            ...p,
            iris: { ...p.iris, ports: { superserver: 1975, webServer: 57775, jdbcGateway: 62973, licenseServer: 4002, iscAgent: 2188 } },
        });
        expect(deviations).toEqual(auditCpf(p, cpf));
        // Features are the profile's decision: the instance's web server and ECP are reported, not adopted.
        expect(profile.iris?.features).toEqual(p.iris?.features);
        expect(auditCpf(profile, cpf).map((d) => d.field)).toEqual([
            "iris.features.privateWebServer", "network.licenseServers", "iris.features.ecp", "iris.features.ecp", "iris.features.ecp",
        ]);
    });

    it("then renders a merge file that keeps the instance's ports", () => {
        const profile = validateProfile(reconcile(iris({ iris: { version: "2012.2" } }), fixture("cache-2012.2-ensemble-windows.cpf")).input);
        const merge = renderMergeFile(profile);
        expect(merge).toContain("\nDefaultPort=1975\n");
        expect(merge).toContain("\nWebServerPort=57775\n");
    });

    it("follows the remote license servers' port only when they agree on one", () => {
        const agree = reconcile(iris(), "[LicenseServers]\nLOCAL=127.0.0.1,4001\nMDB_10_2_0_10=10.2.0.10,4005\n");
        expect(agree.input.iris?.ports?.licenseServer).toBe(4005);
        const disagree = reconcile(iris({ network: network({ licenseServers: ["10.2.0.10/32", "10.2.0.11/32"] }) }), "[LicenseServers]\nA=10.2.0.10,4005\nB=10.2.0.11,4006\n");
        expect(disagree.input.iris?.ports?.licenseServer).toBe(4002);
        expect(besidesWebServer(disagree.deviations).map((d) => [d.field, d.instance])).toEqual([["iris.ports.licenseServer", 4005], ["iris.ports.licenseServer", 4006]]);
    });

    it("gives ports that validation refuses when they collide with the profile's other ports", () => {
        const { input } = reconcile(iris({ iris: { version: "2022.1" } }), "[Startup]\nWebServerPort=22\n", "host-7/iris.cpf");
        expect(problemsOf(() => validateProfile(input))).toEqual([
            "iris.ports.webServer: port collision: ssh and webServer both use 22/tcp (got 22)",
        ]);
    });
});
