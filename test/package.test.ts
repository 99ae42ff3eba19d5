/**
 * The built package as a consumer sees it: `mdb-hardening` and `mdb-hardening/policies` type-check
 * under each module resolution a TypeScript consumer may use (`node` needs typesVersions: it does
 * not read `exports`). Builds the library into a scratch node_modules/mdb-hardening.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "./helpers/example";

const work = mkdtempSync(path.join(tmpdir(), "mdbh-consumer-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const tsc = path.join(projectRoot, "node_modules/typescript/bin/tsc");

beforeAll(() => {
    const pkg = path.join(work, "node_modules/mdb-hardening");
    mkdirSync(pkg, { recursive: true });
    cpSync(path.join(projectRoot, "package.json"), path.join(pkg, "package.json"));
    execFileSync(process.execPath, [tsc, "-p", path.join(projectRoot, "tsconfig.build.json"), "--outDir", path.join(pkg, "dist")], { stdio: "pipe" });
    // As `npm run build`: the host script's parts go beside the compiled renderer.
    cpSync(path.join(projectRoot, "components/host/sh"), path.join(pkg, "dist/components/host/sh"), { recursive: true });
    // The package's installed dependency tree, as npm would lay it out beside it (transitive ones included).
    for (const dep of readdirSync(path.join(projectRoot, "node_modules"))) {
        if (!dep.startsWith(".")) symlinkSync(path.join(projectRoot, "node_modules", dep), path.join(work, "node_modules", dep));
    }
    writeFileSync(path.join(work, "consumer.ts"), [
        'import { DatabaseHost, validateProfile } from "mdb-hardening";',
        'import { MdbHardeningPolicies } from "mdb-hardening/policies";',
        "export const uses = [DatabaseHost, validateProfile, MdbHardeningPolicies];",
        "",
    ].join("\n"));
}, 120_000);

describe("the built package", () => {
    it("serves the language host the multi-language components from main, and programs the whole API from exports", () => {
        // run-plugin requires the package's directory (package.json main); a program requires its name (exports).
        const script = [
            'const { getPulumiComponents } = require("@pulumi/pulumi/provider/experimental/provider");',
            "const names = (m) => getPulumiComponents(m).map((c) => c.name).sort();",
            `const plugin = require(${JSON.stringify(path.join(work, "node_modules/mdb-hardening"))});`,
            'const api = require("mdb-hardening");',
            "console.log(JSON.stringify({ plugin: names(plugin), api: names(api), validateProfile: typeof api.validateProfile }));",
        ].join("\n");
        const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: work, encoding: "utf8" })) as unknown;
        expect(out).toEqual({
            plugin: ["DatabaseHost", "DatabaseSecurityGroup", "ExistingHost"],
            api: ["DatabaseHost", "DatabaseSecurityGroup", "ExistingHost", "HostHardening"],
            validateProfile: "function",
        });
    }, 60_000);
});

describe("a TypeScript consumer", () => {
    for (const [moduleResolution, module] of [["node", "commonjs"], ["node16", "node16"], ["bundler", "esnext"]]) {
        it(`type-checks imports of the package and its policies with moduleResolution ${moduleResolution}`, () => {
            const r = (() => {
                try {
                    return execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--types", "node", "--module", module, "--moduleResolution", moduleResolution, "consumer.ts"], { cwd: work, encoding: "utf8" });
                } catch (e) {
                    return (e as { stdout: string }).stdout;
                }
            })();
            expect(r).toBe("");
        }, 60_000);
    }
});
