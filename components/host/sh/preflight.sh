# reads: REQUIRED_TOOLS STATE_DIR
# ---- preflight: refuse before changing anything (each part adds its own checks) ----------------

preflight() {
	[ "$(id -u)" = 0 ] || die preflight user "must run as root (got uid $(id -u))"
	local tool
	for tool in "${REQUIRED_TOOLS[@]}"; do
		command -v "$tool" >/dev/null 2>&1 || die preflight "$tool" "required command not found"
	done
	mkdir -p -- "$STATE_DIR"
	chmod 0700 -- "$STATE_DIR"
	exec 9>"$STATE_DIR/lock"
	flock -n 9 || die preflight lock "another mdb-hardening run holds $STATE_DIR/lock"
	if has_part distribution; then distribution_preflight; fi
	if has_part services; then services_preflight; fi
	if has_part firewall; then firewall_preflight; fi
}
