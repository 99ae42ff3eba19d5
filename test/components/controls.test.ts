import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { controlMarkdown, controls } from "../../components/controls";
import { projectRoot } from "../helpers/example";

describe("the control table", () => {
    it("has stable ids of one form, each with a title, a source and, where cited, a full SRG id", () => {
        for (const [id, control] of Object.entries(controls)) {
            expect(id).toMatch(/^MDBH-(NET|AWS|HOST|PACK|GTM|IRIS|SVC|FW|SCHED)-\d{3}$/);
            expect(control.title.length).toBeGreaterThan(10);
            expect(control.source.length).toBeGreaterThan(10);
            if ("srg" in control) expect(control.srg.id).toMatch(/^SRG-APP-\d{6}-DB-\d{6}$/);
        }
    });

    it("is listed in the README as controlMarkdown() renders it", () => {
        expect(readFileSync(path.join(projectRoot, "README.md"), "utf8")).toContain(controlMarkdown());
    });
});
