/** The README's CLI section lists exactly the command table's commands, each with its synopsis and exit codes. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { commands, exitCodes } from "../../bin/commands";
import { projectRoot } from "../helpers/example";

const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## CLI\n"), readme.indexOf("### Audit (`mdb-hardening audit`)"));
/** Markdown wraps lines: compare with runs of white space made one space. */
const flat = section.replace(/\s+/g, " ");

it("lists every command of the table, and only those", () => {
    const listed = [...section.matchAll(/^- `mdb-hardening (\S+) /gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(commands));
});

it("gives each command's synopsis as the table has it, and its exit codes", () => {
    for (const [name, c] of Object.entries(commands)) {
        expect(flat).toContain(`\`mdb-hardening ${name} ${c.synopsis}\``);
        if (c.exits) expect(flat).toContain(c.exits);
    }
    expect(flat).toContain(`Exit codes of the other commands: ${exitCodes.replace(/^Exit codes: /, "")}`);
});
