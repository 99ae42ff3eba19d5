# reads: IRIS_DIR IRIS_INSTANCE MERGE_CONTENT STATE_DIR
# ---- iris: the configuration merge file, applied the supported way -----------------------------
#
# $IRIS_DIR belongs to the instance owner (a non-root account on a usual install). Root never
# opens a path there: whatever the part reads or writes there it does as that owner, so a symlink
# the owner planted only reaches what the owner can reach anyway. The record of the applied merge
# lives in root's $STATE_DIR.

iris_uid=
iris_gid=
iris_refused=

# The account the part acts as in $IRIS_DIR: its owner, found with lstat. Refused (one finding)
# when it is a symlink, not a directory, writable by others, or owned by a uid without an account.
iris_check_owner() {
	local uid gid mode
	[ -z "$iris_refused" ] || return 1
	[ -z "$iris_uid" ] || return 0
	iris_refused=1
	if [ -L "$IRIS_DIR" ] || [ ! -d "$IRIS_DIR" ]; then
		finding MDBH-IRIS-003 "$IRIS_INSTANCE" "$IRIS_DIR is not a directory (or is a symlink); IRIS part not applied"
		return 1
	fi
	read -r uid gid mode <<<"$(stat -c '%u %g %a' -- "$IRIS_DIR")"
	# Root's own directory must be root's alone; any other owner's must not be open to everyone.
	if { [ "$uid" = 0 ] && ((8#$mode & 8#022)); } || ((8#$mode & 8#002)); then
		finding MDBH-IRIS-003 "$IRIS_INSTANCE" "$IRIS_DIR is writable by others (uid $uid gid $gid mode $mode); IRIS part not applied"
		return 1
	fi
	if [ "$uid" != 0 ]; then
		gid=$(getent passwd "$uid" | cut -d: -f4) || gid=
		if [ -z "$gid" ]; then
			finding MDBH-IRIS-003 "$IRIS_INSTANCE" "$IRIS_DIR is owned by uid $uid, which has no account; IRIS part not applied"
			return 1
		fi
	fi
	iris_uid=$uid iris_gid=$gid iris_refused=
}

# Where root owns $IRIS_DIR the part acts there as root, so its ancestors must be root's alone too:
# checked before any change, like every other path root changes.
iris_preflight() {
	if [ -d "$IRIS_DIR" ] && [ ! -L "$IRIS_DIR" ] && [ "$(stat -c %u -- "$IRIS_DIR")" = 0 ]; then
		require_root_chain "$(dirname -- "$IRIS_DIR")"
	fi
}

# Runs a command as the owner of $IRIS_DIR (as root only when root owns it).
as_owner() {
	if [ "$iris_uid" = 0 ]; then
		"$@"
	else
		setpriv --reuid="$iris_uid" --regid="$iris_gid" --init-groups -- "$@"
	fi
}

# True when path is a regular file (not a symlink) holding exactly MERGE_CONTENT, checked as the owner.
owner_has_merge() {
	printf '%s\n' "$MERGE_CONTENT" | as_owner sh -c '[ -f "$1" ] && [ ! -L "$1" ] && cmp -s - "$1"' sh "$1"
}

# Records MERGE_CONTENT as applied in root's state directory, then removes the marker earlier
# versions kept in $IRIS_DIR, as the owner.
iris_record() {
	write_atomically "$1" root root 600 "$MERGE_CONTENT"
	as_owner rm -f -- "$2"
}

# Stages MERGE_CONTENT in $IRIS_DIR as the owner and merges it as the owner: `iris merge` needs an
# OS user allowed to manage the instance, and the owner is one; it also runs as the account that
# reads the staged file, so the file is never read through the owner's symlinks with root's rights.
# mktemp creates a fresh name (O_EXCL); a killed run's staged files are removed first.
iris_merge() {
	local staged rc=0
	as_owner find "$IRIS_DIR" -mindepth 1 -maxdepth 1 -name '.mdb-hardening.merge.cpf.*' -type f -delete || return
	# Called as a condition, so set -e does not hold here: each step checks its own status.
	staged=$(as_owner mktemp -- "$IRIS_DIR/.mdb-hardening.merge.cpf.XXXXXX") || return
	printf '%s\n' "$MERGE_CONTENT" | as_owner sh -c 'cat >"$1"' sh "$staged" || rc=$?
	[ "$rc" != 0 ] || as_owner iris merge "$IRIS_INSTANCE" "$staged" >&2 || rc=$?
	as_owner rm -f -- "$staged"
	return "$rc"
}

iris_apply() {
	local marker="$STATE_DIR/iris-$IRIS_INSTANCE.merge.cpf" old="$IRIS_DIR/mdb-hardening.merge.cpf" state rc=0
	if ! command -v iris >/dev/null 2>&1; then
		finding MDBH-IRIS-002 "$IRIS_INSTANCE" "iris command not found; configuration merge not applied"
		return
	fi
	iris_check_owner || return 0
	if same_content "$marker" "$MERGE_CONTENT"; then
		ok MDBH-IRIS-002 merge "$marker unchanged"
		return
	fi
	# The marker of earlier versions counts as applied, so an upgrade of this tool merges nothing.
	# Moving the record is the script's own state, not a change to the host: check mode leaves it.
	if owner_has_merge "$old"; then
		if applying; then
			iris_record "$marker" "$old"
			ok MDBH-IRIS-002 merge "unchanged; record moved from $old to $marker"
		else
			ok MDBH-IRIS-002 merge "unchanged; record in $old (an apply moves it to $marker)"
		fi
		return
	fi
	state=$(iris qlist "$IRIS_INSTANCE" 2>/dev/null | cut -d '^' -f4 | cut -d ',' -f1) || state=
	if [ "$state" != running ]; then
		finding MDBH-IRIS-002 "$IRIS_INSTANCE" "instance not running (${state:-not found}); merge not applied"
		return
	fi
	will_change MDBH-IRIS-002 merge "applied; restart $IRIS_INSTANCE for DefaultPort, DefaultPortBindAddress, WebServer, MaxServers and MaxServerConn" || return 0
	iris_merge || rc=$?
	if [ "$rc" = 0 ]; then
		# Recorded only after a successful merge, so a failed one is retried on the next run.
		iris_record "$marker" "$old"
		changed
	else
		finding MDBH-IRIS-002 merge "iris merge $IRIS_INSTANCE failed (exit $rc); see $IRIS_DIR/mgr/messages.log"
	fi
}

# Sends iris.cpf, compressed on one line, for the component to compare with the profile (auditCpf).
# Read as the owner: the owner could point it anywhere, but then only at what the owner can read
# anyway; a symlink is reported rather than followed (the check and the read in one owner shell).
iris_audit() {
	local data rc=0
	iris_check_owner || return 0
	data=$(as_owner sh -c '[ ! -L "$1" ] || exit 3; [ -f "$1" ] || exit 4; gzip -c -- "$1"' sh "$IRIS_DIR/iris.cpf" | base64 -w0) || rc=$?
	case "$rc" in
	0) say data iris iris.cpf "$data" ;;
	3) finding MDBH-IRIS-004 iris.cpf "$IRIS_DIR/iris.cpf is a symlink; not read" ;;
	4) ;;
	*) finding MDBH-IRIS-004 iris.cpf "$IRIS_DIR/iris.cpf could not be read as its owner (exit $rc)" ;;
	esac
}
