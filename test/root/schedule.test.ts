/**
 * hardening.schedule on a real Debian root (chroot copy, no systemd running, so units are checked
 * with `systemctl --root`): the script installs its own copy and a timer, changes nothing on a
 * second run, refuses a calendar systemd refuses and a symlink at the copy's name before writing,
 * and removes exactly what it wrote when the profile drops the schedule.
 * Needs root; under CI a missing root fails the run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostSchedule } from "../../components/catalog";
import { parseReports, parseSummary, type HostReport } from "../../components/host/summary";
import { validateProfile, type HostProfile } from "../../components/profile";
import * as h from "../helpers/host/harness";
import { gtmInput } from "../helpers/profiles";
import { render } from "../helpers/render";

const ROOTFS = h.requireRootFs("schedule part");

/** Only the schedule does anything: the other parts are off, so each run takes a fraction of a second. */
function profile(schedule?: Record<string, unknown>): HostProfile {
    return validateProfile(gtmInput({ hardening: { distribution: false, firewall: false, services: false, ...(schedule ? { schedule } : {}) } }));
}

const files = [hostSchedule.script, hostSchedule.service, hostSchedule.timer];
const record = "/var/lib/mdb-hardening/schedule.written";
const sched = (reports: HostReport[]) => reports.filter((r) => r.control.startsWith("MDBH-SCHED-")).map((r) => `${r.kind} ${r.control} ${r.item} ${r.detail}`);

describe.skipIf(!ROOTFS)("schedule part on a real root", () => {
    let root: h.RootCopy;
    const apply = async (p: HostProfile) => {
        const r = await root.exec(["bash", "-s"], { input: render(p) });
        return { ...r, reports: parseReports(r.stdout) };
    };
    const stat = async (...paths: string[]) => (await root.execOk(["stat", "-c", "%n %U %G %a %F", "--", ...paths])).trim().split("\n");
    const present = async () => (await root.execOk(["bash", "-c", 'for f in "$@"; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done; true', "bash", ...files, record])).trim();
    const isEnabled = async () => (await h.run(["systemctl", `--root=${root.dir}`, "is-enabled", "mdb-hardening.timer"])).stdout.trim();

    beforeAll(async () => {
        root = await h.createRootCopy(ROOTFS!);
    }, 120_000);
    afterAll(() => h.cleanupAll());

    it("refuses, before writing anything, a calendar systemd refuses or that never elapses", async () => {
        for (const [onCalendar, detail] of [
            ["dayly", "systemd-analyze calendar refuses hardening.schedule.onCalendar (Failed to parse calendar specification 'dayly': Invalid argument); nothing written"],
            ["2020-01-01", "hardening.schedule.onCalendar never elapses (systemd-analyze calendar): the timer would never run; nothing written"],
        ]) {
            const r = await apply(profile({ mode: "check", onCalendar }));
            expect(r.code).toBe(2);
            expect(r.reports.filter((l) => l.kind !== "info" && l.kind !== "data")).toEqual([{ kind: "error", control: "MDBH-SCHED-002", item: onCalendar, detail }]);
            expect(await present()).toBe("");
            expect(await root.execOk(["bash", "-c", "[ ! -e /var/lib/mdb-hardening ] && [ ! -e /usr/local/libexec ] && echo untouched"])).toBe("untouched\n");
        }
    });

    it("installs the script's own copy, root's alone and byte for byte the rendered script, and an enabled timer that runs it", async () => {
        const p = profile({ mode: "check" });
        const r = await apply(p);
        expect(r.code).toBe(0);
        expect(sched(r.reports)).toEqual([
            `changed MDBH-SCHED-001 /usr/local/libexec created root root 755`,
            `changed MDBH-SCHED-001 ${hostSchedule.dir} created root root 755`,
            `changed MDBH-SCHED-001 ${hostSchedule.script} written`,
            `changed MDBH-SCHED-002 ${hostSchedule.service} written`,
            `changed MDBH-SCHED-002 ${hostSchedule.timer} written`,
            "changed MDBH-SCHED-003 mdb-hardening.timer enabled",
            "info MDBH-SCHED-003 mdb-hardening.timer systemd is not running here: the timer starts at the next boot",
        ]);
        expect(await root.readFile(hostSchedule.script)).toBe(render(p));
        expect(await stat(hostSchedule.dir, ...files, record)).toEqual([
            `${hostSchedule.dir} root root 755 directory`,
            `${hostSchedule.script} root root 700 regular file`,
            `${hostSchedule.service} root root 644 regular file`,
            `${hostSchedule.timer} root root 644 regular file`,
            `${record} root root 600 regular file`,
        ]);
        expect(await isEnabled()).toBe("enabled");
        expect(await root.readFile(hostSchedule.service)).toMatch(/\nExecStart=\/usr\/local\/libexec\/mdb-hardening\/host-script\.sh check\n/);
        expect(await root.readFile(hostSchedule.timer)).toMatch(/\nOnCalendar=daily\nPersistent=true\n/);
    });

    it("writes units systemd-analyze verify accepts (run in the copy, where it does check units)", async () => {
        const r = await root.exec(["systemd-analyze", "verify", hostSchedule.service, hostSchedule.timer]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        // The same check refuses a broken unit here: a missing program and an unknown type.
        await root.writeFile("/root/mdbh-broken.service", "[Service]\nType=sometimes\nExecStart=/nonexistent/program\n", "0644");
        const broken = await root.exec(["systemd-analyze", "verify", "/root/mdbh-broken.service"]);
        expect(broken.code).not.toBe(0);
        expect(broken.stderr).toMatch(/Failed to parse service type, ignoring: sometimes/);
        expect(broken.stderr).toMatch(/\/nonexistent\/program is not executable/);
    });

    it("changes nothing on a second run, over stdin or as the installed copy the service runs", async () => {
        const again = await apply(profile({ mode: "check" }));
        expect(again.code).toBe(0);
        expect(parseSummary(again.stdout).changes).toBe(0);
        expect(sched(again.reports).filter((l) => !l.startsWith("ok ") && !l.startsWith("info "))).toEqual([]);
        const copy = await root.exec([hostSchedule.script, "check"]);
        expect(copy.code).toBe(0);
        expect(parseSummary(copy.stdout)).toMatchObject({ mode: "check", wouldChange: 0 });
    });

    it("rewrites the copy and the units when the mode or the calendar changes", async () => {
        const p = profile({ mode: "apply", onCalendar: "Mon..Fri *-*-* 02:30" });
        const r = await apply(p);
        expect(r.code).toBe(0);
        expect(sched(r.reports).filter((l) => l.startsWith("changed "))).toEqual([
            `changed MDBH-SCHED-001 ${hostSchedule.script} written`,
            `changed MDBH-SCHED-002 ${hostSchedule.service} written`,
            `changed MDBH-SCHED-002 ${hostSchedule.timer} written`,
        ]);
        expect(await root.readFile(hostSchedule.script)).toBe(render(p));
        expect(await root.readFile(hostSchedule.timer)).toMatch(/\nOnCalendar=Mon\.\.Fri \*-\*-\* 02:30\n/);
        expect(await root.readFile(hostSchedule.service)).toMatch(/\nExecStart=\S+ apply\n/);
        expect(await isEnabled()).toBe("enabled");
    });

    it("refuses a symbolic link planted at the copy's name, before any change", async () => {
        await root.execOk(["bash", "-c", `mv ${hostSchedule.script} /root/copy.saved && ln -s /etc/shadow ${hostSchedule.script}`]);
        try {
            const before = await root.execOk(["sha256sum", "/etc/shadow", hostSchedule.service, hostSchedule.timer, record]);
            const r = await apply(profile({ mode: "check" }));
            expect(r.code).toBe(2);
            expect(r.reports.find((l) => l.kind === "error")).toEqual({ kind: "error", control: "MDBH-SCHED-001", item: hostSchedule.script, detail: "is a symbolic link owned by root, not a root-owned regular file; refused" });
            expect(await root.execOk(["sha256sum", "/etc/shadow", hostSchedule.service, hostSchedule.timer, record])).toBe(before);
            expect(await root.execOk(["readlink", hostSchedule.script])).toBe("/etc/shadow\n");
        } finally {
            await root.execOk(["bash", "-c", `rm -f ${hostSchedule.script} && mv /root/copy.saved ${hostSchedule.script}`]);
        }
    });

    it("leaves a schedule someone changed, when the profile drops it: a finding, nothing removed", async () => {
        const timer = await root.readFile(hostSchedule.timer);
        await root.writeFile(hostSchedule.timer, timer.replace("OnCalendar=Mon..Fri *-*-* 02:30", "OnCalendar=hourly"), "0644");
        try {
            const r = await apply(profile());
            expect(r.code).toBe(0);
            expect(sched(r.reports)).toEqual([`finding MDBH-SCHED-004 ${hostSchedule.timer} changed since mdb-hardening wrote it; left alone although the profile sets no schedule`]);
            expect((await present()).split("\n")).toEqual([...files, record]);
            expect(await isEnabled()).toBe("enabled");
        } finally {
            await root.writeFile(hostSchedule.timer, timer, "0644");
        }
    });

    it("removes timer, service and copy when the profile drops the schedule; then nothing is left to do", async () => {
        const r = await apply(profile());
        expect(r.code).toBe(0);
        expect(sched(r.reports)).toEqual([
            "changed MDBH-SCHED-004 mdb-hardening.timer disabled",
            ...files.map((f) => `changed MDBH-SCHED-004 ${f} removed (the profile sets no schedule)`),
        ]);
        expect(await present()).toBe("");
        expect(await root.execOk(["find", "/etc/systemd/system", "-name", "mdb-hardening*"])).toBe("");
        const again = await apply(profile());
        expect(parseSummary(again.stdout).changes).toBe(0);
        expect(sched(again.reports)).toEqual([]);
    });

    it("leaves alone a unit of that name this module did not write", async () => {
        await root.writeFile(hostSchedule.timer, "[Timer]\nOnCalendar=weekly\n", "0644");
        try {
            const r = await apply(profile());
            expect(r.code).toBe(0);
            expect(sched(r.reports)).toEqual([`info MDBH-SCHED-004 ${hostSchedule.timer} not written by mdb-hardening; left alone`]);
            expect(await root.readFile(hostSchedule.timer)).toBe("[Timer]\nOnCalendar=weekly\n");
        } finally {
            await root.execOk(["rm", "-f", hostSchedule.timer]);
        }
    });
});
