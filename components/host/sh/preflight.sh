# reads: REQUIRED_TOOLS STATE_DIR
# ---- preflight: refuse before changing anything (each part adds its own checks) ----------------

# Every path changed as root must be controlled by root alone, proven before the first change: the
# state directory is created (and locked) only after all the parts' checks passed. Check mode
# creates nothing: it takes the lock only where an apply left the state directory and its lock.
preflight() {
	[ "$(id -u)" = 0 ] || die MDBH-HOST-002 user "must run as root (got uid $(id -u))"
	local tool
	for tool in "${REQUIRED_TOOLS[@]}"; do
		command -v "$tool" >/dev/null 2>&1 || die MDBH-HOST-002 "$tool" "required command not found"
	done
	require_state_dir
	if has_part distribution; then
		distribution_preflight
		databases_preflight
	fi
	if has_part services; then services_preflight; fi
	if has_part firewall; then firewall_preflight; fi
	if has_part iris; then iris_preflight; fi
	schedule_preflight
	if applying && [ ! -e "$STATE_DIR" ]; then mkdir -m 0700 -- "$STATE_DIR"; fi
	# The directory is root's alone (proven above), so nobody can have planted a link at the lock.
	[ ! -L "$STATE_DIR/lock" ] || die MDBH-HOST-004 "$STATE_DIR/lock" "is a symbolic link; refused"
	if applying; then
		exec 9>>"$STATE_DIR/lock"
	elif [ -f "$STATE_DIR/lock" ]; then
		exec 9<"$STATE_DIR/lock"
	else
		return 0
	fi
	flock -n 9 || die MDBH-HOST-004 lock "another mdb-hardening run holds $STATE_DIR/lock"
}

# An existing state directory must be root's private directory; its parents root-controlled.
require_state_dir() {
	require_root_chain "$(dirname -- "$STATE_DIR")"
	[ -e "$STATE_DIR" ] || [ -L "$STATE_DIR" ] || return 0
	local now
	now=$(stat -c '%U %a %F' -- "$STATE_DIR")
	[ "$now" = "root 700 directory" ] || die MDBH-HOST-004 "$STATE_DIR" "must be a root-owned directory of mode 0700 (is $now); refused"
}

# The token the last `apply TOKEN` that reached its summary recorded (check and drift print it).
recorded_token() {
	local file="$STATE_DIR/token"
	if [ -f "$file" ] && [ ! -L "$file" ]; then printf %s "$(<"$file")"; fi
}
