# reads: IRIS_DIR IRIS_INSTANCE MERGE_CONTENT
# ---- iris: the configuration merge file, applied the supported way -----------------------------

iris_apply() {
	local applied="$IRIS_DIR/mdb-hardening.merge.cpf" staged="$IRIS_DIR/.mdb-hardening.merge.cpf.new" state rc=0
	if ! command -v iris >/dev/null 2>&1; then
		finding iris "$IRIS_INSTANCE" "iris command not found; configuration merge not applied"
		return
	fi
	if same_content "$applied" "$MERGE_CONTENT"; then
		ok iris merge "$applied unchanged"
		return
	fi
	state=$(iris qlist "$IRIS_INSTANCE" 2>/dev/null | cut -d '^' -f4 | cut -d ',' -f1) || state=
	if [ "$state" != running ]; then
		finding iris "$IRIS_INSTANCE" "instance not running (${state:-not found}); merge not applied"
		return
	fi
	(umask 022 && printf '%s\n' "$MERGE_CONTENT" >"$staged")
	iris merge "$IRIS_INSTANCE" "$staged" >&2 || rc=$?
	if [ "$rc" = 0 ]; then
		# Kept only after a successful merge, so a failed one is retried on the next run.
		mv -f -- "$staged" "$applied"
		changed iris merge "applied; restart $IRIS_INSTANCE for DefaultPort, DefaultPortBindAddress, WebServer, MaxServers and MaxServerConn"
	else
		rm -f -- "$staged"
		finding iris merge "iris merge $IRIS_INSTANCE failed (exit $rc); see $IRIS_DIR/mgr/messages.log"
	fi
}

iris_audit() {
	if [ -f "$IRIS_DIR/iris.cpf" ]; then
		# Compared with the profile by the component (auditCpf); sent compressed on one line.
		say data iris iris.cpf "$(gzip -c -- "$IRIS_DIR/iris.cpf" | base64 -w0)"
	fi
}
