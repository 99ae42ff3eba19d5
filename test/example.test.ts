import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { beforeAll, expect, it } from "vitest";
import { databaseHostRole, hostTags } from "../components/catalog";
import { exampleConfig, projectRoot } from "./helpers/example";
import { installMocks, valueOf, type Recorded } from "./helpers/mocks";

let resources: Recorded[];
let stack: typeof import("../example");
let addresses: Record<string, string>;

beforeAll(async () => {
    process.chdir(projectRoot); // profile paths in stack config are relative to the project directory
    const recorder = await installMocks(exampleConfig());
    stack = await import("../example");
    addresses = Object.fromEntries(await Promise.all(Object.entries(stack.addresses).map(async ([k, v]) => [k, await valueOf(v)])));
    await recorder.registered();
    resources = recorder.resources;
});

it("builds the example stack under mocks", () => {
    const hosts = resources.filter((r) => r.type === "mdb-hardening:index:DatabaseHost").map((r) => r.name);
    expect(hosts).toEqual(["iris-db-1", "iris-license", "ydb-1"]);
    // Registration order depends on when each AMI lookup resolves; compare by name.
    const instances = resources.filter((r) => r.type === "aws:ec2/instance:Instance").sort((a, b) => a.name.localeCompare(b.name));
    expect(instances.map((i) => [i.name, i.inputs.privateIp, i.inputs.ami, (i.inputs.tags as Record<string, string>)[hostTags.role]])).toEqual([
        ["iris-db-1", "10.20.1.10", "ami-0mock", databaseHostRole],
        ["iris-license", "10.20.1.20", "ami-0mock", databaseHostRole],
        ["ydb-1", "10.20.1.30", "ami-0mock", databaseHostRole],
    ]);
    const subnet = resources.find((r) => r.type === "aws:ec2/subnet:Subnet");
    expect(subnet?.inputs).toMatchObject({ cidrBlock: "10.20.1.0/24", mapPublicIpOnLaunch: false });
    expect(resources.some((r) => r.type === "aws:ec2/internetGateway:InternetGateway")).toBe(false);
});

it("connects the IRIS instance and its license server in both directions", () => {
    const rulesOf = (name: string) => resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name === name)?.inputs;
    expect(rulesOf("iris-db-1-sg")).toMatchObject({
        ingress: expect.arrayContaining([expect.objectContaining({ protocol: "tcp", fromPort: 4002, cidrBlocks: ["10.20.1.20/32"] })]),
        egress: [expect.objectContaining({ protocol: "udp", fromPort: 4002, cidrBlocks: ["10.20.1.20/32"] })],
    });
    expect(rulesOf("iris-license-sg")).toMatchObject({
        ingress: expect.arrayContaining([expect.objectContaining({ protocol: "udp", fromPort: 4002, cidrBlocks: ["10.20.1.10/32"] })]),
        egress: [expect.objectContaining({ protocol: "tcp", fromPort: 4002, cidrBlocks: ["10.20.1.10/32"] })],
    });
});

it("exports addresses and a hardening summary per host", () => {
    expect(addresses).toEqual({ "iris-db-1": "10.20.1.10", "iris-license": "10.20.1.20", "ydb-1": "10.20.1.30" });
    expect(stack.hardening["ydb-1"]).toMatchObject({
        product: "yottadb",
        distributionRestriction: { enabled: true, path: "/usr/local/lib/yottadb/r202", group: "yottadbusers", members: ["ydbapp"] },
        serviceDisabling: { enabled: true },
    });
    expect(stack.hardening["iris-db-1"].distributionRestriction).toEqual({ enabled: false });
});

it("is compiled by the runtime without type-checking: Pulumi.yaml's tsconfig has noCheck, which @pulumi/pulumi's cmd/run reads as transpile-only", () => {
    const project = YAML.parse(readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { main: string; runtime: { options: { typescript: boolean; tsconfig: string } } };
    expect(project.main).toBe("example.ts");
    expect(project.runtime.options.typescript).toBe(true);
    // The function cmd/run reads the runtime's tsconfig with (it does not follow `extends`).
    const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions(file: string): { noCheck?: boolean } };
    expect(loadTypeScriptCompilerOptions(path.join(projectRoot, project.runtime.options.tsconfig)).noCheck).toBe(true);
    expect(loadTypeScriptCompilerOptions(path.join(projectRoot, "tsconfig.json")).noCheck).toBeUndefined();
});
