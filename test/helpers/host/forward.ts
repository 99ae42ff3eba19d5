// A loopback port on this machine that leads into a test namespace.
//
// Tools that must run in the machine's own network namespace (the Pulumi
// engine and its command provider, started by `pulumi up` or the Automation
// API) cannot reach 10.213.0.x. startForwarder() listens on 127.0.0.1:<free
// port> here and, for each connection, runs a small pipe process under
// `ip netns exec <fromNs>` that connects to host:port. So the target sees the
// connection coming from fromNs's address (firewall rules behave as for any
// other client in the test network), and no interface, address or route is
// added to this machine's namespace. Everything stops with the forwarder, and
// the forwarder stops with this process or after its lifetime.
import { IPV4_RE, assertMatch, assertPort, startBackground } from "./exec";
import { nsArgv } from "./netns";

const PIPE_JS = String.raw`
const net = require("net");
const [host, port] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) });
s.on("error", () => process.exit(1));
s.on("close", () => process.exit(0));
process.stdin.pipe(s);
s.pipe(process.stdout);
`;

export interface Forwarder {
    /** Loopback port on this machine. */
    port: number;
    /** Where it leads. */
    fromNs: string;
    host: string;
    targetPort: number;
    pid: number;
    /** Stop the forwarder and its pipes (idempotent, synchronous). */
    stop(): void;
}

/** Listen on 127.0.0.1:<free port> in this machine's namespace; connections go to host:port from namespace fromNs. */
export async function startForwarder(fromNs: string, host: string, port: number, lifetimeMs = 1_800_000): Promise<Forwarder> {
    assertMatch("IPv4 address", host, IPV4_RE);
    assertPort(port);
    if (!Number.isInteger(lifetimeMs) || lifetimeMs < 1000 || lifetimeMs > 86_400_000) throw new Error(`invalid lifetime: ${lifetimeMs}`);
    // argv of the per-connection pipe process, passed to the forwarder as JSON.
    const pipeArgv = ["setpriv", "--pdeathsig", "KILL", "--", ...nsArgv(fromNs, [process.execPath, "-e", PIPE_JS, host, String(port)])];
    const script = String.raw`
const net = require("net");
const { spawn } = require("child_process");
const [lifeMs, argvJson] = process.argv.slice(1);
const argv = JSON.parse(argvJson);
setTimeout(() => process.exit(0), Number(lifeMs)).unref();
const kids = new Set();
process.on("exit", () => { for (const k of kids) try { k.kill("SIGKILL"); } catch {} });
process.on("SIGTERM", () => process.exit(0));
const srv = net.createServer((c) => {
  c.on("error", () => {});
  const p = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "ignore"] });
  kids.add(p);
  p.on("exit", () => kids.delete(p));
  p.stdin.on("error", () => {});
  p.stdout.on("error", () => {});
  c.pipe(p.stdin);
  p.stdout.pipe(c);
  c.on("close", () => { try { p.kill("SIGKILL"); } catch {} });
});
srv.on("error", (e) => { console.error("FORWARD-ERROR " + (e && e.code)); process.exit(2); });
srv.listen(0, "127.0.0.1", () => console.log("PORT " + srv.address().port));
setInterval(() => {}, 1 << 30);
`;
    const argv = ["setpriv", "--pdeathsig", "TERM", "--", process.execPath, "-e", script, String(lifetimeMs), JSON.stringify(pipeArgv)];
    const { pid, match, stop } = await startBackground(argv, `forwarder 127.0.0.1 -> ${fromNs} ${host}:${port}`, /PORT (\d+)/, "SIGTERM");
    return { port: Number(match[1]), fromNs, host, targetPort: port, pid, stop };
}
