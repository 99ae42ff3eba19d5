/** The README's layout section names every part of the tree, and only parts that exist. */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { projectRoot } from "./helpers/example";

function layoutPaths(): string[] {
    const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Layout\n"));
    const block = section.slice(section.indexOf("```\n") + 4, section.indexOf("\n```", section.indexOf("```\n") + 4));
    return block.split("\n").flatMap((line) => {
        const names = line.split(/\s{2,}/)[0].split(", ");
        const dir = path.posix.dirname(names[0]);
        return names.map((n, i) => (i > 0 && !n.includes("/") && dir !== "." ? `${dir}/${n}` : n).replace(/\/$/, ""));
    });
}

it("names only paths that exist", () => {
    const missing = layoutPaths().filter((p) => !existsSync(path.join(projectRoot, p)));
    expect(missing).toEqual([]);
});

it("names every top-level directory, every source file of components/ and every test folder", () => {
    const named = new Set(layoutPaths());
    const dirs = (d: string) => readdirSync(path.join(projectRoot, d)).filter((n) => statSync(path.join(projectRoot, d, n)).isDirectory()).map((n) => path.posix.join(d, n));
    const top = dirs(".").map((d) => d.replace(/^\.\//, "")).filter((d) => !/^(\.|node_modules|dist)/.test(d));
    const componentFiles = readdirSync(path.join(projectRoot, "components")).map((n) => `components/${n}`);
    const isNamed = (p: string) => named.has(p) || named.has(p.replace(/\.ts$/, ""));
    const contentsNamed = (d: string) => [...named].some((n) => n.startsWith(`${d}/`));
    const unnamed = [
        ...top.filter((d) => !isNamed(d) && !contentsNamed(d)),
        ...componentFiles.filter((f) => !isNamed(f) && f !== "components/index.ts"),
        ...dirs("test").filter((d) => !isNamed(d)),
    ];
    expect(unnamed).toEqual([]);
});
