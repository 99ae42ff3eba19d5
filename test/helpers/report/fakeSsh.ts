/**
 * A fake `ssh` for the audit command's tests: put `bin` first on PATH and FAKE_SSH_DIR=`dir` in the
 * environment. Each call writes argv.N (NUL-separated) and stdin.N, then prints what `host()` set
 * (stdout, stderr, exit status). Nothing the audit sends runs anywhere.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export interface FakeSsh {
    readonly bin: string;
    readonly dir: string;
    /** What the next calls print and exit with; forgets earlier calls. */
    host(output: string, exit?: number, stderr?: string): void;
    /** The calls since host(): the argv (without the program name) and stdin of each. */
    sessions(): { argv: string[]; stdin: string }[];
}

export function fakeSsh(work: string): FakeSsh {
    const bin = path.join(work, "bin");
    const dir = path.join(work, "fake-ssh");
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "ssh"), [
        "#!/bin/bash",
        'n=$(find "$FAKE_SSH_DIR" -maxdepth 1 -name "argv.*" | wc -l)',
        'printf "%s\\0" "$@" > "$FAKE_SSH_DIR/argv.$n"',
        'cat > "$FAKE_SSH_DIR/stdin.$n"',
        'cat "$FAKE_SSH_DIR/output"',
        'cat "$FAKE_SSH_DIR/stderr" >&2',
        'exit "$(cat "$FAKE_SSH_DIR/exit")"',
        "",
    ].join("\n"));
    chmodSync(path.join(bin, "ssh"), 0o755);
    return {
        bin,
        dir,
        host(output, exit = 0, stderr = "") {
            rmSync(dir, { recursive: true, force: true });
            mkdirSync(dir);
            writeFileSync(path.join(dir, "output"), output);
            writeFileSync(path.join(dir, "stderr"), stderr);
            writeFileSync(path.join(dir, "exit"), String(exit));
        },
        sessions() {
            return readdirSync(dir).filter((f) => f.startsWith("argv.")).sort().map((f) => ({
                argv: readFileSync(path.join(dir, f), "utf8").split("\0").slice(0, -1),
                stdin: readFileSync(path.join(dir, f.replace("argv", "stdin")), "utf8"),
            }));
        },
    };
}
