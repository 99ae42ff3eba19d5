/**
 * The pack as the Pulumi CLI runs it: policies/index.ts started by @pulumi/pulumi's
 * run-policy-pack (ts-node, type-checked, relative imports of ../components) in its own
 * process, then spoken to over gRPC with the calls the engine makes: GetAnalyzerInfo,
 * Configure (policy config), ConfigureStack (stack tags), Analyze.
 *
 * The entry is never imported here: constructing the pack starts a policy server.
 */
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { irisEndpoints, osEndpoints } from "../../components/catalog";
import { policies } from "../../policies/pack";
import { projectRoot } from "../helpers/example";
import { securityGroup, tcp } from "../helpers/policies/resources";
import { SdkAnalyzer } from "../helpers/policies/sdk";

let pack: ChildProcess;
let client: AnalyzerClient;

function rpc<Res>(send: (callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => send((err, res) => (err ? reject(err) : resolve(res))));
}

/** Starts the pack the way the CLI's nodejs host does, and waits for the port it prints. */
function start(): Promise<number> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [projectRoot] });
    pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: path.join(projectRoot, "policies"), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    pack.stderr?.on("data", (chunk) => (stderr += String(chunk)));
    return new Promise((resolve, reject) => {
        pack.stdout?.once("data", (chunk) => resolve(Number(String(chunk).trim())));
        pack.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
}

beforeAll(async () => {
    const port = await start();
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
    client?.close();
    pack?.kill();
});

describe("the policy pack entry, run as the CLI runs it", () => {
    it("describes every policy, with the version from policies/package.json", async () => {
        const info = await rpc<analyzer.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
        expect(info.getName()).toBe("mdb-hardening");
        expect(info.getVersion()).toMatch(/^\d+\.\d+\.\d+$/);
        expect(info.getPoliciesList().map((p) => p.getName())).toEqual(policies.map((p) => p.name));
        const ssh = info.getPoliciesList().find((p) => p.getName() === "ssh-from-admin-networks-only");
        expect(ssh?.getConfigschema()?.getProperties()?.toJavaScript()).toHaveProperty("adminCidrs.default", expect.arrayContaining(["10.0.0.0/8"]));
    });

    it("applies the config and stack tags the engine sends, and reports a mandatory violation", async () => {
        const config = new analyzer.ConfigureAnalyzerRequest();
        config.getPolicyconfigMap().set(
            "ssh-from-admin-networks-only",
            new analyzer.PolicyConfig().setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY).setProperties(Struct.fromJavaScript({ adminCidrs: ["10.9.0.0/24"] })),
        );
        await rpc<Empty>((cb) => client.configure(config, cb));
        const stack = new analyzer.AnalyzerStackConfigureRequest().setStack("blue");
        stack.getTagsMap().set("environment", "production");
        await rpc<analyzer.AnalyzerStackConfigureResponse>((cb) => client.configureStack(stack, cb));

        const sg = securityGroup("sg", [tcp(osEndpoints.ssh.port, "10.1.0.0/24"), tcp(irisEndpoints.webServer.port, "10.9.0.0/24")]);
        const response = await rpc<analyzer.AnalyzeResponse>((cb) => client.analyze(SdkAnalyzer.analyzeRequest(sg), cb));
        const found = response.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()]);
        expect(found).toEqual([
            ["private-web-server-closed-in-production", analyzer.EnforcementLevel.MANDATORY],
            ["ssh-from-admin-networks-only", analyzer.EnforcementLevel.MANDATORY],
        ]);
    });
});
