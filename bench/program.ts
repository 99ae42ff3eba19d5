/**
 * The example program (example.ts with Pulumi.example.yaml) as the Node.js language runtime runs
 * it, under Pulumi mocks: loaded the way @pulumi/pulumi 3.259's cmd/run loads a TypeScript
 * program (ts-node: type-checking with tsconfig.json; transpile-only with the example's
 * tsconfig.pulumi.json, whose `noCheck` the runtime reads as PULUMI_NODEJS_TRANSPILE_ONLY=true), and
 * precompiled (`typescript: false`, main: the compiled file).
 * Each run is a fresh process, timed from spawn to exit; a real `pulumi up` runs the program twice
 * (preview, then update) and adds the engine's and providers' time. Results go to
 * bench/results/program.json.
 *
 * Run: npm run bench:program [-- <runs per mode>]
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as YAML from "yaml";

const modes = ["type-check", "transpile-only", "precompiled"] as const;
type Mode = (typeof modes)[number];
/** The source tree (this file runs compiled from .bench-build/bench/). */
const root = path.resolve(__dirname, "..", "..");

/** One run, in this process: load the program as the runtime would and wait for every registration. */
async function child(mode: Mode): Promise<void> {
    process.chdir(root); // profile paths in stack config are relative to the project directory
    if (mode !== "precompiled") {
        // As cmd/run: the tsconfig's own compilerOptions over the runtime's defaults (`noCheck` there
        // means transpile only), the project file for the rest. Transpile-only is the example's
        // Pulumi.yaml (runtime.options.tsconfig); type-check is the default tsconfig.json.
        const project = mode === "transpile-only" ? (YAML.parse(readFileSync("Pulumi.yaml", "utf8")) as { runtime: { options: { tsconfig: string } } }).runtime.options.tsconfig : "tsconfig.json";
        const ts = require("typescript") as typeof import("typescript");
        const own = ts.parseConfigFileTextToJson(project, readFileSync(project, "utf8")).config.compilerOptions ?? {};
        require("ts-node").register({
            transpileOnly: own.noCheck,
            project,
            compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...own },
        });
    }
    const pulumi = await import("@pulumi/pulumi");
    const { exampleConfig } = await import("../test/helpers/example");
    pulumi.runtime.setAllConfig(exampleConfig(root));
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
            call: (args) => (args.token === "aws:ec2/getAmi:getAmi" ? { id: "ami-0mock" } : {}),
        },
        "mdb-hardening", "example", false,
    );
    require(mode === "precompiled" ? path.join(root, ".bench-build", "example.js") : path.join(root, "example.ts"));
    await pulumi.runtime.disconnect();
}

function main(): void {
    if (process.argv[2] === "child") {
        child(process.argv[3] as Mode).catch((e) => {
            process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(1);
        });
        return;
    }
    const runs = Number(process.argv[2] ?? 3);
    const seconds: Record<string, number[]> = {};
    for (let i = 0; i < runs; i++) {
        for (const mode of modes) {
            const start = performance.now();
            execFileSync(process.execPath, [__filename, "child", mode], { stdio: ["ignore", "ignore", "inherit"] });
            (seconds[mode] ??= []).push(Number(((performance.now() - start) / 1000).toFixed(2)));
        }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const result = {
        date: new Date().toISOString().slice(0, 10),
        node: process.version,
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        // Above the core count, the times are inflated by other work on the machine.
        loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
        runsPerMode: runs,
        medianSeconds: Object.fromEntries(modes.map((m) => [m, median(seconds[m])])),
        seconds,
    };
    writeFileSync(path.join(root, "bench", "results", "program.json"), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
