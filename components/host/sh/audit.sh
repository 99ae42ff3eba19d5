# reads: EXPECTED_PORTS ALLOWED_DAEMONS
# ---- audit: what the host looks like now, whatever the parts did ------------------------------

audit_host() {
	local proto addr port pid ppid sid own_sid tty user comm
	if command -v ss >/dev/null 2>&1; then
		while read -r proto _ _ _ addr _; do
			port=${addr##*:}
			addr=${addr%:*}
			case "$addr" in 127.* | \[::1\] | *%lo) continue ;; esac
			if in_list "$proto/$port" "${EXPECTED_PORTS[@]}"; then
				ok MDBH-HOST-006 "listen:$proto/$port" "$addr"
			else
				finding MDBH-HOST-006 "listen:$proto/$port" "listening on $addr but not declared in the profile"
			fi
		done < <(ss -H -ltnu | sort -u)
	else
		info MDBH-HOST-006 listeners "ss not available"
	fi

	# Daemons: no controlling terminal ("?" in ps), kernel threads (children of kthreadd) aside.
	if [ -r /proc/1/stat ]; then
		# The session running this script (ssh, sudo, bash) is not a daemon of the host.
		own_sid=$(ps -o sid= -p $$ | tr -d ' ')
		while read -r pid ppid sid tty user comm; do
			if [ "$tty" != "?" ] || [ "$pid" = 2 ] || [ "$ppid" = 2 ] || [ "$sid" = "$own_sid" ]; then continue; fi
			if in_list "$comm" "${ALLOWED_DAEMONS[@]}"; then continue; fi
			finding MDBH-HOST-007 "daemon:$comm" "pid $pid user $user is not on the daemon allow-list"
		done < <(ps -e -o pid=,ppid=,sid=,tty=,user=,comm=)
	else
		info MDBH-HOST-007 daemons "/proc not mounted"
	fi
}
