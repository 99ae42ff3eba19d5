/**
 * The multi-language package (index.ts, PulumiPlugin.yaml): what the Node.js language host
 * discovers, the schema the SDK's own inference (its analyzer, @pulumi/pulumi 3.259) makes of it,
 * and the YAML example against that schema. `pulumi package add` itself is not run here.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";
import * as YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { componentTypes, osFamilies } from "../components/catalog";
import { parseProfile } from "../components/profile";
import { projectRoot } from "./helpers/example";

interface Property { type?: string; $ref?: string; plain?: boolean; description?: string; items?: Property; additionalProperties?: Property; enum?: { value: string }[] }
interface Resource { isComponent: boolean; inputProperties: Record<string, Property>; requiredInputs: string[]; properties: Record<string, Property>; required: string[]; description?: string }
interface Schema { name: string; resources: Record<string, Resource>; types: Record<string, { type: string; properties?: Record<string, Property>; required?: string[]; enum?: { value: string }[] }>; dependencies: unknown[] }

const packageJson = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { name: string; version: string; description: string; main: string };
let names: string[];
let schema: Schema;

beforeAll(async () => {
    // As @pulumi/pulumi/cmd/run-plugin does with the module package.json `main` loads (index.ts, compiled).
    names = getPulumiComponents(await import("../index")).map((c) => c.name).sort();
    const { components, typeDefinitions, dependencies } = new Analyzer(projectRoot, packageJson.name, packageJson, new Set(names)).analyze();
    schema = generateSchema(packageJson.name, packageJson.version, packageJson.description, components, typeDefinitions, dependencies, undefined) as unknown as Schema;
}, 240_000);

describe("the component package", () => {
    it("is a nodejs plugin whose main is index.ts compiled, serving the three components", () => {
        expect(YAML.parse(readFileSync(path.join(projectRoot, "PulumiPlugin.yaml"), "utf8"))).toEqual({ runtime: "nodejs" });
        expect(packageJson.main).toBe("dist/index.js");
        const build = JSON.parse(readFileSync(path.join(projectRoot, "tsconfig.build.json"), "utf8")) as { include: string[] };
        expect(build.include).toContain("index.ts");
        expect(names).toEqual(["DatabaseHost", "DatabaseSecurityGroup", "ExistingHost"]);
    });

    it("has a schema with the components' own tokens", () => {
        expect(schema.name).toBe("mdb-hardening");
        expect(Object.keys(schema.resources).sort()).toEqual([componentTypes.databaseHost, componentTypes.securityGroup, componentTypes.existingHost].sort());
        expect(Object.values(schema.resources).every((r) => r.isComponent && r.description)).toBe(true);
        expect(schema.dependencies).toEqual([]);
    });

    it("describes every input and every property of its types", () => {
        const undocumented = [
            ...Object.entries(schema.resources).flatMap(([t, r]) => Object.entries(r.inputProperties).filter(([, p]) => !p.description).map(([k]) => `${t}.${k}`)),
            ...Object.entries(schema.types).flatMap(([t, d]) => Object.entries(d.properties ?? {}).filter(([, p]) => !p.description).map(([k]) => `${t}.${k}`)),
        ];
        expect(undocumented).toEqual([]);
    });

    it("takes the profile as plain YAML text and requires what the components require", () => {
        const r = (t: string) => schema.resources[t];
        for (const t of Object.keys(schema.resources)) expect(r(t).inputProperties.profile).toMatchObject({ type: "string", plain: true });
        expect(r(componentTypes.databaseHost).requiredInputs).toEqual(["ami", "profile", "subnetId", "vpcId"]);
        expect(Object.keys(r(componentTypes.databaseHost).inputProperties).sort()).toEqual(
            ["ami", "connection", "dataVolumes", "detectDrift", "iamInstanceProfile", "instanceType", "keyName", "kmsKeyId", "osFamily", "privateIp", "profile", "rootVolumeSizeGb", "subnetId", "tags", "vpcId"],
        );
        expect(r(componentTypes.existingHost).requiredInputs).toEqual(["connection", "profile"]);
        expect(Object.keys(r(componentTypes.existingHost).inputProperties).sort()).toEqual(["connection", "detectDrift", "osFamily", "profile"]);
        expect(r(componentTypes.securityGroup).requiredInputs).toEqual(["profile", "vpcId"]);
        expect(r(componentTypes.existingHost).inputProperties.connection.$ref).toBe("#/types/mdb-hardening:index:SshConnection");
        expect(r(componentTypes.databaseHost).inputProperties.connection.$ref).toBe("#/types/mdb-hardening:index:SshLogin");
        expect(schema.types["mdb-hardening:index:SshConnection"].required).toEqual(["host", "privateKey"]);
        expect(schema.types["mdb-hardening:index:OsFamily"].enum?.map((e) => e.value)).toEqual([...osFamilies]);
    });

    it("has the outputs the components register", () => {
        const outputs = (t: string) => [Object.keys(schema.resources[t].properties).sort(), schema.resources[t].required];
        expect(outputs(componentTypes.databaseHost)).toEqual([
            ["hardening", "instanceId", "privateIp", "scriptDigest", "securityGroupId", "summary"],
            ["hardening", "instanceId", "privateIp", "scriptDigest", "securityGroupId"],
        ]);
        expect(outputs(componentTypes.existingHost)).toEqual([["hardening", "scriptDigest", "summary"], ["hardening", "scriptDigest", "summary"]]);
        expect(outputs(componentTypes.securityGroup)).toEqual([["rules", "securityGroupId"], ["rules", "securityGroupId"]]);
    });
});

describe("the YAML example (examples/yaml)", () => {
    const dir = path.join(projectRoot, "examples/yaml");
    const program = YAML.parse(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as {
        runtime: string;
        packages: Record<string, string>;
        config: Record<string, unknown>;
        resources: Record<string, { type: string; properties: Record<string, unknown> }>;
        outputs: Record<string, string>;
    };

    it("is a YAML program that adds this package", () => {
        expect(program.runtime).toBe("yaml");
        expect(path.resolve(dir, program.packages["mdb-hardening"])).toBe(projectRoot);
    });

    it("uses only resource types, inputs and outputs the schema has, and gives every required input", () => {
        const problems: string[] = [];
        const checkObject = (at: string, value: unknown, props: Record<string, Property>, required: string[]) => {
            if (typeof value !== "object" || value === null) {
                problems.push(`${at}: not an object`);
                return;
            }
            for (const key of required) if (!(key in value)) problems.push(`${at}.${key}: required, missing`);
            for (const [key, v] of Object.entries(value)) {
                const prop = props[key];
                if (!prop) problems.push(`${at}.${key}: not in the schema`);
                else if (prop.$ref?.startsWith("#/types/") && typeof v === "object" && v !== null && !("fn::readFile" in v)) {
                    const type = schema.types[prop.$ref.slice("#/types/".length)];
                    checkObject(`${at}.${key}`, v, type.properties ?? {}, type.required ?? []);
                }
            }
        };
        const types: Record<string, string> = {};
        for (const [name, r] of Object.entries(program.resources)) {
            const resource = schema.resources[r.type];
            types[name] = r.type;
            if (!resource) problems.push(`${name}: type ${r.type} not in the schema`);
            else checkObject(name, r.properties, resource.inputProperties, resource.requiredInputs);
        }
        for (const [name, ref] of Object.entries(program.outputs)) {
            const [, resource, property] = /^\$\{(\w+)\.(\w+)\}$/.exec(ref) ?? [];
            if (!schema.resources[types[resource]]?.properties[property]) problems.push(`outputs.${name}: ${ref} is not an output of the schema`);
        }
        expect(problems).toEqual([]);
        expect(Object.keys(program.resources).length).toBeGreaterThan(0);
    });

    it("reads a profile file that exists and is valid, and refers only to declared config", () => {
        const text = JSON.stringify(program.resources);
        for (const [, file] of text.matchAll(/"fn::readFile":"([^"]+)"/g)) expect(() => parseProfile(readFileSync(path.resolve(dir, file), "utf8"), file)).not.toThrow();
        const refs = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
        expect(refs.filter((r) => !(r in program.config))).toEqual([]);
    });
});
