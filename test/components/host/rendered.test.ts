/**
 * The rendered host scripts of the example profiles (each embeds its IRIS merge file and nftables
 * ruleset), pinned byte for byte for every OS family. A refactor that only moves code keeps them identical; a change that reorders or
 * renames re-pins them (`npx vitest run test/components/host/rendered.test.ts -u`; with `-u` first vitest runs every suite) and explains the
 * diff in its commit message.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { osFamilies } from "../../../components/catalog";
import { parseProfile, validateProfile, type HostProfile } from "../../../components/profile";
import { exampleConfig, projectRoot } from "../../helpers/example";
import { admin, apps, gtmInput, iris, irisInput, licenseServer } from "../../helpers/profiles";
import { render } from "../../helpers/render";

const pins = path.join(projectRoot, "test/fixtures/rendered");

function exampleProfiles(): HostProfile[] {
    const hosts = JSON.parse(exampleConfig()["mdb-hardening:hosts"]) as { profile: unknown }[];
    return hosts.map((h, i) => typeof h.profile === "string"
        ? parseProfile(readFileSync(path.join(projectRoot, h.profile), "utf8"), h.profile)
        : validateProfile(h.profile, `hosts[${i}].profile`));
}

/** Every shape of profile the renderers branch on: the example files and stack, the test helpers' base profiles, and feature-rich variants. */
const cases: [string, HostProfile][] = [
    ...readdirSync(path.join(projectRoot, "profiles")).filter((f) => f.endsWith(".yaml")).map((f): [string, HostProfile] =>
        [`profiles-${path.basename(f, ".yaml")}`, parseProfile(readFileSync(path.join(projectRoot, "profiles", f), "utf8"), f)]),
    ...exampleProfiles().map((p): [string, HostProfile] => [`example-${p.name}`, p]),
    ["helpers-iris", iris()],
    ["helpers-gtm", validateProfile(gtmInput())],
    ["variant-iris-all-features", validateProfile(irisInput({
        environment: "staging",
        iris: { features: { ecp: true, privateWebServer: true, jdbcGateway: true, monitor: true, mirror: true }, superserverBindAddress: "10.1.0.5", ports: { superserver: 1973 } },
        network: {
            adminCidrs: [admin, "fd00:9::/64"], appClients: [apps], licenseServers: [licenseServer], ecpClients: ["10.3.0.0/24"], ecpDataServers: ["10.3.1.0/24"],
            mirrorMembers: ["10.4.0.11/32"], arbiter: ["10.4.0.12/32"], jdbcClients: ["10.5.0.0/24"], snmpManagers: ["10.6.0.0/24"],
            ingress: [{ name: "extra", port: 8443, from: ["10.7.0.0/24"] }], egress: [{ name: "ntp", port: 123, protocol: "udp", to: ["10.8.0.1/32"] }],
        },
        services: { keep: ["apache2.service"], disable: ["exim4.service"], allowDaemons: ["exim4"] },
    }))],
    ["variant-iris-license-server", validateProfile(irisInput({ name: "lic-1", roles: ["license-server"], network: { adminCidrs: [admin], licenseClients: [apps] } }))],
    ["variant-gtm-databases", validateProfile(gtmInput({
        distribution: { path: "/opt/gtm/V7.0", group: "gtmdb", members: ["alice", "bob"], tmpDir: "/var/tmp/gtm" },
        databases: { files: ["/srv/db/mumps.dat"], readOnly: ["/srv/db/config.dat"] },
        hardening: { firewall: false },
        services: { cronAllow: ["root", "dba"] },
    }))],
];

describe("rendered scripts of the example profiles", () => {
    for (const [name, profile] of cases) {
        for (const family of osFamilies) {
            it(`${name} (${family})`, async () => {
                await expect(render(profile, family)).toMatchFileSnapshot(path.join(pins, `${name}.${family}.sh`));
            });
        }
    }
});

it("pins each case once", () => {
    expect(new Set(cases.map(([n]) => n)).size).toBe(cases.length);
});
