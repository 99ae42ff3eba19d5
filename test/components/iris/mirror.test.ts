import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditCpf, readInstanceEndpoints, type Deviation } from "../../../components/iris/ports";
import { projectRoot } from "../../helpers/example";
import { admin, apps, iris, licenseServer } from "../../helpers/profiles";

const fixture = (name: string) => readFileSync(join(projectRoot, "test", "fixtures", "cpf", name), "utf8");
const backupCpf = fixture("self-2024.1-mirror-backup.cpf");
const joinMerge = fixture("self-merge-config-mirror.cpf");

/** The backup member of MIRRORA as its profile describes it; `iris`/`network` override parts. */
function member(options: { iris?: Record<string, unknown>; mirror?: Record<string, unknown>; network?: Record<string, unknown> } = {}) {
    return iris({
        iris: {
            version: "2024.1",
            features: { mirror: true },
            mirror: { arbiter: { address: "10.0.0.13" }, virtualAddress: "10.0.0.50", ...options.mirror },
            ...options.iris,
        },
        network: { adminCidrs: [admin], appClients: [apps], licenseServers: [licenseServer], mirrorMembers: ["10.0.0.11/32"], arbiter: ["10.0.0.13/32"], ...options.network },
    });
}
/** The merge file or CPF lists no license server; that deviation is the license servers' test's. */
const mirrorOnly = (deviations: Deviation[]) => deviations.filter((d) => d.field !== "network.licenseServers");

describe("mirror endpoints", () => {
    it("reads a current member's [MirrorMember], [Mirrors] and [MapMirrors.*]", () => {
        expect(readInstanceEndpoints(backupCpf, "iris.cpf", "2024.1").mirror).toEqual({
            setName: "MIRRORA",
            arbiter: { address: "10.0.0.13", port: 2188, at: "[Mirrors] MIRRORA" },
            virtualAddress: { address: "10.0.0.50", at: "[Mirrors] MIRRORA" },
            systemName: "IRIS-B",
            joinMirror: true,
            members: [
                { mirror: "MIRRORA", name: "IRIS-A", agentAddress: "10.0.0.11", agentPort: 2188, superserverAddress: "10.0.0.11" },
                { mirror: "MIRRORA", name: "IRIS-B", agentAddress: "10.0.0.12", agentPort: 2188, superserverAddress: "10.0.0.12" },
            ],
            definitions: ["Mirrors", "MapMirrors.MIRRORA"],
            configuredBy: ["[Mirrors] MIRRORA=10.0.0.13:2188", "[Mirrors]", "[MapMirrors.MIRRORA]"],
        });
    });

    it("reads a merge file's ConfigMirror and CreateMirror actions", () => {
        expect(readInstanceEndpoints(joinMerge).mirror).toEqual({
            setName: "MIRRORA", member: "backup", primary: "10.0.0.11",
            arbiter: { address: "10.0.0.13", port: 2188, at: "[Actions] ConfigMirror ArbiterURL" },
            members: [], definitions: [], configuredBy: ["[Actions] ConfigMirror", "[Actions] ConfigMirror ArbiterURL=10.0.0.13:2188"],
        });
        expect(readInstanceEndpoints('[Actions]\nCreateMirror:Name=MIRRORA,VirtualAddress="10.0.0.50/24"\n').mirror).toEqual({
            setName: "MIRRORA", virtualAddress: { address: "10.0.0.50", at: "[Actions] CreateMirror VirtualAddress" }, members: [], definitions: [], configuredBy: ["[Actions] CreateMirror"],
        });
    });

    it("names a bad agent port or arbiter with where it is", () => {
        expect(() => readInstanceEndpoints("[MapMirrors.M]\nA=10.0.0.11,99999,,10.0.0.11\n[Actions]\nConfigMirror:Name=M,Member=backup,Primary=10.0.0.11,ArbiterURL=arbiter\n")).toThrow(
            /\[Actions\] ConfigMirror ArbiterURL: must be address:port \(got "arbiter"\)[\s\S]*\[MapMirrors\.M\] A: must be an integer port between 1 and 65535 \(got 99999\)/,
        );
    });
});

describe("mirror audit", () => {
    it("finds nothing to report when the instance's mirror is the profile's", () => {
        expect(mirrorOnly(auditCpf(member(), backupCpf))).toEqual([]);
    });

    it("reports a member the instance's mirror lacks, and one the firewall does not admit", () => {
        expect(mirrorOnly(auditCpf(member({ network: { mirrorMembers: ["10.0.0.11/32", "10.0.0.14/32"] } }), backupCpf))).toEqual([{
            field: "network.mirrorMembers", profile: "10.0.0.14/32", instance: undefined,
            message: "the instance's mirror has no member at 10.0.0.14 ([MapMirrors.<mirror>])",
        }]);
        expect(mirrorOnly(auditCpf(member({ network: { mirrorMembers: ["10.0.0.14/32"] } }), backupCpf)).map((d) => d.message)).toEqual([
            "mirror member IRIS-A 10.0.0.11 is not in network.mirrorMembers: the firewall blocks it",
            "the instance's mirror has no member at 10.0.0.14 ([MapMirrors.<mirror>])",
        ]);
    });

    it("reports an arbiter elsewhere or on another port, and ISCAgents on another port", () => {
        const elsewhere = member({ mirror: { arbiter: { address: "10.0.0.15", port: 2190 } }, network: { arbiter: ["10.0.0.15/32"] } });
        expect(mirrorOnly(auditCpf(elsewhere, backupCpf))).toEqual([
            {
                field: "network.arbiter", profile: ["10.0.0.15/32"], instance: "[Mirrors] MIRRORA=10.0.0.13:2188",
                message: "the arbiter 10.0.0.13 is not in network.arbiter: the firewall blocks it",
            },
            {
                field: "iris.mirror.arbiter.address", profile: "10.0.0.15", instance: "10.0.0.13",
                message: "the instance's arbiter is 10.0.0.13 ([Mirrors] MIRRORA), the profile's 10.0.0.15",
            },
            {
                field: "iris.mirror.arbiter.port", profile: 2190, instance: 2188,
                message: "the arbiter's ISCAgent is on port 2188 ([Mirrors] MIRRORA), the profile has 2190: the firewall opens the profile's port, not the instance's",
            },
        ]);
        expect(mirrorOnly(auditCpf(member({ iris: { ports: { iscAgent: 2189 } } }), backupCpf)).map((d) => [d.field, d.instance])).toEqual([
            ["iris.ports.iscAgent", 2188],
            ["iris.ports.iscAgent", 2188],
        ]);
    });

    it("compares the mirror's virtual address", () => {
        expect(mirrorOnly(auditCpf(member({ mirror: { virtualAddress: "10.0.0.60" } }), backupCpf))).toEqual([{
            field: "iris.mirror.virtualAddress", profile: "10.0.0.60", instance: "10.0.0.50",
            message: "the instance's mirror has the virtual address 10.0.0.50 ([Mirrors] MIRRORA), the profile 10.0.0.60",
        }]);
        const noVip = iris({ iris: { version: "2024.1", features: { mirror: true }, mirror: { arbiter: { address: "10.0.0.13" } } }, network: { adminCidrs: [admin], mirrorMembers: ["10.0.0.11/32"], arbiter: ["10.0.0.13/32"] } });
        expect(auditCpf(noVip, backupCpf).map((d) => d.message)).toEqual(["the instance's mirror has the virtual address 10.0.0.50 ([Mirrors] MIRRORA), which the profile does not declare"]);
    });

    it("audits a merge file that configures the member", () => {
        expect(mirrorOnly(auditCpf(member({ mirror: { virtualAddress: undefined } }), joinMerge)).filter((d) => !d.field.includes("ebServer") && d.field !== "iris.version")).toEqual([]);
        expect(mirrorOnly(auditCpf(member({ network: { mirrorMembers: ["10.0.0.21/32"] } }), joinMerge)).map((d) => d.message)).toContain(
            "mirror primary 10.0.0.11 is not in network.mirrorMembers: the firewall blocks it",
        );
    });

    it("reports a mirrored profile against an instance without a mirror, or one that ignores it", () => {
        const plain = fixture("self-2024.1-external-web-server.cpf");
        expect(mirrorOnly(auditCpf(member(), plain)).filter((d) => d.field === "iris.features.mirror")).toEqual([{
            field: "iris.features.mirror", profile: true, instance: undefined,
            message: "the profile uses mirroring but the instance has no mirror configuration ([Mirrors], [MapMirrors.<mirror>], ConfigMirror)",
        }]);
        const ignored = backupCpf.replace("JoinMirror=1", "JoinMirror=0");
        expect(mirrorOnly(auditCpf(member(), ignored))).toEqual([{
            field: "iris.features.mirror", profile: true, instance: "[MirrorMember] JoinMirror=0",
            message: "the instance ignores its mirror configuration at startup",
        }]);
    });

    it("reports a current member's mirror to a profile without mirroring", () => {
        expect(auditCpf(iris({ iris: { version: "2024.1" } }), backupCpf).filter((d) => d.field === "iris.features.mirror")).toEqual([{
            field: "iris.features.mirror", profile: false,
            instance: ["[Mirrors] MIRRORA=10.0.0.13:2188", "[Mirrors]", "[MapMirrors.MIRRORA]"],
            message: "the instance is configured for mirroring but the profile does not use it: the firewall blocks mirror traffic",
        }]);
    });
});
