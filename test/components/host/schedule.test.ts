/**
 * The schedule's units (components/host/schedule.ts) and, with systemctl stubbed, the branch of
 * sh/schedule.sh that only runs where systemd runs (the root suite's chroot has none): which
 * systemctl calls a fresh install, a rerun, a changed schedule and a removal make.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shq } from "../../../components/host/script";
import { validateProfile } from "../../../components/profile";
import { projectRoot } from "../../helpers/example";
import { gtmInput } from "../../helpers/profiles";
import { heldText, render } from "../../helpers/render";

const work = mkdtempSync(path.join(tmpdir(), "mdbh-schedule-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const part = (name: string) => readFileSync(path.join(projectRoot, "components/host/sh", `${name}.sh`), "utf8");
const scheduled = (onCalendar = "daily") => validateProfile(gtmInput({ hardening: { schedule: { mode: "check", onCalendar } } }));

/** The value of a rendered assignment, as bash reads it (an array's elements joined by spaces). */
function value(script: string, name: string): string {
    const held = heldText(script);
    return execFileSync("bash", ["-c", `${held.slice(0, held.indexOf("\n# reads: ")).replace(/^set -euo pipefail$/m, "")}\nprintf %s "\${${name}[*]}"`], { encoding: "utf8" });
}

describe("the schedule's units", () => {
    it("a oneshot service running the copy in the profile's mode, its output tagged in the journal", () => {
        expect(value(render(scheduled()), "SERVICE_CONTENT")).toBe([
            "# mdb-hardening (gtm-1): the host script in check mode, started by mdb-hardening.timer.",
            "[Unit]",
            "Description=mdb-hardening host script (check)",
            "",
            "[Service]",
            "Type=oneshot",
            "ExecStart=/usr/local/libexec/mdb-hardening/host-script.sh check",
            "StandardOutput=journal",
            "SyslogIdentifier=mdb-hardening",
        ].join("\n"));
    });

    it("a persistent timer on the profile's calendar, wanted by timers.target", () => {
        expect(value(render(scheduled("Mon..Fri *-*-* 02:30")), "TIMER_CONTENT")).toMatch(
            /\n\[Timer\]\nOnCalendar=Mon\.\.Fri \*-\*-\* 02:30\nPersistent=true\n\n\[Install\]\nWantedBy=timers\.target$/,
        );
    });

    it("none without a schedule, and no schedule tools required", () => {
        const plain = render(validateProfile(gtmInput()));
        expect(value(plain, "SERVICE_CONTENT")).toBe("");
        expect(value(plain, "REQUIRED_TOOLS")).not.toContain("systemd-analyze");
        expect(value(render(scheduled()), "PARTS")).toBe("distribution services firewall schedule");
        expect(value(render(scheduled()), "REQUIRED_TOOLS")).toMatch(/ systemctl systemd-analyze$/);
    });
});

describe("where systemd runs (systemctl stubbed)", () => {
    const dir = (name: string) => path.join(work, name);
    /**
     * Runs schedule_apply from the rendered values, lib.sh and schedule.sh with the paths moved under
     * a scratch directory, chown stubbed (no root needed) and systemctl answering from `state`.
     * Returns the systemctl calls.
     */
    function run(script: string, root: string, state: { enabled: boolean; active: boolean }): string[] {
        const held = heldText(script);
        const log = path.join(root, "systemctl.log");
        const code = [
            held.slice(0, held.indexOf("\n# reads: ")),
            `SCHEDULE_DIR=${shq(`${root}/libexec/mdb-hardening`)} SCHEDULE_SCRIPT=${shq(`${root}/libexec/mdb-hardening/host-script.sh`)}`,
            `SCHEDULE_SERVICE=${shq(`${root}/system/mdb-hardening.service`)} SCHEDULE_TIMER=${shq(`${root}/system/mdb-hardening.timer`)} STATE_DIR=${shq(`${root}/state`)}`,
            `mkdir -p ${shq(`${root}/system`)} ${shq(`${root}/state`)}`,
            `mdbh_script=${shq(held.slice(0, -1))}`,
            part("lib"),
            part("schedule"),
            "chown() { :; }",
            "systemd_running() { true; }",
            `systemctl() { printf '%s\\n' "$*" >>${shq(log)}; case $1 in is-enabled) echo ${state.enabled ? "enabled" : "disabled"} ;; is-active) ${state.active ? "true" : "false"} ;; esac; }`,
            "schedule_apply",
        ].join("\n");
        execFileSync("bash", ["-c", code], { encoding: "utf8" });
        const calls = execFileSync("bash", ["-c", `cat ${shq(log)} 2>/dev/null; rm -f ${shq(log)}`], { encoding: "utf8" });
        return calls.split("\n").filter(Boolean);
    }

    it("a fresh install reloads, enables and starts the timer; a rerun only looks", () => {
        const root = dir("fresh");
        expect(run(render(scheduled()), root, { enabled: false, active: false })).toEqual([
            "daemon-reload",
            "is-enabled -- mdb-hardening.timer",
            "enable -- mdb-hardening.timer",
            "is-active --quiet -- mdb-hardening.timer",
            "start -- mdb-hardening.timer",
        ]);
        expect(run(render(scheduled()), root, { enabled: true, active: true })).toEqual(["is-enabled -- mdb-hardening.timer", "is-active --quiet -- mdb-hardening.timer"]);
    });

    it("a changed calendar reloads the units and restarts the running timer", () => {
        const root = dir("changed");
        run(render(scheduled()), root, { enabled: false, active: false });
        expect(run(render(scheduled("weekly")), root, { enabled: true, active: true })).toEqual([
            "daemon-reload",
            "is-enabled -- mdb-hardening.timer",
            "is-active --quiet -- mdb-hardening.timer",
            "restart -- mdb-hardening.timer",
        ]);
    });

    it("a schedule dropped from the profile is disabled, stopped, removed and the units reloaded", () => {
        const root = dir("removed");
        run(render(scheduled()), root, { enabled: false, active: false });
        expect(run(render(validateProfile(gtmInput())), root, { enabled: true, active: true })).toEqual([
            "is-enabled -- mdb-hardening.timer",
            "disable -- mdb-hardening.timer",
            "is-active --quiet -- mdb-hardening.timer",
            "stop -- mdb-hardening.timer",
            "daemon-reload",
        ]);
        expect(execFileSync("bash", ["-c", `ls -A ${shq(`${root}/system`)} ${shq(`${root}/state`)}`], { encoding: "utf8" })).toBe(`${root}/state:\n\n${root}/system:\n`);
    });
});
