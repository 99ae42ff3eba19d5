import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { peerListRefusals, peerRuleMarkdown, peerRules } from "../../components/peerRules";
import { projectRoot } from "../helpers/example";

describe("the peer-rule table", () => {
    it("is the README's table, exactly", () => {
        expect(readFileSync(path.join(projectRoot, "README.md"), "utf8")).toContain(`${peerRuleMarkdown()}\n`);
    });

    it("has a refusal for every list a role or feature gates, and a row for every refusal", () => {
        const gated = new Set(peerRules.filter((r) => r.role !== undefined).map((r) => r.list));
        gated.delete("adminCidrs"); // SSH is always open to it
        expect(new Set(Object.keys(peerListRefusals))).toEqual(gated);
    });
});
