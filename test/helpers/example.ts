/** The example stack's configuration, shared by the tests that run example.ts under mocks. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

/** The project directory: profile paths in stack config are relative to it. */
export const projectRoot = path.resolve(__dirname, "../..");

/** Pulumi.example.yaml's config as the engine passes it: every value a string, objects as JSON. */
export function exampleConfig(root = projectRoot): Record<string, string> {
    const file = YAML.parse(readFileSync(path.join(root, "Pulumi.example.yaml"), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
