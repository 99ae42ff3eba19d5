/**
 * Runs `build` with V8's stack trace limit at 0, unless PULUMI_DEBUG_PROMISE_LEAKS is set.
 *
 * The SDK formats a stack trace for every promise it makes (`debuggablePromise`: four per output
 * property of every resource, sixty for one `remote.Command`) and prints them only when that
 * variable is set; formatting them was most of what building a host cost (README "Benchmarks").
 * Resources keep their source positions: the SDK raises the limit itself to take those.
 */
export function withoutPromiseStacks<T>(build: () => T): T {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return build();
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return build();
    } finally {
        Error.stackTraceLimit = limit;
    }
}
