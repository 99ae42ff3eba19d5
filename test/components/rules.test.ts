import { describe, expect, it } from "vitest";
import { irisEndpoints } from "../../components/catalog";
import { deriveRules, type NetworkRule } from "../../components/rules";
import { validateProfile } from "../../components/profile";
import { admin, apps, gtmInput, iris, licenseServer } from "../helpers/profiles";

/** Rules as compact tuples: direction protocol/port cidrs endpoint. */
function compact(rules: NetworkRule[]): string[] {
    return rules.map((r) => `${r.direction} ${r.protocol}/${r.port} ${r.cidrs.join(",")} ${r.endpoint}`);
}

const { superserver, webServer, jdbcGateway, licenseServer: license, iscAgent, snmp, snmpTrap } = irisEndpoints;
const ssh = `ingress tcp/22 ${admin} ssh`;

describe("IRIS database host", () => {
    it("opens only SSH, the superserver to clients and the license traffic by default", () => {
        expect(compact(deriveRules(iris()))).toEqual([
            ssh,
            `ingress tcp/${superserver.port} ${apps} superserver`,
            `ingress tcp/${license.port} ${licenseServer} licenseQueryCallback`,
            `egress udp/${license.port} ${licenseServer} licenseServer`,
        ]);
    });

    it("keeps the private web server closed in every environment unless enabled", () => {
        const dev = iris({ environment: "development" });
        expect(deriveRules(dev).some((r) => r.endpoint === "webServer")).toBe(false);
        const enabled = iris({ environment: "development", iris: { features: { privateWebServer: true } } });
        expect(compact(deriveRules(enabled))).toContain(`ingress tcp/${webServer.port} ${admin} webServer`);
    });

    it("never opens the JDBC gateway without explicit clients", () => {
        const onHost = iris({ iris: { features: { jdbcGateway: true } } });
        expect(deriveRules(onHost).some((r) => r.endpoint === "jdbcGateway")).toBe(false);
        const allowed = iris({ iris: { features: { jdbcGateway: true } }, network: { adminCidrs: [admin], appClients: [apps], jdbcClients: ["10.5.0.0/24"] } });
        expect(compact(deriveRules(allowed))).toEqual([
            ssh,
            `ingress tcp/${superserver.port} ${apps} superserver`,
            `ingress tcp/${jdbcGateway.port} 10.5.0.0/24 jdbcGateway`,
        ]);
    });

    it("follows moved ports", () => {
        const moved = iris({ iris: { ports: { superserver: 51773, licenseServer: 4010 } }, network: { adminCidrs: [admin], appClients: [apps], licenseServers: [licenseServer], sshPort: 2222 } });
        expect(compact(deriveRules(moved))).toEqual([
            `ingress tcp/2222 ${admin} ssh`,
            `ingress tcp/51773 ${apps} superserver`,
            `ingress tcp/4010 ${licenseServer} licenseQueryCallback`,
            `egress udp/4010 ${licenseServer} licenseServer`,
        ]);
    });

    it("ECP: clients in, data servers out, on the superserver port", () => {
        const ecp = iris({ iris: { features: { ecp: true } }, network: { adminCidrs: [admin], appClients: [apps], ecpClients: ["10.4.0.0/24"], ecpDataServers: ["10.4.1.10/32"] } });
        expect(compact(deriveRules(ecp))).toEqual([
            ssh,
            `ingress tcp/${superserver.port} ${apps} superserver`,
            `ingress tcp/${superserver.port} 10.4.0.0/24 superserver`,
            `egress tcp/${superserver.port} 10.4.1.10/32 superserver`,
        ]);
    });

    it("mirroring: members on the superserver and ISCAgent both ways, the arbiter's ISCAgent out", () => {
        const mirrored = iris({ iris: { features: { mirror: true } }, network: { adminCidrs: [admin], appClients: [apps], mirrorMembers: ["10.3.0.11/32"], arbiter: "10.3.0.5/32" } });
        expect(compact(deriveRules(mirrored))).toEqual([
            ssh,
            `ingress tcp/${superserver.port} ${apps} superserver`,
            `ingress tcp/${superserver.port} 10.3.0.11/32 superserver`,
            `ingress tcp/${iscAgent.port} 10.3.0.11/32 iscAgent`,
            `egress tcp/${superserver.port} 10.3.0.11/32 superserver`,
            `egress tcp/${iscAgent.port} 10.3.0.11/32 iscAgent`,
            `egress tcp/${iscAgent.port} 10.3.0.5/32 iscAgent`,
        ]);
    });

    it("mirroring: the arbiter's ISCAgent on the arbiter's own port where the profile gives it (iris.mirror.arbiter)", () => {
        const mirrored = iris({
            iris: { features: { mirror: true }, mirror: { arbiter: { address: "10.3.0.5", port: 2190 } } },
            network: { adminCidrs: [admin], mirrorMembers: ["10.3.0.11/32"], arbiter: "10.3.0.5/32" },
        });
        const egress = compact(deriveRules(mirrored)).filter((r) => r.startsWith("egress"));
        expect(egress).toEqual([
            `egress tcp/${superserver.port} 10.3.0.11/32 superserver`,
            `egress tcp/${iscAgent.port} 10.3.0.11/32 iscAgent`,
            "egress tcp/2190 10.3.0.5/32 iscAgent",
        ]);
    });

    it("monitor: SNMP from managers, traps to them", () => {
        const monitored = iris({ iris: { features: { monitor: true } }, network: { adminCidrs: [admin], snmpManagers: ["10.6.0.0/24"] } });
        expect(compact(deriveRules(monitored))).toEqual([
            ssh,
            `ingress udp/${snmp.port} 10.6.0.0/24 snmp`,
            `egress udp/${snmpTrap.port} 10.6.0.0/24 snmpTrap`,
        ]);
    });

    it("does not repeat a peer already allowed on the same port (AWS rejects duplicates)", () => {
        const overlap = iris({ iris: { features: { ecp: true } }, network: { adminCidrs: [admin], appClients: [apps], ecpClients: [apps, "10.4.0.0/24"] } });
        expect(compact(deriveRules(overlap))).toEqual([
            ssh,
            `ingress tcp/${superserver.port} ${apps} superserver`,
            `ingress tcp/${superserver.port} 10.4.0.0/24 superserver`,
        ]);
    });

    it("declared ingress and egress", () => {
        const p = iris({ network: { adminCidrs: [admin], ingress: [{ name: "api", port: 8443, from: [apps] }], egress: [{ name: "proxy", port: 3128, to: ["10.0.0.10/32"] }, { name: "dns", port: 53, protocol: "udp", to: ["10.0.0.2/32"] }] } });
        expect(compact(deriveRules(p))).toEqual([
            ssh,
            `ingress tcp/8443 ${apps} custom:api`,
            "egress tcp/3128 10.0.0.10/32 custom:proxy",
            "egress udp/53 10.0.0.2/32 custom:dns",
        ]);
    });
});

describe("IRIS license server and arbiter", () => {
    it("license server: UDP in from instances, TCP callback out to them", () => {
        const p = iris({ roles: ["license-server"], network: { adminCidrs: [admin], licenseClients: ["10.1.1.10/32", "10.1.1.11/32"] } });
        expect(compact(deriveRules(p))).toEqual([
            ssh,
            `ingress udp/${license.port} 10.1.1.10/32,10.1.1.11/32 licenseServer`,
            `egress tcp/${license.port} 10.1.1.10/32,10.1.1.11/32 licenseQueryCallback`,
        ]);
    });

    it("arbiter: ISCAgent from members only", () => {
        const p = iris({ roles: ["arbiter"], network: { adminCidrs: [admin], mirrorMembers: ["10.3.0.10/32", "10.3.0.11/32"] } });
        expect(compact(deriveRules(p))).toEqual([ssh, `ingress tcp/${iscAgent.port} 10.3.0.10/32,10.3.0.11/32 iscAgent`]);
    });

    it("database and license server on one host", () => {
        const p = iris({ roles: ["database", "license-server"], network: { adminCidrs: [admin], appClients: [apps], licenseClients: ["10.1.1.11/32"] } });
        expect(compact(deriveRules(p))).toEqual([
            ssh,
            `ingress tcp/${superserver.port} ${apps} superserver`,
            `ingress udp/${license.port} 10.1.1.11/32 licenseServer`,
            `egress tcp/${license.port} 10.1.1.11/32 licenseQueryCallback`,
        ]);
    });
});

describe("GT.M and YottaDB hosts", () => {
    it("open SSH from admins and nothing else by default", () => {
        expect(compact(deriveRules(validateProfile(gtmInput())))).toEqual([ssh]);
        expect(compact(deriveRules(validateProfile(gtmInput({ product: "yottadb" }))))).toEqual([ssh]);
    });

    it("add the application's declared listener", () => {
        const p = validateProfile(gtmInput({ network: { adminCidrs: [admin, "fd00:9::/64"], ingress: [{ name: "replication", port: 4000, from: ["10.7.0.10/32"] }] } }));
        expect(compact(deriveRules(p))).toEqual([`ingress tcp/22 ${admin},fd00:9::/64 ssh`, "ingress tcp/4000 10.7.0.10/32 custom:replication"]);
    });

    it("a host with no admin networks gets no SSH rule at all", () => {
        expect(deriveRules(validateProfile(gtmInput({ network: {} })))).toEqual([]);
    });
});

it("descriptions use only characters AWS accepts", () => {
    const all = [
        iris({ iris: { features: { ecp: true, mirror: true, monitor: true, jdbcGateway: true } }, network: { adminCidrs: [admin], appClients: [apps], ecpClients: ["10.4.0.0/24"], ecpDataServers: ["10.4.1.0/24"], mirrorMembers: ["10.3.0.11/32"], arbiter: "10.3.0.5/32", snmpManagers: ["10.6.0.0/24"], jdbcClients: ["10.5.0.0/24"], licenseServers: [licenseServer] } }),
        iris({ roles: ["license-server", "arbiter"], network: { adminCidrs: [admin], licenseClients: [apps], mirrorMembers: ["10.3.0.11/32"] } }),
        iris({ environment: "development", iris: { features: { privateWebServer: true } } }),
    ].flatMap(deriveRules);
    expect(all.length).toBeGreaterThan(15);
    for (const r of all) expect(r.description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/);
});
