// TCP/UDP reachability probes between namespaces. Listener and client are small
// Node.js scripts run with this same Node binary under `ip netns exec`; both stop
// by themselves (client: timeout; listener: lifetime limit + parent-death signal).
import { IPV4_RE, assertMatch, assertPort, run, sleep, startBackground } from "./exec";
import { nsArgv } from "./netns";

export type Proto = "tcp" | "udp";
/**
 * open:    TCP connection established / UDP reply received.
 * refused: an explicit negative answer: TCP RST, ICMP port/host unreachable or admin-prohibited.
 * dropped: no answer before the timeout (or the sender's own firewall dropped it: EPERM).
 */
export type ProbeResult = "open" | "refused" | "dropped";

const LISTENER_JS = String.raw`
const [proto, host, port, lifeMs] = process.argv.slice(1);
setTimeout(() => process.exit(0), Number(lifeMs)).unref();
const fail = (e) => { console.error("LISTEN-ERROR " + (e && e.code || e)); process.exit(2); };
if (proto === "tcp") {
  const net = require("net");
  const srv = net.createServer((s) => { s.on("error", () => {}); s.end("ok\n"); });
  srv.on("error", fail);
  srv.listen({ host, port: Number(port) }, () => console.log("READY"));
} else {
  const dgram = require("dgram");
  const sock = dgram.createSocket("udp4");
  sock.on("error", fail);
  sock.on("message", (m, r) => sock.send("ok\n", r.port, r.address));
  sock.bind(Number(port), host, () => console.log("READY"));
}
setInterval(() => {}, 1 << 30);
`;

const PROBE_JS = String.raw`
const [proto, host, port, timeoutMs] = process.argv.slice(1);
const t = Number(timeoutMs);
let done = false;
const finish = (result, detail) => { if (done) return; done = true; console.log(result + " " + (detail || "")); process.exit(0); };
const classify = (e) => {
  const c = e && e.code;
  if (c === "EPERM" || c === "ETIMEDOUT") return finish("dropped", c);
  if (["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "EACCES", "ENOPROTOOPT"].includes(c)) return finish("refused", c);
  finish("error", c || String(e));
};
setTimeout(() => finish("dropped", "timeout"), t);
if (proto === "tcp") {
  const net = require("net");
  const s = net.connect({ host, port: Number(port) });
  s.on("connect", () => { finish("open", "connected"); });
  s.on("error", classify);
} else {
  const dgram = require("dgram");
  const s = dgram.createSocket("udp4");
  s.on("error", classify);
  s.on("message", () => finish("open", "reply"));
  s.connect(Number(port), host, (err) => {
    if (err) return classify(err);
    const send = () => s.send("probe\n", (e) => { if (e) classify(e); });
    send();
    const iv = setInterval(send, Math.max(100, Math.floor(t / 4)));
    iv.unref();
  });
}
`;

export interface ProbeDetail {
    result: ProbeResult;
    detail: string;
}

/** Probe host:port from namespace `fromNs`. Never takes much longer than timeoutMs. */
export async function probeDetail(fromNs: string, proto: Proto, host: string, port: number, timeoutMs = 2000): Promise<ProbeDetail> {
    checkProto(proto);
    assertMatch("IPv4 address", host, IPV4_RE);
    assertPort(port);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) throw new Error(`invalid timeout: ${timeoutMs}`);
    const r = await run(nsArgv(fromNs, [process.execPath, "-e", PROBE_JS, proto, host, String(port), String(timeoutMs)]), {
        timeoutMs: timeoutMs + 10_000,
    });
    const m = /^(open|refused|dropped|error) ?(.*)$/m.exec(r.stdout);
    if (r.code !== 0 || !m) throw new Error(`probe failed (exit ${r.code}): ${r.stdout} ${r.stderr}`);
    if (m[1] === "error") throw new Error(`probe ${proto} ${host}:${port} from ${fromNs}: unexpected error ${m[2]}`);
    return { result: m[1] as ProbeResult, detail: m[2] };
}

export async function probe(fromNs: string, proto: Proto, host: string, port: number, timeoutMs = 2000): Promise<ProbeResult> {
    return (await probeDetail(fromNs, proto, host, port, timeoutMs)).result;
}

/** Probe repeatedly until `want` is seen or the deadline passes; returns the last result. */
export async function waitForProbe(fromNs: string, proto: Proto, host: string, port: number, want: ProbeResult, deadlineMs = 10_000): Promise<ProbeResult> {
    const end = Date.now() + deadlineMs;
    let last: ProbeResult = "dropped";
    while (Date.now() < end) {
        last = await probe(fromNs, proto, host, port, Math.max(100, Math.min(1000, end - Date.now())));
        if (last === want) return last;
        await sleep(100);
    }
    return last;
}

export interface Listener {
    proto: Proto;
    ns: string;
    host: string;
    port: number;
    pid: number;
    /** Stop the listener (idempotent, synchronous). */
    stop(): void;
}

/**
 * Start a TCP (accept, reply "ok", close) or UDP (reply "ok" to each datagram)
 * listener in namespace `ns` on host:port (host "0.0.0.0" for all addresses).
 * It exits by itself after lifetimeMs (default 120 s) or when this process dies.
 */
export async function startListener(ns: string, proto: Proto, host: string, port: number, lifetimeMs = 120_000): Promise<Listener> {
    checkProto(proto);
    assertMatch("IPv4 address", host, IPV4_RE);
    assertPort(port);
    if (!Number.isInteger(lifetimeMs) || lifetimeMs < 1000 || lifetimeMs > 3_600_000) throw new Error(`invalid lifetime: ${lifetimeMs}`);
    const argv = ["setpriv", "--pdeathsig", "KILL", "--", ...nsArgv(ns, [process.execPath, "-e", LISTENER_JS, proto, host, String(port), String(lifetimeMs)])];
    const { pid, stop } = await startBackground(argv, `listener ${proto} ${ns} ${host}:${port}`, /READY/, "SIGKILL");
    return { proto, ns, host, port, pid, stop };
}

function checkProto(proto: string): asserts proto is Proto {
    if (proto !== "tcp" && proto !== "udp") throw new Error(`invalid protocol: ${proto}`);
}
