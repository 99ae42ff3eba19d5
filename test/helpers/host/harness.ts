// Host test harness: real network namespaces, a chrooted copy of a Debian root
// with sshd and GT.M, TCP/UDP probes. Import from here in vitest files:
//
//   import { requireRoot, requireRootFs, createNetwork, createRootCopy, startSshd, cleanupAll } from "./host/harness";
//
//   const ROOTFS = requireRootFs("my suite");        // null => skipped (never in CI)
//   describe.skipIf(!ROOTFS)("my suite", () => {
//       let net: Network; let root: RootCopy; let sshd: Sshd;
//       beforeAll(async () => {
//           net = await createNetwork({ nodes: 2 });
//           root = await createRootCopy(ROOTFS!);
//           sshd = await startSshd(net, net.nodes[0], root);
//       }, 120_000);
//       afterAll(() => cleanupAll());                   // also runs on failures
//       ...
//   });
//
// Everything the harness creates is registered for cleanup; cleanupAll() (from
// afterAll) removes it, and a process 'exit' hook retries whatever is left.
// Names start with mdbt-<pid>-<starttime>-, so leftovers of a crashed run (owner
// process gone) are swept the next time a network or root copy is created.
import { banner, inCI } from "../ci";
import { findCachedRoot } from "./rootfs";

export * from "./exec";
export * from "./netns";
export * from "./rootfs";
export * from "./sshd";
export * from "./probes";
export * from "./gtm";
export * from "./forward";

/**
 * Whether the suite can run: true when running as root. Otherwise prints a loud
 * warning and returns false (skip the suite), except under CI, where it throws:
 * a root suite that silently skips in CI would hide a broken pipeline.
 */
export function requireRoot(suite: string): boolean {
    if (process.getuid?.() === 0) return true;
    const msg = banner([
        `SKIPPING host suite "${suite}": it needs root`,
        "(network namespaces, chroot, mounts). Run the tests as root to prove it on a real system.",
    ]);
    if (inCI()) throw new Error(`host suite "${suite}" needs root, and CI is set: refusing to skip.${msg}`);
    console.warn(msg);
    return false;
}

/**
 * Path of the cached root filesystem (test/helpers/host/build-root.sh), or null to skip
 * (with a loud warning) when not root or the root has not been built. Under CI
 * both cases throw instead.
 */
export function requireRootFs(suite: string): string | null {
    if (!requireRoot(suite)) return null;
    const root = findCachedRoot();
    if (root) return root;
    const msg = banner([
        `SKIPPING host suite "${suite}": no cached root filesystem.`,
        "Build it first (as root, a few minutes, needs the Debian mirror):  test/helpers/host/build-root.sh",
    ]);
    if (inCI()) throw new Error(`host suite "${suite}" needs the cached root, and CI is set: refusing to skip.${msg}`);
    console.warn(msg);
    return null;
}
