/**
 * The built package as a consumer sees it: `mdb-hardening` and `mdb-hardening/policies` type-check
 * under each module resolution a TypeScript consumer may use (`node` needs typesVersions: it does
 * not read `exports`). Builds the library into a scratch node_modules/mdb-hardening.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
    for (const dep of ["@pulumi", "@types"]) symlinkSync(path.join(projectRoot, "node_modules", dep), path.join(work, "node_modules", dep));
    writeFileSync(path.join(work, "consumer.ts"), [
        'import { DatabaseHost, validateProfile } from "mdb-hardening";',
        'import { MdbHardeningPolicies } from "mdb-hardening/policies";',
        "export const uses = [DatabaseHost, validateProfile, MdbHardeningPolicies];",
        "",
    ].join("\n"));
}, 120_000);

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
