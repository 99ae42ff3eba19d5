# reads: SERVICES_UNITS PROTECTED_UNITS CLIENT_BINARIES CRON_ALLOW CRON_ALLOW_CONTENT
# ---- services: optional daemons stopped, disabled and masked --------------------------------------

# The state (enabled, disabled, masked, static, ...) of each unit file of the catalog's units, from
# one systemctl call: one per unit costs tens of milliseconds, and a listing of every unit more.
declare -A unit_state=()
read_unit_states() {
	local name state
	unit_state=()
	while read -r name state _; do unit_state[$name]=$state; done < <(systemctl list-unit-files --no-legend --no-pager -- "${SERVICES_UNITS[@]}" 2>/dev/null || true)
}

# Whether a unit is running: never where systemd is not (the test to tell, as sd_booted makes it).
unit_active() { [ -d /run/systemd/system ] && systemctl is-active --quiet -- "$1" 2>/dev/null; }

unit_exists() {
	[ -n "${unit_state[$1]+set}" ] && return 0
	# SysV scripts only become units through a generator at boot.
	case "$1" in *.service) [ -x "/etc/init.d/${1%.service}" ] && return 0 ;; esac
	return 1
}

# Every name a unit is known by: its own, the name of the unit file it resolves to (an alias is a
# symbolic link to it) and that file's Alias= names. Read from the unit search path, so it works
# whether or not systemd is running.
unit_names() {
	local dir real
	printf '%s\n' "$1"
	for dir in /etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
		[ -e "$dir/$1" ] || continue
		real=$(readlink -f -- "$dir/$1")
		[ -f "$real" ] || return 0
		basename -- "$real"
		sed -n 's/^Alias=//p' -- "$real" | tr ' ' '\n'
		return 0
	done
}

# cron.allow is written as root, so its directory must be root's alone. The profile was validated
# against the protected units by name; an alias on this host can still make a listed unit one of
# them (e.g. a local name for ssh.service). Both refused before any change.
services_preflight() {
	local unit name pattern
	require_root_chain "$(dirname -- "$CRON_ALLOW")"
	# Client binaries are made mode 000 through their links: the directories they resolve into must be
	# root's alone (the files themselves are the vendor's, e.g. at is daemon's).
	local binary real
	for binary in "${CLIENT_BINARIES[@]}"; do
		[ -e "$binary" ] || continue
		real=$(readlink -f -- "$binary")
		require_root_chain "$(dirname -- "$real")"
	done
	for unit in "${SERVICES_UNITS[@]}"; do
		while IFS= read -r name; do
			for pattern in "${PROTECTED_UNITS[@]}"; do
				# shellcheck disable=SC2053 # the pattern is a glob on purpose (getty@*.service)
				if [[ -n $name && $name == $pattern ]]; then
					die MDBH-SVC-002 "$unit" "is $name on this host, which keeps the host reachable, logged or protected; never disabled"
				fi
			done
		done < <(unit_names "$unit")
	done
}

services_apply() {
	local unit state binary real
	read_unit_states
	for unit in "${SERVICES_UNITS[@]}"; do
		if ! unit_exists "$unit"; then
			absent MDBH-SVC-001 "$unit" "not installed"
			continue
		fi
		state=${unit_state[$unit]:-}
		if unit_active "$unit" && will_change MDBH-SVC-001 "$unit" stopped; then
			if systemctl stop -- "$unit" 2>/dev/null; then
				changed
			else
				finding MDBH-SVC-001 "$unit" "could not be stopped"
			fi
		fi
		if [ "$state" = masked ]; then
			ok MDBH-SVC-001 "$unit" masked
			continue
		fi
		will_change MDBH-SVC-001 "$unit" "${state:-unknown} -> masked" || continue
		systemctl disable -- "$unit" >/dev/null 2>&1 || true
		# mask refuses when a real unit file sits in /etc/systemd/system: report it, do not remove it.
		# (Check mode cannot know that in advance: it reports would-change.)
		if systemctl mask -- "$unit" >/dev/null 2>&1; then
			systemctl reset-failed -- "$unit" >/dev/null 2>&1 || true
			changed
		else
			finding MDBH-SVC-001 "$unit" "could not be masked (a unit file in /etc/systemd/system?)"
		fi
	done
	for binary in "${CLIENT_BINARIES[@]}"; do
		if [ ! -e "$binary" ]; then
			absent MDBH-SVC-003 "$binary" "not installed"
			continue
		fi
		real=$(readlink -f -- "$binary")
		if [ "$(stat -c '%a' -- "$real")" = 0 ]; then
			ok MDBH-SVC-003 "$binary" "mode 000"
		elif will_change MDBH-SVC-003 "$binary" "chmod 000"; then
			chmod 000 -- "$real"
			changed
		fi
		# Debian: record the mode with dpkg, or the next upgrade of the package restores it.
		# (dpkg-statoverride takes no "--"; the catalog's paths are absolute, so none reads as an option.)
		if command -v dpkg-statoverride >/dev/null 2>&1 && dpkg -S -- "$real" >/dev/null 2>&1; then
			if [ "$(dpkg-statoverride --list "$real" || true)" = "root root 0 $real" ]; then
				ok MDBH-SVC-003 "$real" "dpkg-statoverride root root 0"
			elif will_change MDBH-SVC-003 "$real" "dpkg-statoverride root root 0"; then
				dpkg-statoverride --remove "$real" >/dev/null 2>&1 || true
				dpkg-statoverride --add root root 0 "$real"
				changed
			fi
		fi
	done
	ensure_file MDBH-SVC-004 "$CRON_ALLOW" root root 644 "$CRON_ALLOW_CONTENT"
}

services_audit() {
	local unit
	read_unit_states
	for unit in "${SERVICES_UNITS[@]}"; do
		unit_exists "$unit" || continue
		if [ "${unit_state[$unit]:-}" = masked ]; then
			ok MDBH-SVC-001 "unit:$unit" masked
		else
			finding MDBH-SVC-001 "unit:$unit" "not masked"
		fi
	done
}
