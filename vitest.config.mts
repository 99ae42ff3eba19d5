import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        // Pulumi mocks are process-global: each test file gets its own worker.
        pool: "forks",
        testTimeout: 30_000,
    },
});
