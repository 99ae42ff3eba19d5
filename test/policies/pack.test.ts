import * as aws from "@pulumi/aws";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ruleTypes } from "../../policies/network";
import { controls } from "../../components/controls";
import { initialConfig, packArgs, policies } from "../../policies/pack";
import { awsTypes } from "../../policies/resources";
import { evaluate } from "../helpers/policies/harness";
import { securityGroup, tcp } from "../helpers/policies/resources";

describe("the pack's policies", () => {
    it("have unique kebab-case names and the metadata the CLI and Pulumi Cloud show", () => {
        const names = policies.map((p) => p.name);
        expect(new Set(names).size).toBe(names.length);
        for (const p of policies) {
            expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(p.description.length).toBeGreaterThan(20);
            expect(p.remediationSteps?.length).toBeGreaterThan(20);
            expect(["low", "medium", "high", "critical"]).toContain(p.severity);
            expect(["advisory", "mandatory"]).toContain(p.enforcementLevel);
            // The runtime refuses enforcementLevel as a config property.
            expect(Object.keys(p.configSchema?.properties ?? {})).not.toContain("enforcementLevel");
        }
        expect(packArgs().policies).toBe(policies);
    });

    it("each carry one control of the control table: its id and SRG id as tags, its severity, its SRG requirement as framework", () => {
        const ids = policies.map((p) => p.tags?.[0]);
        expect(new Set(ids).size).toBe(policies.length);
        // The host script's own controls (MDBH-SCHED-…) are checked on the host, by no policy.
        expect([...ids].sort()).toEqual(Object.keys(controls).filter((id) => !id.startsWith("MDBH-SCHED-")).sort());
        const world = policies.find((p) => p.name === "no-world-ingress-to-database-ports")!;
        expect(world).toMatchObject({
            severity: "critical",
            tags: ["MDBH-NET-001", "SRG-APP-000142-DB-000094"],
            framework: { name: "DISA Database SRG", version: "V4R5", reference: "SRG-APP-000142-DB-000094" },
        });
        const imds = policies.find((p) => p.name === "database-host-imdsv2")!;
        expect(imds.tags).toEqual(["MDBH-AWS-002"]);
        expect(imds.framework).toBeUndefined();
        expect(imds.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    });

    it("run with their schema defaults (the config the engine sends when nobody sets any)", async () => {
        const defaults = Object.fromEntries(policies.map((p) => [p.name, Object.fromEntries(Object.entries(p.configSchema?.properties ?? {}).map(([k, s]) => [k, (s as { default: unknown }).default]))]));
        const result = await evaluate(policies, [securityGroup("sg", [tcp(1972, "0.0.0.0/0")])], { config: defaults });
        expect(result.diagnostics.map((d) => d.policyName)).toEqual(["no-world-ingress-to-database-ports"]);
    });

    it("name AWS type tokens that exist in the provider SDK (aws-native, not a dependency here, by its registry's names)", () => {
        const { nativeSecurityGroup, nativeIngress, nativeEgress, ...classic } = ruleTypes;
        expect([nativeSecurityGroup, nativeIngress, nativeEgress]).toEqual(["aws-native:ec2:SecurityGroup", "aws-native:ec2:SecurityGroupIngress", "aws-native:ec2:SecurityGroupEgress"]);
        const tokens = { ...classic, ...awsTypes };
        const classes = {
            securityGroup: aws.ec2.SecurityGroup,
            defaultSecurityGroup: aws.ec2.DefaultSecurityGroup,
            securityGroupRule: aws.ec2.SecurityGroupRule,
            ingressRule: aws.vpc.SecurityGroupIngressRule,
            egressRule: aws.vpc.SecurityGroupEgressRule,
            instance: aws.ec2.Instance,
            spotInstanceRequest: aws.ec2.SpotInstanceRequest,
            launchTemplate: aws.ec2.LaunchTemplate,
            volume: aws.ebs.Volume,
            vpc: aws.ec2.Vpc,
            subnet: aws.ec2.Subnet,
            routeTable: aws.ec2.RouteTable,
            defaultRouteTable: aws.ec2.DefaultRouteTable,
            route: aws.ec2.Route,
            routeTableAssociation: aws.ec2.RouteTableAssociation,
            mainRouteTableAssociation: aws.ec2.MainRouteTableAssociation,
            internetGateway: aws.ec2.InternetGateway,
            volumeAttachment: aws.ec2.VolumeAttachment,
            eip: aws.ec2.Eip,
            eipAssociation: aws.ec2.EipAssociation,
        } satisfies Record<keyof typeof tokens, unknown>;
        for (const [key, cls] of Object.entries(classes)) {
            expect((cls as unknown as { __pulumiType: string }).__pulumiType, key).toBe(tokens[key as keyof typeof tokens]);
        }
    });
});

describe("consumer settings become the pack's initial config", () => {
    it("no settings: every policy keeps its own level and defaults", () => {
        expect(initialConfig()).toEqual({});
    });

    it("`all`, shared settings fanned out to the policies that take them, and per-policy settings", () => {
        const config = initialConfig({
            all: "mandatory",
            databaseHostTag: { key: "role", value: "db" },
            production: { productionStackNamePattern: "^live$" },
            policies: {
                "license-traffic-between-declared-peers": "advisory",
                "ssh-from-admin-networks-only": { adminCidrs: ["10.20.250.0/24"], enforcementLevel: "advisory" },
                "database-host-no-public-ip": { databaseHostTag: { key: "tier", value: "data" } },
            },
        });
        const tag = { databaseHostTag: { key: "role", value: "db" } };
        expect(config).toEqual({
            all: "mandatory",
            "private-web-server-closed-in-production": { productionStackNamePattern: "^live$" },
            "ssh-from-admin-networks-only": { adminCidrs: ["10.20.250.0/24"], enforcementLevel: "advisory" },
            "license-traffic-between-declared-peers": { enforcementLevel: "advisory" },
            "database-host-no-public-ip": { databaseHostTag: { key: "tier", value: "data" } },
            "database-host-imdsv2": tag,
            "database-host-encrypted-volumes": tag,
            "database-host-private-subnet": tag,
            "database-host-no-elastic-ip": tag,
            "database-host-attached-volumes-encrypted": tag,
            "database-host-hardened": tag,
        });
    });

    it("selects by severity or tag in one line; a policy configured by name still runs", () => {
        const disabled = (config: Record<string, unknown>) => Object.keys(config).filter((name) => config[name] === "disabled").sort();
        // The waiver listing always runs, so no exception hides behind a selection.
        expect(disabled(initialConfig({ minimumSeverity: "critical" }))).toEqual(policies.filter((p) => p.severity !== "critical" && p.name !== "waivers-in-effect").map((p) => p.name).sort());
        expect(disabled(initialConfig({ minimumSeverity: "high" }))).toEqual(["license-traffic-between-declared-peers"]);
        const srg = initialConfig({ tags: ["SRG-APP-000142-DB-000094"] });
        expect(disabled(srg)).toEqual(policies.filter((p) => !p.tags?.includes("SRG-APP-000142-DB-000094") && p.name !== "waivers-in-effect").map((p) => p.name).sort());
        expect(disabled(srg)).toContain("database-host-imdsv2");
        const kept = initialConfig({ minimumSeverity: "critical", policies: { "database-host-imdsv2": "mandatory" } });
        expect(kept["database-host-imdsv2"]).toEqual({ enforcementLevel: "mandatory" });
        expect(() => initialConfig({ tags: ["MDBH-NOPE-001"] })).toThrow(/no policy has the tag MDBH-NOPE-001; tags: MDBH-NET-001, SRG-APP-000142-DB-000094, /);
        expect(() => initialConfig({ minimumSeverity: "severe" as never })).toThrow(/minimumSeverity "severe" is not one of low, medium, high, critical/);
    });

    it("refuses unknown policies and config properties", () => {
        expect(() => initialConfig({ policies: { "no-such-policy": "mandatory" } as never })).toThrow(/unknown policy "no-such-policy"/);
        expect(() => initialConfig({ policies: { "jdbc-gateway-not-exposed": { alowedCidrs: [] } } })).toThrow(/"jdbc-gateway-not-exposed" has no config alowedCidrs; it takes: ports, allowedCidrs/);
    });
});

describe("the pack as the CLI finds it", () => {
    it("has a version in its own package.json (PolicyPack reads it from the working directory)", () => {
        const pkg = JSON.parse(readFileSync("policies/package.json", "utf8")) as { version?: string; main?: string };
        expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
        // No main: the CLI's ts-node resolves the directory to index.ts.
        expect(pkg.main).toBeUndefined();
        expect(readFileSync("policies/PulumiPolicy.yaml", "utf8")).toMatch(/^runtime: nodejs$/m);
    });
});
