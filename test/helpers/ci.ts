/**
 * Skipping under CI hides a broken pipeline: suites that need something the machine may lack
 * warn loudly and skip on a developer's machine, and fail under CI.
 */
import { spawnSync } from "node:child_process";

/** True when CI is set to anything but "", "0" or "false". */
export function inCI(): boolean {
    const v = process.env.CI;
    return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

export function banner(lines: string[]): string {
    const width = Math.max(...lines.map((l) => l.length)) + 4;
    const bar = "!".repeat(width);
    return ["", bar, ...lines.map((l) => `! ${l.padEnd(width - 4)} !`), bar, ""].join("\n");
}

/** Whether `tool` runs (`tool --version`); otherwise a loud warning and false, or under CI an error. */
export function requireTool(tool: string, pkg: string, suite: string): boolean {
    if (spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0) return true;
    const msg = banner([`SKIPPING "${suite}": ${tool} is not installed.`, `Install it (Debian: apt-get install ${pkg}); .ci/run does.`]);
    if (inCI()) throw new Error(`"${suite}" needs ${tool}, and CI is set: refusing to skip.${msg}`);
    console.warn(msg);
    return false;
}
