import { describe, expect, it } from "vitest";
import { formatCpf, getValue, parseCpf, sections } from "../../../components/iris/cpf";
import { byHandFindings, endpointStates, renderMergeFile } from "../../../components/iris/merge";
import { validateProfile } from "../../../components/profile";
import { problemsOf } from "../../helpers/errors";
import { admin, apps, gtmInput, iris, irisInput, licenseServer } from "../../helpers/profiles";

const network = (extra: Record<string, unknown>) => ({ adminCidrs: [admin], appClients: [apps], licenseServers: [licenseServer], ...extra });

const header = [
    "; InterSystems IRIS configuration merge file for host iris-1, instance IRIS.",
    "; Rendered by mdb-hardening from the host's profile: change the profile, not this file.",
    "; The same profile renders the same bytes; the host applies it with `iris merge IRIS <file>` when they change.",
    "",
].join("\n");

// The blocks a merge file is made of, written out once; each expectation below is their exact concatenation.
const startup = `[Startup]
; Superserver port: iris.ports.superserver
DefaultPort=1972
; Private web server off (iris.features.privateWebServer); WebServerPort left as it is: iris.version is not declared, and from IRIS 2023.2 it may be an external web server's
WebServer=0
`;
const ecpOff = `[config]
; ECP not used (iris.features.ecp): no connections to data servers, none accepted from application servers
MaxServers=0
MaxServerConn=0
`;
const licenseServers = `[LicenseServers]
; License servers: network.licenseServers, port iris.ports.licenseServer
MDB_10_2_0_10=10.2.0.10,4002
`;
const actions = (ecp: 0 | 1, mirror: 0 | 1, monitor: 0 | 1) => `[Actions]
; Services on for the features the profile uses (ECP, mirror, monitor), off otherwise; telnet always off
ModifyService:Name=%Service_ECP,Enabled=${ecp}
ModifyService:Name=%Service_Mirror,Enabled=${mirror}
ModifyService:Name=%Service_Monitor,Enabled=${monitor}
ModifyService:Name=%Service_Telnet,Enabled=0
`;
const file = (...blocks: string[]) => [header, ...blocks].join("\n");
const defaultProduction = file(startup, ecpOff, licenseServers, actions(0, 0, 0));

describe("renderMergeFile", () => {
    it("renders a default production IRIS host: web server, ECP and unused services off", () => {
        expect(renderMergeFile(iris())).toBe(`; InterSystems IRIS configuration merge file for host iris-1, instance IRIS.
; Rendered by mdb-hardening from the host's profile: change the profile, not this file.
; The same profile renders the same bytes; the host applies it with \`iris merge IRIS <file>\` when they change.

[Startup]
; Superserver port: iris.ports.superserver
DefaultPort=1972
; Private web server off (iris.features.privateWebServer); WebServerPort left as it is: iris.version is not declared, and from IRIS 2023.2 it may be an external web server's
WebServer=0

[config]
; ECP not used (iris.features.ecp): no connections to data servers, none accepted from application servers
MaxServers=0
MaxServerConn=0

[LicenseServers]
; License servers: network.licenseServers, port iris.ports.licenseServer
MDB_10_2_0_10=10.2.0.10,4002

[Actions]
; Services on for the features the profile uses (ECP, mirror, monitor), off otherwise; telnet always off
ModifyService:Name=%Service_ECP,Enabled=0
ModifyService:Name=%Service_Mirror,Enabled=0
ModifyService:Name=%Service_Monitor,Enabled=0
ModifyService:Name=%Service_Telnet,Enabled=0
`);
        expect(renderMergeFile(iris())).toBe(defaultProduction);
    });

    it("leaves the ECP limits alone and enables the ECP service when ECP is used", () => {
        const p = iris({ iris: { features: { ecp: true } }, network: network({ ecpClients: ["10.4.0.0/24"] }) });
        expect(renderMergeFile(p)).toBe(file(startup, licenseServers, actions(1, 0, 0)));
    });

    it("enables the monitor (SNMP) service when the monitor is used", () => {
        const p = iris({ iris: { features: { monitor: true } }, network: network({ snmpManagers: ["10.6.0.0/24"] }) });
        expect(renderMergeFile(p)).toBe(file(startup, ecpOff, licenseServers, actions(0, 0, 1)));
    });

    it("turns the private web server on for a development host that uses it", () => {
        const p = iris({ environment: "development", iris: { features: { privateWebServer: true } }, network: { adminCidrs: [admin] } });
        expect(renderMergeFile(p)).toBe(file(`[Startup]
; Superserver port: iris.ports.superserver
DefaultPort=1972
; Private web server on (iris.features.privateWebServer; never in production), port iris.ports.webServer
WebServer=1
WebServerPort=52773
`, ecpOff, actions(0, 0, 0)));
    });

    it("writes moved ports, and the JDBC gateway's only when the gateway is used", () => {
        const p = iris({
            iris: {
                instance: "HSPROD",
                version: "2022.1",
                features: { jdbcGateway: true, mirror: true },
                ports: { superserver: 51773, webServer: 57772, jdbcGateway: 53772, licenseServer: 4012 },
            },
            network: network({ jdbcClients: ["10.5.0.0/24"], mirrorMembers: ["10.3.0.11/32"], arbiter: ["10.3.0.5/32"] }),
        });
        expect(renderMergeFile(p)).toBe(`; InterSystems IRIS configuration merge file for host iris-1, instance HSPROD.
; Rendered by mdb-hardening from the host's profile: change the profile, not this file.
; The same profile renders the same bytes; the host applies it with \`iris merge HSPROD <file>\` when they change.

[Startup]
; Superserver port: iris.ports.superserver
DefaultPort=51773
; Private web server off (iris.features.privateWebServer); its port stays configured: iris.ports.webServer
WebServer=0
WebServerPort=57772

[config]
; ECP not used (iris.features.ecp): no connections to data servers, none accepted from application servers
MaxServers=0
MaxServerConn=0

[Gateways]
; JDBC gateway port: iris.ports.jdbcGateway (the other fields take their defaults)
%JDBC Server=JDBC,53772,%Gateway_SQL

[LicenseServers]
; License servers: network.licenseServers, port iris.ports.licenseServer
MDB_10_2_0_10=10.2.0.10,4012

[Actions]
; Services on for the features the profile uses (ECP, mirror, monitor), off otherwise; telnet always off
ModifyService:Name=%Service_ECP,Enabled=0
ModifyService:Name=%Service_Mirror,Enabled=1
ModifyService:Name=%Service_Monitor,Enabled=0
ModifyService:Name=%Service_Telnet,Enabled=0
`);
        expect(renderMergeFile(iris({ iris: { ports: { jdbcGateway: 53772 } } }))).toBe(defaultProduction);
    });

    it("writes WebServerPort only where it is the private web server's: by the release, never guessed", () => {
        const at = (version?: string) => renderMergeFile(iris({ iris: version === undefined ? {} : { version } }));
        const startupWith = (note: string, port: string) => `[Startup]
; Superserver port: iris.ports.superserver
DefaultPort=1972
; Private web server off (iris.features.privateWebServer); ${note}
WebServer=0
${port}`;
        expect(at("2023.1")).toBe(file(startupWith("its port stays configured: iris.ports.webServer", "WebServerPort=52773\n"), ecpOff, licenseServers, actions(0, 0, 0)));
        expect(at("2023.2")).toBe(file(startupWith("on IRIS 2023.2 (iris.version) WebServerPort is an external web server's, left as it is", ""), ecpOff, licenseServers, actions(0, 0, 0)));
        expect(at("2025.1")).toBe(file(startupWith("on IRIS 2025.1 (iris.version) WebServerPort is an external web server's, left as it is", ""), ecpOff, licenseServers, actions(0, 0, 0)));
        expect(at()).toBe(defaultProduction);
        expect(defaultProduction).not.toContain("WebServerPort=");
    });

    it("binds the superserver to the profile's address", () => {
        const p = iris({ iris: { superserverBindAddress: "10.0.5.20" } });
        expect(renderMergeFile(p)).toBe(file(`[Startup]
; Superserver port: iris.ports.superserver
DefaultPort=1972
; Superserver bound to one address: iris.superserverBindAddress
DefaultPortBindAddress=10.0.5.20
; Private web server off (iris.features.privateWebServer); WebServerPort left as it is: iris.version is not declared, and from IRIS 2023.2 it may be an external web server's
WebServer=0
`, ecpOff, licenseServers, actions(0, 0, 0)));
    });

    it("names each license server after its address, IPv6 included, and writes none without any", () => {
        const p = iris({ network: network({ licenseServers: ["10.2.0.11/32", "fd00:2::a/128", "10.2.0.10/32"] }) });
        expect(renderMergeFile(p)).toBe(file(startup, ecpOff, `[LicenseServers]
; License servers: network.licenseServers, port iris.ports.licenseServer
MDB_10_2_0_11=10.2.0.11,4002
MDB_FD00_2__A=fd00:2::a,4002
MDB_10_2_0_10=10.2.0.10,4002
`, actions(0, 0, 0)));
        expect(renderMergeFile(iris({ network: network({ licenseServers: [] }) }))).toBe(file(startup, ecpOff, actions(0, 0, 0)));
    });

    it("is deterministic: a re-validated or reordered-input profile renders the same bytes", () => {
        const p = iris({ iris: { features: { monitor: true, ecp: true } }, network: network({ snmpManagers: ["10.6.0.0/24"], ecpClients: ["10.4.0.0/24"] }) });
        expect(renderMergeFile(validateProfile(p))).toBe(renderMergeFile(p));
        const q = iris({ network: network({ snmpManagers: ["10.6.0.0/24"], ecpClients: ["10.4.0.0/24"] }), iris: { features: { ecp: true, monitor: true } } });
        expect(renderMergeFile(q)).toBe(renderMergeFile(p));
    });
});

describe("renderMergeFile with iris.lockdown", () => {
    const lockdownActions = (bindings: 0 | 1, mirror: 0 | 1) => `[Actions]
; Services on for the features the profile uses (ECP, mirror, monitor), off otherwise; telnet always off
; Locked Down (iris.lockdown): also off %Service_Bindings unless network.appClients, %Service_CacheDirect, %Service_CallIn, %Service_ComPort
ModifyService:Name=%Service_Bindings,Enabled=${bindings}
ModifyService:Name=%Service_CacheDirect,Enabled=0
ModifyService:Name=%Service_CallIn,Enabled=0
ModifyService:Name=%Service_ComPort,Enabled=0
ModifyService:Name=%Service_ECP,Enabled=0
ModifyService:Name=%Service_Mirror,Enabled=${mirror}
ModifyService:Name=%Service_Monitor,Enabled=0
ModifyService:Name=%Service_Telnet,Enabled=0
; Locked Down (iris.lockdown): predefined accounts it does not enable
ModifyUser:Name=_SYSTEM,Enabled=0
; Locked Down settings no merge action expresses, to do by hand (also listed by \`mdb-hardening audit-cpf\`):
; - an enabled account other than _SYSTEM holding %All: the merge file disables _SYSTEM; make sure another administrator can log in before it runs (source: Security.Users, https://docs.intersystems.com/irislatest/csp/documatic/%25CSP.Documatic.cls?PAGE=CLASS&LIBRARY=%25SYS&CLASSNAME=Security.Users)
; - password pattern 8.32ANP (System-wide Security Parameters): no merge action sets the system-wide security parameters (source: Initial InterSystems Security Settings, https://irisdocs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GCI_security_init_settings)
; - inactive limit 90 days (System-wide Security Parameters): no merge action sets the system-wide security parameters (source: Initial InterSystems Security Settings, https://irisdocs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GCI_security_init_settings)
; - no roles for UnknownUser: ModifyUser takes a Roles property, but the reference does not document an empty role list (source: Initial InterSystems Security Settings, https://irisdocs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GCI_security_init_settings)
; - services' use permission not public: the [Actions] reference documents no value that clears a permission (source: Initial InterSystems Security Settings, https://irisdocs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GCI_security_init_settings)
; - authentication required by every enabled service (Unauthenticated cleared): a service's authentication methods are the site's choice (password, Kerberos, OS, LDAP), so the merge file picks none (source: Initial InterSystems Security Settings, https://irisdocs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GCI_security_init_settings)
; - %Service_DataCheck, %Service_DocDB, %Service_Login, %Service_Shadow, %Service_Sharding, %Service_Weblink off where unused: the Locked Down table consulted does not show their state, so the merge file leaves them (source: Services, https://docs.intersystems.com/supplychainlatest/csp/docbook/DocBook.UI.Page.cls?KEY=GAUTHN_services)
`;

    it("keeps %Service_Bindings on for the superserver's application clients and adds the rest of Locked Down", () => {
        expect(renderMergeFile(iris({ iris: { lockdown: true } }))).toBe(file(startup, ecpOff, licenseServers, lockdownActions(1, 0)));
    });

    it("turns %Service_Bindings off too when no application client comes in through it", () => {
        const p = iris({ iris: { lockdown: true, features: { mirror: true } }, network: { adminCidrs: [admin], mirrorMembers: ["10.3.0.11/32"] } });
        expect(renderMergeFile(p)).toBe(file(startup, ecpOff, lockdownActions(0, 1)));
    });

    it("changes nothing without it, and lists its by-hand findings only with it, each with a source", () => {
        expect(renderMergeFile(iris({ iris: { lockdown: false } }))).toBe(defaultProduction);
        expect(byHandFindings(iris())).toEqual([]);
        const findings = byHandFindings(iris({ iris: { lockdown: true } }));
        expect(findings.map((f) => f.setting)).toEqual([
            "an enabled account other than _SYSTEM holding %All",
            "password pattern 8.32ANP (System-wide Security Parameters)",
            "inactive limit 90 days (System-wide Security Parameters)",
            "no roles for UnknownUser",
            "services' use permission not public",
            "authentication required by every enabled service (Unauthenticated cleared)",
            "%Service_DataCheck, %Service_DocDB, %Service_Login, %Service_Shadow, %Service_Sharding, %Service_Weblink off where unused",
        ]);
        for (const f of findings) expect(f.source).toMatch(/^[^,]+, https:\/\/[a-z.]+intersystems\.com\//);
    });
});

describe("endpointStates", () => {
    const states = (p: ReturnType<typeof iris>) => endpointStates(p).map((e) => `${e.endpoint} ${e.port}/${e.protocol} ${e.on ?? "instance"}`);

    it("says what the merge file leaves listening: off where all that serves an endpoint is off, unknown where it does not decide", () => {
        expect(states(iris())).toEqual([
            "superserver 1972/tcp instance", "iscAgent 2188/tcp false", "webServer 52773/tcp false", "jdbcGateway 62972/tcp false", "snmp 161/udp false", "telnet 23/tcp false",
        ]);
        expect(endpointStates(iris())[0].servedBy).toEqual([{ name: "%Service_Bindings" }, { name: "%Service_ECP", on: false }, { name: "%Service_Mirror", on: false }]);
        expect(endpointStates(iris())[1].servedBy).toEqual([{ name: "iris.features.mirror", on: false }]);
    });

    it("follows the features, the lockdown and the profile's ports", () => {
        expect(states(iris({ iris: { lockdown: true }, network: { adminCidrs: [admin] } }))[0]).toBe("superserver 1972/tcp false");
        expect(states(iris({ iris: { lockdown: true } }))[0]).toBe("superserver 1972/tcp true");
        const mirrored = iris({ iris: { features: { mirror: true }, ports: { superserver: 51773, iscAgent: 2288 } }, network: network({ mirrorMembers: ["10.3.0.11/32"] }) });
        expect(states(mirrored).slice(0, 2)).toEqual(["superserver 51773/tcp true", "iscAgent 2288/tcp true"]);
    });
});

describe("the rendered merge file as a CPF", () => {
    const rendered = [
        iris(),
        iris({ iris: { lockdown: true } }),
        iris({ environment: "development", iris: { features: { privateWebServer: true, jdbcGateway: true }, superserverBindAddress: "fd00::20" }, network: network({ jdbcClients: ["10.5.0.0/24"] }) }),
    ].map(renderMergeFile);

    it.each(rendered.map((text, i) => [i, text]))("case %i parses and formats back byte for byte", (_, text) => {
        const doc = parseCpf(text, { source: "merge.cpf" });
        expect(formatCpf(doc)).toBe(text);
    });

    it("reads back the settings and actions it was rendered with", () => {
        const doc = parseCpf(rendered[2]);
        expect(sections(doc).map((s) => s.name)).toEqual(["Startup", "config", "Gateways", "LicenseServers", "Actions"]);
        expect(getValue(doc, "Startup", "DefaultPortBindAddress")).toBe("fd00::20");
        expect(getValue(doc, "Startup", "WebServer")).toBe("1");
        expect(getValue(doc, "config", "MaxServerConn")).toBe("0");
        expect(getValue(doc, "Gateways", "%JDBC Server")).toBe("JDBC,62972,%Gateway_SQL");
        expect(getValue(doc, "LicenseServers", "MDB_10_2_0_10")).toBe("10.2.0.10,4002");
        const actions = sections(doc).find((s) => s.name === "Actions")!.entries;
        expect(actions.map((a) => (a.kind === "action" ? [a.operation, ...a.properties.map((p) => `${p.name}=${p.value}`)] : a.key))).toEqual([
            ["ModifyService", "Name=%Service_ECP", "Enabled=0"],
            ["ModifyService", "Name=%Service_Mirror", "Enabled=0"],
            ["ModifyService", "Name=%Service_Monitor", "Enabled=0"],
            ["ModifyService", "Name=%Service_Telnet", "Enabled=0"],
        ]);
    });
});

describe("profiles that cannot give a merge file", () => {
    it("names every license server that is not one address (at validation)", () => {
        expect(problemsOf(() => iris({ network: network({ licenseServers: ["10.2.0.0/24", "10.2.1.10/32", "fd00:2::/64"] }) }))).toEqual([
            'network.licenseServers[0]: a [LicenseServers] entry names one license server: list each as its own /32 (IPv4) or /128 (IPv6) (got "10.2.0.0/24")',
            'network.licenseServers[2]: a [LicenseServers] entry names one license server: list each as its own /32 (IPv4) or /128 (IPv6) (got "fd00:2::/64")',
        ]);
    });

    it("refuses profiles whose host runs no IRIS instance", () => {
        expect(problemsOf(() => renderMergeFile(validateProfile(gtmInput())))).toEqual([
            'product: an IRIS instance configuration applies to InterSystems IRIS profiles only (got "gtm")',
        ]);
        const arbiter = validateProfile(irisInput({ roles: ["arbiter"], network: { adminCidrs: [admin], mirrorMembers: ["10.3.0.11/32"] } }));
        expect(problemsOf(() => renderMergeFile(arbiter))).toEqual([
            'roles: an IRIS instance runs on hosts with the database role (got ["arbiter"])',
        ]);
    });

});
