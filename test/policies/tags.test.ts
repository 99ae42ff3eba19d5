/** Tag lookups in both provider shapes, through the SDK's proxy and on plain views, unknowns included. */
import { describe, expect, it } from "vitest";
import { tagValue } from "../../policies/tags";
import { plainView } from "../../policies/unknowns";
import { received, unknown, UnknownValueError } from "../helpers/policies/harness";

describe("tagValue", () => {
    it("finds a tag in the aws provider's map and in aws-native's list, through the proxy and in plain data", () => {
        for (const tags of [{ role: "db" }, [{ key: "other", value: "x" }, { key: "role", value: "db" }]]) {
            expect(tagValue(received({ tags }), "role")).toBe("db");
            expect(tagValue(plainView(received({ tags })), "role")).toBe("db");
            expect(tagValue(received({ tags }), "missing")).toBeUndefined();
        }
    });

    it("is undefined without tags, and never reads a key inherited from Object", () => {
        expect(tagValue(received({}), "role")).toBeUndefined();
        expect(tagValue(undefined, "role")).toBeUndefined();
        expect(tagValue(received({ tags: {} }), "toString")).toBeUndefined();
        expect(tagValue(received({ tags: { toString: "x" } }), "toString")).toBe("x");
    });

    it("an unknown on the way to the tag throws the SDK's UnknownValueError, as a read through the proxy does", () => {
        const cases = [{ tags: unknown.object }, { tags: { role: unknown.string } }, { tags: unknown.array }, { tags: [{ key: "role", value: unknown.string }] }, { tags: [unknown.object] }];
        for (const props of cases) {
            expect(() => tagValue(received(props), "role"), JSON.stringify(props)).toThrow(UnknownValueError);
            expect(() => tagValue(plainView(received(props)), "role"), JSON.stringify(props)).toThrow(UnknownValueError);
        }
    });

    it("an unknown tag the lookup does not need does not stop it", () => {
        expect(tagValue(received({ tags: { other: unknown.string, role: "db" } }), "role")).toBe("db");
        expect(tagValue(received({ tags: { other: unknown.string } }), "role")).toBeUndefined();
    });
});
