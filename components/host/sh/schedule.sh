# reads: SCHEDULE_DIR SCHEDULE_SCRIPT SCHEDULE_SERVICE SCHEDULE_TIMER SCHEDULE_CALENDAR SERVICE_CONTENT TIMER_CONTENT SCRIPT_HEAD SCRIPT_TAIL STATE_DIR
# ---- schedule: the host script run again by a systemd timer (hardening.schedule) ---------------

# A schedule is three files: the script's copy, the service that runs it in the profile's mode and
# its timer. What this module wrote there is recorded (each file's sha256 and path), so switching
# the schedule off removes exactly those files.
schedule_files=("$SCHEDULE_SCRIPT" "$SCHEDULE_SERVICE" "$SCHEDULE_TIMER")
schedule_record="$STATE_DIR/schedule.written"
schedule_timer_unit=${SCHEDULE_TIMER##*/}

# systemd runs this host (sd_booted's test): units are reloaded and the timer started, not only
# enabled. In a chroot or an offline root only the unit links change.
systemd_running() { [ -d /run/systemd/system ]; }

# Root writes these files and a timer runs one of them as root: their directories must be root's
# alone, and only a root-owned regular file may sit at their names (a symbolic link is refused,
# never followed or replaced). The calendar is checked the way systemd will read it. All before
# anything changes; without a schedule only a recorded one is touched.
schedule_preflight() {
	local file now next
	if ! has_part schedule && [ ! -f "$schedule_record" ]; then return 0; fi
	require_root_chain "$SCHEDULE_DIR"
	require_root_chain "$(dirname -- "$SCHEDULE_SERVICE")"
	has_part schedule || return 0
	for file in "${schedule_files[@]}"; do
		now=$(stat -c '%U %F' -- "$file" 2>/dev/null) || continue
		case "$now" in
		"root regular file" | "root regular empty file") ;;
		*) die MDBH-SCHED-001 "$file" "is a ${now#* } owned by ${now%% *}, not a root-owned regular file; refused" ;;
		esac
	done
	next=$(systemd-analyze calendar -- "$SCHEDULE_CALENDAR" 2>&1) ||
		die MDBH-SCHED-002 "$SCHEDULE_CALENDAR" "systemd-analyze calendar refuses hardening.schedule.onCalendar (${next##*$'\n'}); nothing written"
	case "$next" in
	*"Next elapse: never"*) die MDBH-SCHED-002 "$SCHEDULE_CALENDAR" "hardening.schedule.onCalendar never elapses (systemd-analyze calendar): the timer would never run; nothing written" ;;
	esac
}

schedule_apply() {
	if ! has_part schedule; then
		unschedule
		return
	fi
	local i sum record="" units_changed=0
	# shellcheck disable=SC2154 # mdbh_script is the script's own text, read by the renderer's wrapper without its final newline
	local contents=("$SCRIPT_HEAD$mdbh_script"$'\n'"$SCRIPT_TAIL" "$SERVICE_CONTENT" "$TIMER_CONTENT")
	local modes=(700 644 644) controls=(MDBH-SCHED-001 MDBH-SCHED-002 MDBH-SCHED-002)
	ensure_dir MDBH-SCHED-001 "$(dirname -- "$SCHEDULE_DIR")" root 755
	ensure_dir MDBH-SCHED-001 "$SCHEDULE_DIR" root 755
	# The record first: a run killed after writing a file has already recorded it as this module's.
	for i in 0 1 2; do
		sum=$(printf '%s\n' "${contents[$i]}" | sha256sum)
		record+="${sum%% *} ${schedule_files[$i]}"$'\n'
	done
	# The script's own record: check mode writes none.
	if applying && ! same_content "$schedule_record" "${record%$'\n'}"; then write_atomically "$schedule_record" root root 600 "${record%$'\n'}"; fi
	for i in 0 1 2; do
		if [ "$i" != 0 ] && ! same_content "${schedule_files[$i]}" "${contents[$i]}"; then units_changed=1; fi
		ensure_file "${controls[$i]}" "${schedule_files[$i]}" root root "${modes[$i]}" "${contents[$i]}"
	done
	if applying && [ "$units_changed" = 1 ] && systemd_running; then systemctl daemon-reload; fi
	if [ "$(systemctl is-enabled -- "$schedule_timer_unit" 2>/dev/null || true)" = enabled ]; then
		ok MDBH-SCHED-003 "$schedule_timer_unit" enabled
	elif will_change MDBH-SCHED-003 "$schedule_timer_unit" enabled; then
		if systemctl enable -- "$schedule_timer_unit" >/dev/null 2>&1; then
			changed
		else
			finding MDBH-SCHED-003 "$schedule_timer_unit" "could not be enabled (systemctl enable failed)"
		fi
	fi
	if ! systemd_running; then
		info MDBH-SCHED-003 "$schedule_timer_unit" "systemd is not running here: the timer starts at the next boot"
	elif ! systemctl is-active --quiet -- "$schedule_timer_unit"; then
		if will_change MDBH-SCHED-003 "$schedule_timer_unit" started; then
			systemctl start -- "$schedule_timer_unit"
			changed
		fi
	elif [ "$units_changed" = 1 ]; then
		if will_change MDBH-SCHED-003 "$schedule_timer_unit" "restarted (its units changed)"; then
			systemctl restart -- "$schedule_timer_unit"
			changed
		fi
	else
		ok MDBH-SCHED-003 "$schedule_timer_unit" active
	fi
}

# Removes the schedule this module installed, unless one of its files changed since it was written:
# then nothing is removed and each changed file is a finding. A file at these names the record does
# not list is not this module's: left alone, reported.
unschedule() {
	local -A recorded=()
	local hash path file sum kept=0
	if [ -f "$schedule_record" ]; then
		while read -r hash path; do recorded[$path]=$hash; done <"$schedule_record"
	fi
	for file in "${schedule_files[@]}"; do
		[ -e "$file" ] || [ -L "$file" ] || continue
		if [ -z "${recorded[$file]:-}" ]; then
			info MDBH-SCHED-004 "$file" "not written by mdb-hardening; left alone"
			kept=1
			continue
		fi
		sum=
		if [ -f "$file" ] && [ ! -L "$file" ]; then sum=$(sha256sum <"$file"); fi
		if [ "${sum%% *}" != "${recorded[$file]}" ]; then
			finding MDBH-SCHED-004 "$file" "changed since mdb-hardening wrote it; left alone although the profile sets no schedule"
			kept=1
		fi
	done
	if [ ! -f "$schedule_record" ] || [ "$kept" = 1 ]; then return 0; fi
	if [ "$(systemctl is-enabled -- "$schedule_timer_unit" 2>/dev/null || true)" = enabled ] && will_change MDBH-SCHED-004 "$schedule_timer_unit" disabled; then
		systemctl disable -- "$schedule_timer_unit" >/dev/null 2>&1
		changed
	fi
	if systemd_running && systemctl is-active --quiet -- "$schedule_timer_unit" && will_change MDBH-SCHED-004 "$schedule_timer_unit" stopped; then
		systemctl stop -- "$schedule_timer_unit"
		changed
	fi
	for file in "${schedule_files[@]}"; do
		[ -e "$file" ] || continue
		if will_change MDBH-SCHED-004 "$file" "removed (the profile sets no schedule)"; then
			rm -f -- "$file"
			changed
		fi
	done
	applying || return 0
	if systemd_running; then systemctl daemon-reload; fi
	rm -f -- "$schedule_record"
}
