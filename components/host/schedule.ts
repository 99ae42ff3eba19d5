/**
 * The systemd units of `hardening.schedule` (sh/schedule.sh installs them): a oneshot service that
 * runs the host script's copy in the profile's mode, and its timer. The service's output — the
 * MDBH report lines — goes to the journal under the catalog's tag.
 */
import { hostSchedule } from "../catalog";
import type { HostProfile, ScheduleSettings } from "../profile/model";

const unitName = (file: string) => file.slice(file.lastIndexOf("/") + 1);

export function scheduleService(p: HostProfile, s: ScheduleSettings): string {
    return [
        `# mdb-hardening (${p.name}): the host script in ${s.mode} mode, started by ${unitName(hostSchedule.timer)}.`,
        "[Unit]",
        `Description=mdb-hardening host script (${s.mode})`,
        "",
        "[Service]",
        "Type=oneshot",
        `ExecStart=${hostSchedule.script} ${s.mode}`,
        "StandardOutput=journal",
        `SyslogIdentifier=${hostSchedule.syslogIdentifier}`,
    ].join("\n");
}

export function scheduleTimer(p: HostProfile, s: ScheduleSettings): string {
    return [
        `# mdb-hardening (${p.name}): runs ${unitName(hostSchedule.service)} on the profile's calendar; a run missed while the host was down starts at boot.`,
        "[Unit]",
        `Description=mdb-hardening host script (${s.mode}), ${s.onCalendar}`,
        "",
        "[Timer]",
        `OnCalendar=${s.onCalendar}`,
        "Persistent=true",
        "",
        "[Install]",
        "WantedBy=timers.target",
    ].join("\n");
}
