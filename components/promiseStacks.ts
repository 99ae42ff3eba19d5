/**
 * Sets V8's stack trace limit to 0 until the returned function is called, unless
 * PULUMI_DEBUG_PROMISE_LEAKS is set. A component's constructor registers itself and its
 * children inside it:
 *
 *     const resume = pausePromiseStacks();
 *     try { super(...); ... } finally { resume(); }
 *
 * The SDK formats a stack trace for every promise it makes (`debuggablePromise`: four per output
 * property of every resource, forty-four for one `remote.Command`) and prints them only when that
 * variable is set; formatting them was most of what building a host cost (README "Benchmarks").
 * Resources keep their source positions: the SDK raises the limit itself to take those.
 */
export function pausePromiseStacks(): () => void {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => undefined;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    return () => {
        Error.stackTraceLimit = limit;
    };
}
