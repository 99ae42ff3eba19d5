/**
 * Drives the @pulumi/policy 1.21 runtime's own RPC handlers (server.js `makeAnalyzeRpcFun`,
 * `makeAnalyzeStackRpcFun`, `makeRemediateRpcFun`) with the protobuf requests the engine sends,
 * minus the gRPC transport. Used to check that the harness behaves like the runtime, and by the
 * benchmark. The handlers are internal to the SDK (pinned version); the runtime's config and
 * stack tags are set by RPCs these handlers do not cover, so policies run with their defaults.
 */
import type { Policies } from "@pulumi/policy";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { urnOf, type Resource } from "./harness";

type Handler<Req, Res> = (call: { request: Req }, callback: (err: unknown, response?: Res) => void) => Promise<void>;
interface Server {
    makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: Policies): Handler<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>;
    makeAnalyzeStackRpcFun(pack: string, version: string, level: string, policies: Policies): Handler<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>;
    makeRemediateRpcFun(pack: string, version: string, level: string, policies: Policies): Handler<analyzer.AnalyzeRequest, analyzer.RemediateResponse>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server: Server = require("@pulumi/policy/server");

const levels: Record<analyzer.EnforcementLevel, string> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzer.EnforcementLevel.DISABLED]: "disabled",
    [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};

export interface SdkDiagnostic {
    readonly policyName: string;
    readonly message: string;
    readonly enforcementLevel: string;
}

export interface SdkResult {
    readonly diagnostics: SdkDiagnostic[];
    readonly notApplicable: string[];
}

function call<Req, Res>(handler: Handler<Req, Res>, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (err, response) => (err ? reject(err) : resolve(response as Res)));
    });
}

function options(parent?: string): analyzer.AnalyzerResourceOptions {
    const opts = new analyzer.AnalyzerResourceOptions().setProtect(false);
    return parent ? opts.setParent(parent) : opts;
}

function resultOf(response: analyzer.AnalyzeResponse): SdkResult {
    return {
        diagnostics: response.getDiagnosticsList().map((d) => ({ policyName: d.getPolicyname(), message: d.getMessage(), enforcementLevel: levels[d.getEnforcementlevel()] })),
        notApplicable: response.getNotApplicableList().map((n) => n.getPolicyName()),
    };
}

/** The requests the engine would send for `resources`, built once so repeated runs measure only the analysis. */
export class SdkAnalyzer {
    private readonly analyzeFn;
    private readonly stackFn;
    private readonly remediateFn;

    constructor(policies: Policies, pack = "mdb-hardening", version = "0.0.0") {
        this.analyzeFn = server.makeAnalyzeRpcFun(pack, version, "advisory", policies);
        this.stackFn = server.makeAnalyzeStackRpcFun(pack, version, "advisory", policies);
        this.remediateFn = server.makeRemediateRpcFun(pack, version, "advisory", policies);
    }

    static analyzeRequest(r: Resource): analyzer.AnalyzeRequest {
        return new analyzer.AnalyzeRequest()
            .setType(r.type)
            .setName(r.name)
            .setUrn(urnOf(r))
            .setProperties(Struct.fromJavaScript(r.props as Record<string, never>))
            .setOptions(options());
    }

    static stackRequest(resources: readonly Resource[]): analyzer.AnalyzeStackRequest {
        const urns = new Map(resources.map((r) => [r.name, urnOf(r)]));
        const urn = (name: string) => urns.get(name) ?? name;
        return new analyzer.AnalyzeStackRequest().setResourcesList(resources.map((r) => {
            const resource = new analyzer.AnalyzerResource()
                .setType(r.type)
                .setName(r.name)
                .setUrn(urnOf(r))
                .setProperties(Struct.fromJavaScript(r.props as Record<string, never>))
                .setOptions(options(r.parent && urn(r.parent)))
                .setDependenciesList([...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()].map(urn));
            if (r.parent) resource.setParent(urn(r.parent));
            for (const [property, names] of Object.entries(r.propertyDependencies ?? {})) {
                resource.getPropertydependenciesMap().set(property, new analyzer.AnalyzerPropertyDependencies().setUrnsList(names.map(urn)));
            }
            return resource;
        }));
    }

    async analyze(request: analyzer.AnalyzeRequest): Promise<SdkResult> {
        return resultOf(await call(this.analyzeFn, request));
    }

    async analyzeStack(request: analyzer.AnalyzeStackRequest): Promise<SdkResult> {
        return resultOf(await call(this.stackFn, request));
    }

    /** Remediated properties per policy (or the runtime's diagnostic when a remediation could not run). */
    async remediate(request: analyzer.AnalyzeRequest): Promise<{ policyName: string; properties?: Record<string, unknown>; diagnostic: string }[]> {
        const response = await call(this.remediateFn, request);
        return response.getRemediationsList().map((r) => ({ policyName: r.getPolicyname(), properties: r.getProperties()?.toJavaScript(), diagnostic: r.getDiagnostic() }));
    }
}
