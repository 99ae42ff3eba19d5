/** configReader: one parse per distinct config, found by identity of the values the SDK hands back each call. */
import { describe, expect, it } from "vitest";
import { configReader, type Properties } from "../../policies/policy";

interface Config {
    cidrs: string[];
    port: number;
}
const properties: Properties<Config> = {
    cidrs: { type: "array", items: { type: "string" }, default: ["10.0.0.0/8"] },
    port: { type: "integer", default: 22 },
};

/** What the SDK's getConfig does: a fresh shallow copy of the policy's config on every call. */
const sdkArgs = (config: Record<string, unknown>) => ({ getConfig: <T extends object>() => ({ ...config }) as T });

describe("configReader", () => {
    it("overlays the defaults and parses each distinct config once", () => {
        let parses = 0;
        const read = configReader(properties, (c) => (parses++, `${c.cidrs.join(",")}:${c.port}`));
        expect(read(sdkArgs({}))).toBe("10.0.0.0/8:22");
        const engine = { cidrs: ["192.0.2.0/24"], port: 2222 };
        for (let i = 0; i < 5; i++) expect(read(sdkArgs(engine))).toBe("192.0.2.0/24:2222");
        expect(parses).toBe(2);
        // Equal content under new objects (the engine configured the pack again): the parse is reused.
        expect(read(sdkArgs({ cidrs: ["192.0.2.0/24"], port: 2222 }))).toBe("192.0.2.0/24:2222");
        expect(parses).toBe(2);
    });

    it("a config that differs in one value, or in its keys, is parsed anew", () => {
        const read = configReader(properties, (c) => `${c.cidrs.join(",")}:${c.port}`);
        const cidrs = ["192.0.2.0/24"];
        expect(read(sdkArgs({ cidrs, port: 1 }))).toBe("192.0.2.0/24:1");
        expect(read(sdkArgs({ cidrs, port: 2 }))).toBe("192.0.2.0/24:2");
        expect(read(sdkArgs({ cidrs }))).toBe("192.0.2.0/24:22");
        expect(read(sdkArgs({ port: 2, cidrs }))).toBe("192.0.2.0/24:2");
    });

    it("serves several policies' configs alternately (one reader, a config per policy)", () => {
        const read = configReader(properties, (c) => c.port);
        const configs = Array.from({ length: 6 }, (_, i) => ({ cidrs: [], port: 100 + i }));
        for (let round = 0; round < 3; round++) for (const [i, c] of configs.entries()) expect(read(sdkArgs(c))).toBe(100 + i);
    });
});
