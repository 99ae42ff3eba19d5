import { afterEach, expect, it } from "vitest";
import { pausePromiseStacks } from "../../components/promiseStacks";

const limit = Error.stackTraceLimit;
afterEach(() => {
    Error.stackTraceLimit = limit;
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
});

it("takes no stack traces until resumed, then restores the limit", () => {
    const resume = pausePromiseStacks();
    expect(new Error("x").stack).toBe("Error: x");
    resume();
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error("x").stack).toMatch(/\n\s+at /);
});

it("keeps them when PULUMI_DEBUG_PROMISE_LEAKS asks the SDK to print them", () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
    const resume = pausePromiseStacks();
    expect(new Error("x").stack).toMatch(/\n\s+at /);
    resume();
    expect(Error.stackTraceLimit).toBe(limit);
});
