# reads: REQUIRED_TOOLS STATE_DIR
# ---- preflight: refuse before changing anything (each part adds its own checks) ----------------

# Every path changed as root must be controlled by root alone, proven before the first change: the
# state directory is created (and locked) only after all the parts' checks passed.
preflight() {
	[ "$(id -u)" = 0 ] || die preflight user "must run as root (got uid $(id -u))"
	local tool
	for tool in "${REQUIRED_TOOLS[@]}"; do
		command -v "$tool" >/dev/null 2>&1 || die preflight "$tool" "required command not found"
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
	if [ ! -e "$STATE_DIR" ]; then mkdir -m 0700 -- "$STATE_DIR"; fi
	# The directory is root's alone (proven above), so nobody can have planted a link at the lock.
	[ ! -L "$STATE_DIR/lock" ] || die preflight "$STATE_DIR/lock" "is a symbolic link; refused"
	exec 9>>"$STATE_DIR/lock"
	flock -n 9 || die preflight lock "another mdb-hardening run holds $STATE_DIR/lock"
}

# An existing state directory must be root's private directory; its parents root-controlled.
require_state_dir() {
	require_root_chain preflight "$(dirname -- "$STATE_DIR")"
	[ -e "$STATE_DIR" ] || [ -L "$STATE_DIR" ] || return 0
	local now
	now=$(stat -c '%U %a %F' -- "$STATE_DIR")
	[ "$now" = "root 700 directory" ] || die preflight "$STATE_DIR" "must be a root-owned directory of mode 0700 (is $now); refused"
}
