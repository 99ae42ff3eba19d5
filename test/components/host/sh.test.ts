/**
 * The contract between the renderer (script.ts assigns the upper-case variables) and the parts of
 * the shell body (sh/*.sh): each part names on its first line the variables it reads.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hostControls } from "../../../components/controls";
import { deliveredPart, scriptParts } from "../../../components/host/script";
import { parseReports } from "../../../components/host/summary";
import { projectRoot } from "../../helpers/example";
import { gtmInput, iris } from "../../helpers/profiles";
import { heldText, render } from "../../helpers/render";
import { validateProfile } from "../../../components/profile";

const partFile = (part: string) => readFileSync(path.join(projectRoot, "components/host/sh", `${part}.sh`), "utf8");

/** The header lines of a part: `# reads: A B` and, where it reads the environment, `# environment: C`. */
function header(text: string): { reads: string[]; environment: string[]; code: string } {
    const lines = text.split("\n");
    const list = (line: string | undefined, key: string) => {
        const m = line?.match(new RegExp(`^# ${key}: (.*)$`));
        return m ? (m[1] === "(none)" ? [] : m[1].split(" ")) : undefined;
    };
    const reads = list(lines[0], "reads");
    if (!reads) throw new Error(`first line is not "# reads: ...": ${lines[0]}`);
    const environment = list(lines[1], "environment");
    return { reads, environment: environment ?? [], code: lines.slice(environment ? 2 : 1).join("\n") };
}

const usedUpperCase = (code: string) => new Set([...code.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));

/** The variables the renderer assigns, as bash sees them after running the assignments. */
function assigned(script: string): Set<string> {
    const held = heldText(script);
    const assignments = held.slice(0, held.indexOf("\n# reads: "));
    const out = execFileSync("env", ["-i", "bash", "--norc", "--noprofile", "-c", 'true | true; before=$(compgen -v); eval "$1"; comm -13 <(sort <<<"$before") <(compgen -v | sort)', "bash", assignments], { encoding: "utf8" });
    // LC_ALL is the locale the script exports for the commands it runs, not a profile value.
    return new Set(out.split("\n").filter((v) => /^[A-Z][A-Z0-9_]*$/.test(v) && v !== "LC_ALL"));
}

describe("the parts of the host script", () => {
    const renderers = [render(iris()), render(validateProfile(gtmInput()))];

    // The IRIS profile runs every part but distribution (and databases), the GT.M one every part but iris; both carry schedule (it removes one switched off).
    const partsOf = [["lib", "preflight", "services", "firewall", "iris", "schedule", "audit", "main"], ["lib", "preflight", "distribution", "databases", "integrity", "services", "firewall", "schedule", "audit", "main"]];

    it("each script assigns exactly the variables its parts read", () => {
        renderers.forEach((script, i) => {
            expect([...assigned(script)].sort()).toEqual([...new Set(partsOf[i].flatMap((part) => header(partFile(part)).reads))].sort());
        });
        expect(assigned(renderers[1]).size).toBeGreaterThan(30);
    });

    for (const part of scriptParts) {
        it(`${part}.sh lists exactly the rendered variables it reads, each one assigned`, () => {
            const { reads, environment, code } = header(partFile(part));
            const used = usedUpperCase(code);
            expect([...used].filter((v) => !environment.includes(v)).sort()).toEqual([...reads].sort());
            const script = renderers[partsOf.findIndex((parts) => parts.includes(part))];
            for (const name of reads) expect(assigned(script)).toContain(name);
            // Only the renderer assigns upper-case names; a part's own state is lower-case.
            expect(code).not.toMatch(/^\s*(local\s+)?[A-Z][A-Z0-9_]*=/m);
        });
    }

    it("are delivered without comments, and bash parses the delivered form as the source", () => {
        // declare -f prints bash's own parse of a function, comments dropped: wrapping each part in a
        // function compares every command, string and here-document of the two forms.
        const parsed = (text: string) => execFileSync("bash", ["--norc", "--noprofile", "-c", 'eval "part() {\n$1\n}" && declare -f part', "bash", text], { encoding: "utf8" });
        for (const part of scriptParts) {
            const delivered = deliveredPart(partFile(part));
            expect(delivered.split("\n").filter((l) => /^\s*#/.test(l) && !/^# (reads|environment): |^\s*# shellcheck /.test(l)), part).toEqual([]);
            expect(parsed(delivered), part).toBe(parsed(partFile(part)));
        }
    });

    it("are the body of the rendered script, in order, only those its plan runs", () => {
        const body = (parts: readonly string[]) => `\n\n${scriptParts.filter((p) => parts.includes(p)).map((p) => deliveredPart(partFile(p))).join("\n")}`;
        renderers.forEach((script, i) => expect(heldText(script).endsWith(body(partsOf[i]))).toBe(true));
        expect(renderers[0]).not.toContain("distribution_apply() {");
    });
});

describe("the host script's control ids", () => {
    const used = (text: string) => [...text.matchAll(/MDBH-[A-Z]+-\d{3}/g)].map((m) => m[0]);
    const perPart = new Map(scriptParts.map((part) => [part, new Set(used(partFile(part)))]));

    it("are all in the host control table, and every host control is used by a part", () => {
        const all = new Set([...perPart.values()].flatMap((ids) => [...ids]));
        expect([...all].filter((id) => !(id in hostControls))).toEqual([]);
        expect(Object.keys(hostControls).filter((id) => !all.has(id))).toEqual([]);
    });

    it("name a control on every check line: each emitter call starts with an id", () => {
        for (const part of scriptParts) {
            const calls = deliveredPart(partFile(part)).split("\n").flatMap((line) => [...line.matchAll(/(?:^|[\s;&|(!])(ok|info|absent|finding|die|will_change) ([^\s;]+)/g)].map((m) => `${m[1]} ${m[2]}`));
            // The emitters' own definitions pass their arguments on.
            const bad = calls.filter((c) => !/ (MDBH-[A-Z]+-\d{3}|"\$control")$/.test(c) && !/ "\$(@|1)"$/.test(c));
            expect(bad, part).toEqual([]);
        }
    });
});

describe("the host script's modes (lib.sh)", () => {
    const lib = path.join(projectRoot, "components/host/sh/lib.sh");
    const run = (code: string, ...args: string[]) =>
        spawnSync("bash", ["-c", `set -euo pipefail; source "$0"; ${code}`, lib, ...args], { encoding: "utf8", env: { LC_ALL: "C", PATH: process.env.PATH } });

    it("reads apply [TOKEN], check and drift; anything else is an error line and exit 2", () => {
        const mode = (...args: string[]) => run('read_mode "$@"; printf "%s %s\\n" "$run_mode" "$run_token"', ...args);
        expect(mode().stdout).toBe("apply \n");
        expect(mode("apply", "build-42.a_b").stdout).toBe("apply build-42.a_b\n");
        expect(mode("check").stdout).toBe("check \n");
        expect(mode("drift").stdout).toBe("drift \n");
        for (const [args, item] of [[["repair"], "arguments"], [["check", "x"], "arguments"], [["apply", "a", "b"], "arguments"], [["apply", "bad token"], "token"], [["apply", "x".repeat(65)], "token"], [["apply", "a/b"], "token"]] as const) {
            const result = mode(...args);
            expect(result.status, args.join(" ")).toBe(2);
            expect(parseReports(result.stdout).map((r) => `${r.kind} ${r.control} ${r.item}`)).toEqual([`error MDBH-HOST-005 ${item}`]);
        }
    });

    it("makes a change and reports it in apply mode; in check mode reports would-change and changes nothing", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "mdbh-lib-"));
        try {
            const file = path.join(dir, "f");
            writeFileSync(file, "old\n", { mode: 0o600 });
            const ensure = (mode: string) => run(`read_mode ${mode}; ensure_file MDBH-SVC-004 "$1" "$(id -un)" "$(id -gn)" 644 new; printf '%s %s\\n' "$changes" "$would_changes"`, file);
            const checked = ensure("check");
            expect(parseReports(checked.stdout)).toEqual([{ kind: "would-change", control: "MDBH-SVC-004", item: file, detail: "written" }]);
            expect(checked.stdout.endsWith("0 1\n")).toBe(true);
            expect(readFileSync(file, "utf8")).toBe("old\n");
            const applied = ensure("apply");
            expect(parseReports(applied.stdout)).toEqual([{ kind: "changed", control: "MDBH-SVC-004", item: file, detail: "written" }]);
            expect(applied.stdout.endsWith("1 0\n")).toBe(true);
            expect(readFileSync(file, "utf8")).toBe("new\n");
            expect(statSync(file).mode & 0o777).toBe(0o644);
            expect(parseReports(ensure("check").stdout).map((r) => r.kind)).toEqual(["ok"]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
