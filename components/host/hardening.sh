# mdb-hardening host script: the body. The renderer (script.ts) puts the profile's values above
# this line as quoted shell assignments; nothing below is generated.
#
# Every step checks before it changes, so a second run changes nothing and a run killed at any
# point reaches the same end state when run again. Output lines for machines:
#   MDBH<TAB>kind<TAB>part<TAB>item<TAB>detail
# kind: changed | ok | absent | finding | info | data | error | summary.

say() {
	local detail=${4:-}
	detail=${detail//$'\t'/ }
	printf 'MDBH\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${detail//$'\n'/ }"
}
changed() { CHANGES=$((CHANGES + 1)); say changed "$@"; }
ok() { say ok "$@"; }
finding() { FINDINGS=$((FINDINGS + 1)); say finding "$@"; }
die() { say error "$1" "$2" "$3"; exit 2; }
has_part() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
in_list() { local needle=$1 item; shift; for item in "$@"; do [ "$item" = "$needle" ] && return 0; done; return 1; }
user_in_group() {
	local groups
	read -r -a groups <<<"$(id -nG -- "$1" 2>/dev/null)"
	in_list "$2" "${groups[@]}"
}

CHANGES=0
FINDINGS=0

# owner group mode (octal as stat prints it, e.g. 4550) of a path, set only if different.
ensure_mode() {
	local part=$1 path=$2 owner=$3 group=$4 mode=$5 now
	now=$(stat -c '%U %G %a' -- "$path")
	if [ "$now" = "$owner $group $mode" ]; then
		ok "$part" "$path" "$now"
	else
		# chown clears the set-user-ID bit, so the mode is set after it.
		chown -- "$owner:$group" "$path"
		chmod -- "$mode" "$path"
		changed "$part" "$path" "$now -> $owner $group $mode"
	fi
}

# True when path holds exactly content plus the final newline ensure_file writes.
same_content() { [ -f "$1" ] && printf '%s\n' "$2" | cmp -s -- - "$1"; }

# Writes content to path atomically (temp file in the same directory, then rename) if it differs.
ensure_file() {
	local part=$1 path=$2 owner=$3 group=$4 mode=$5 content=$6 tmp
	if same_content "$path" "$content"; then
		ensure_mode "$part" "$path" "$owner" "$group" "$mode"
		return
	fi
	tmp=$(mktemp -- "$path.mdbh.XXXXXX")
	printf '%s\n' "$content" >"$tmp"
	chown -- "$owner:$group" "$tmp"
	chmod -- "$mode" "$tmp"
	mv -f -- "$tmp" "$path"
	changed "$part" "$path" "written"
}

ensure_dir() {
	local part=$1 path=$2 group=$3 mode=$4
	if [ -d "$path" ]; then
		# An existing directory is reported, not changed: it may be shared (e.g. /tmp).
		ok "$part" "$path" "exists $(stat -c '%U %G %a' -- "$path")"
	else
		mkdir -p -- "$path"
		chown -- "root:$group" "$path"
		chmod -- "$mode" "$path"
		changed "$part" "$path" "created root $group $mode"
	fi
}

# ---- preflight: refuse before changing anything ------------------------------------------------

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
	if has_part distribution; then check_distribution; fi
	if has_part firewall; then check_admin_path; fi
}

# The recursive chgrp/chmod only runs on a directory that proves to be the distribution.
check_distribution() {
	if [ ! -d "$DIST" ] || [ -L "$DIST" ]; then die preflight "$DIST" "distribution directory missing or a symbolic link"; fi
	local real marker
	real=$(readlink -f -- "$DIST")
	[ "$real" = "$DIST" ] || die preflight "$DIST" "path is not canonical (resolves to $real)"
	for marker in "${DIST_MARKERS[@]}"; do
		[ -f "$DIST/$marker" ] || die preflight "$DIST" "not a $PRODUCT_NAME distribution: $marker missing"
	done
}

# Never cut off the admin path applying this: the SSH client must be inside adminCidrs.
check_admin_path() {
	local connection=${SSH_CONNECTION:-} client family
	client=${connection%% *}
	if [ -z "$connection" ]; then
		say info firewall admin-path "not applied over SSH; no session to protect"
		return
	fi
	case "$client" in *:*) family=admin_v6 ;; *) family=admin_v4 ;; esac
	nft -f - <<<"$NFT_PROBE"
	if nft get element inet "$NFT_PROBE_TABLE" "$family" "{ $client }" >/dev/null 2>&1; then
		nft delete table inet "$NFT_PROBE_TABLE"
		ok firewall admin-path "$client is in adminCidrs"
	else
		nft delete table inet "$NFT_PROBE_TABLE"
		die preflight firewall "the SSH client applying this ($client) is not in network.adminCidrs; the firewall would refuse its next connection"
	fi
}

# ---- GT.M / YottaDB distribution restricted to a group --------------------------------------------

apply_distribution() {
	local member file count
	if getent group "$DIST_GROUP" >/dev/null; then
		ok distribution "group:$DIST_GROUP" exists
	else
		groupadd --system -- "$DIST_GROUP"
		changed distribution "group:$DIST_GROUP" created
	fi
	for member in "${DIST_MEMBERS[@]}"; do
		if ! id -u -- "$member" >/dev/null 2>&1; then
			finding distribution "member:$member" "user does not exist; not added"
		elif user_in_group "$member" "$DIST_GROUP"; then
			ok distribution "member:$member" "in $DIST_GROUP"
		else
			usermod -a -G "$DIST_GROUP" -- "$member"
			changed distribution "member:$member" "added to $DIST_GROUP"
		fi
	done

	# chgrp -R GROUP $dist ; chmod -R o-rwx $dist — only on what differs, without following links.
	count=$(find "$DIST" ! -group "$DIST_GROUP" -print | wc -l)
	if [ "$count" -gt 0 ]; then
		find "$DIST" ! -group "$DIST_GROUP" -exec chgrp -h -- "$DIST_GROUP" {} +
		changed distribution chgrp "$count paths to $DIST_GROUP"
	else
		ok distribution chgrp "all paths in $DIST_GROUP"
	fi
	count=$(find "$DIST" ! -type l -perm /o=rwx -print | wc -l)
	if [ "$count" -gt 0 ]; then
		find "$DIST" ! -type l -perm /o=rwx -exec chmod o-rwx -- {} +
		changed distribution chmod "$count paths o-rwx"
	else
		ok distribution chmod "no access for others"
	fi

	# chgrp as root clears set-user-ID; gtmsecshr must stay root-owned and setuid (the vendors'
	# installers: wrapper 4550 root:group, its directory 0500, the helper 4500).
	while IFS= read -r -d '' file; do
		ensure_mode distribution "$file" root "$DIST_GROUP" 500
	done < <(find "$DIST" -type d -name "$SECSHR_DIR" -print0)
	while IFS= read -r -d '' file; do
		case "$file" in
		*/"$SECSHR_DIR"/*) ensure_mode distribution "$file" root "$DIST_GROUP" 4500 ;;
		*) ensure_mode distribution "$file" root "$DIST_GROUP" 4550 ;;
		esac
	done < <(find "$DIST" -type f -name "$SECSHR_NAME" -print0)

	if [ -n "$RESTRICT_CONTENT" ]; then
		# Readable by the group, writable by nobody: a writable restrict.txt restricts nothing.
		ensure_file distribution "$DIST/$RESTRICT_FILE" root "$DIST_GROUP" 440 "$RESTRICT_CONTENT"
	fi

	# gtmsecshr inherits $tmp/$log from the first process that starts it; pin them for everyone.
	ensure_dir distribution "$TMP_DIR" "$DIST_GROUP" 1770
	[ "$LOG_DIR" = "$TMP_DIR" ] || ensure_dir distribution "$LOG_DIR" "$DIST_GROUP" 1770
	ensure_file distribution "$PROFILE_D" root root 644 "$ENV_CONTENT"

	for file in "${READONLY_DBS[@]}"; do
		if [ ! -f "$file" ]; then
			finding databases "$file" "declared read-only database does not exist"
		elif [ -n "$(find "$file" -perm /a=w -print)" ]; then
			chmod a-w -- "$file"
			changed databases "$file" "made read-only"
		else
			ok databases "$file" "read-only"
		fi
	done
}

# ---- optional daemons ---------------------------------------------------------------------------

unit_exists() {
	[ -n "$(systemctl list-unit-files --no-legend --no-pager -- "$1" 2>/dev/null)" ] && return 0
	# SysV scripts only become units through a generator at boot.
	case "$1" in *.service) [ -x "/etc/init.d/${1%.service}" ] && return 0 ;; esac
	return 1
}

apply_services() {
	local unit state binary real
	for unit in "${DISABLE_UNITS[@]}"; do
		if ! unit_exists "$unit"; then
			say absent services "$unit" "not installed"
			continue
		fi
		state=$(systemctl is-enabled -- "$unit" 2>/dev/null || true)
		if systemctl is-active --quiet -- "$unit" 2>/dev/null; then
			if systemctl stop -- "$unit" 2>/dev/null; then
				changed services "$unit" "stopped"
			else
				finding services "$unit" "could not be stopped"
			fi
		fi
		if [ "$state" = masked ]; then
			ok services "$unit" masked
			continue
		fi
		systemctl disable -- "$unit" >/dev/null 2>&1 || true
		# mask refuses when a real unit file sits in /etc/systemd/system: report it, do not remove it.
		if systemctl mask -- "$unit" >/dev/null 2>&1; then
			systemctl reset-failed -- "$unit" >/dev/null 2>&1 || true
			changed services "$unit" "${state:-unknown} -> masked"
		else
			finding services "$unit" "could not be masked (a unit file in /etc/systemd/system?)"
		fi
	done
	for binary in "${CLIENT_BINARIES[@]}"; do
		if [ ! -e "$binary" ]; then
			say absent services "$binary" "not installed"
			continue
		fi
		real=$(readlink -f -- "$binary")
		if [ "$(stat -c '%a' -- "$real")" = 0 ]; then
			ok services "$binary" "mode 000"
		else
			chmod 000 -- "$real"
			changed services "$binary" "chmod 000"
		fi
		# Debian: record the mode with dpkg, or the next upgrade of the package restores it.
		# (dpkg-statoverride takes no "--"; the catalog's paths are absolute, so none reads as an option.)
		if command -v dpkg-statoverride >/dev/null 2>&1 && dpkg -S -- "$real" >/dev/null 2>&1; then
			if [ "$(dpkg-statoverride --list "$real" || true)" = "root root 0 $real" ]; then
				ok services "$real" "dpkg-statoverride root root 0"
			else
				dpkg-statoverride --remove "$real" >/dev/null 2>&1 || true
				dpkg-statoverride --add root root 0 "$real"
				changed services "$real" "dpkg-statoverride root root 0"
			fi
		fi
	done
	ensure_file services "$CRON_ALLOW" root root 644 "$CRON_ALLOW_CONTENT"
}

# ---- host firewall ------------------------------------------------------------------------------

apply_firewall() {
	local candidate="$STATE_DIR/nftables.candidate" live="$STATE_DIR/nftables.live" file_changed=0
	printf '%s\n' "$NFT_RULESET" >"$candidate"
	nft -c -f "$candidate" || die firewall "$NFT_FILE" "nft -c rejected the rendered ruleset"
	mkdir -p -- "$(dirname -- "$NFT_FILE")"
	if ! same_content "$NFT_FILE" "$NFT_RULESET"; then file_changed=1; fi
	ensure_file firewall "$NFT_FILE" root root 600 "$NFT_RULESET"
	if [ "$file_changed" = 1 ] || ! nft list table inet "$NFT_TABLE" >/dev/null 2>&1 ||
		! nft list table inet "$NFT_TABLE" | cmp -s -- - "$live"; then
		nft -f "$NFT_FILE"
		changed firewall "table inet $NFT_TABLE" loaded
	else
		ok firewall "table inet $NFT_TABLE" "in force"
	fi
	nft list table inet "$NFT_TABLE" >"$live"
	rm -f -- "$candidate"

	# Persist the distribution's way: its nftables.service loads NFT_CONF at boot.
	local include="include \"$NFT_FILE\""
	if [ ! -f "$NFT_CONF" ]; then
		ensure_file firewall "$NFT_CONF" root root 600 "#!/usr/sbin/nft -f"$'\n'"$include"
	elif grep -qxF -- "$include" "$NFT_CONF"; then
		ok firewall "$NFT_CONF" "includes $NFT_FILE"
	else
		printf '%s\n' "$include" >>"$NFT_CONF"
		changed firewall "$NFT_CONF" "include added"
	fi
	if [ "$(systemctl is-enabled nftables.service 2>/dev/null || true)" = enabled ]; then
		ok firewall nftables.service enabled
	else
		systemctl enable nftables.service >/dev/null 2>&1
		changed firewall nftables.service enabled
	fi
}

# ---- IRIS configuration: the merge file, applied the supported way -----------------------------

apply_iris() {
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

# ---- audit: what the host looks like now --------------------------------------------------------

audit() {
	local proto addr port pid ppid sid own_sid tty user comm unit file group
	if command -v ss >/dev/null 2>&1; then
		while read -r proto _ _ _ addr _; do
			port=${addr##*:}
			addr=${addr%:*}
			case "$addr" in 127.* | \[::1\] | *%lo) continue ;; esac
			if in_list "$proto/$port" "${EXPECTED_PORTS[@]}"; then
				ok audit "listen:$proto/$port" "$addr"
			else
				finding audit "listen:$proto/$port" "listening on $addr but not declared in the profile"
			fi
		done < <(ss -H -ltnu | sort -u)
	else
		say info audit listeners "ss not available"
	fi

	# Daemons: no controlling terminal ("?" in ps), kernel threads (children of kthreadd) aside.
	if [ -r /proc/1/stat ]; then
		# The session running this script (ssh, sudo, bash) is not a daemon of the host.
		own_sid=$(ps -o sid= -p $$ | tr -d ' ')
		while read -r pid ppid sid tty user comm; do
			if [ "$tty" != "?" ] || [ "$pid" = 2 ] || [ "$ppid" = 2 ] || [ "$sid" = "$own_sid" ]; then continue; fi
			if in_list "$comm" "${ALLOWED_DAEMONS[@]}"; then continue; fi
			finding audit "daemon:$comm" "pid $pid user $user is not on the daemon allow-list"
		done < <(ps -e -o pid=,ppid=,sid=,tty=,user=,comm=)
	else
		say info audit daemons "/proc not mounted"
	fi

	if has_part distribution; then
		local open wrong
		open=$(find "$DIST" ! -type l -perm /o=rwx -print | wc -l)
		wrong=$(find "$DIST" ! -group "$DIST_GROUP" -print | wc -l)
		if [ "$open" = 0 ] && [ "$wrong" = 0 ]; then
			ok audit distribution "all paths $DIST_GROUP, none open to others"
		else
			finding audit distribution "$open paths open to others, $wrong not in $DIST_GROUP"
		fi
		for file in "${DB_FILES[@]}"; do
			if [ ! -f "$file" ]; then
				finding audit "$file" "declared database file does not exist"
				continue
			fi
			read -r user group < <(stat -c '%U %G' -- "$file")
			if user_in_group "$user" "$group"; then
				ok audit "$file" "owner $user is in group $group"
			else
				finding audit "$file" "owner $user is not a member of the file's group $group (the GT.M/YottaDB documents advise against this)"
			fi
		done
	fi

	if has_part iris && [ -f "$IRIS_DIR/iris.cpf" ]; then
		# Compared with the profile by the caller (auditCpf); sent compressed on one line.
		say data iris iris.cpf "$(gzip -c -- "$IRIS_DIR/iris.cpf" | base64 -w0)"
	fi

	if has_part services; then
		for unit in "${DISABLE_UNITS[@]}"; do
			unit_exists "$unit" || continue
			if [ "$(systemctl is-enabled -- "$unit" 2>/dev/null || true)" = masked ]; then
				ok audit "unit:$unit" masked
			else
				finding audit "unit:$unit" "not masked"
			fi
		done
	fi
}

preflight
if has_part distribution; then apply_distribution; fi
if has_part services; then apply_services; fi
if has_part firewall; then apply_firewall; fi
if has_part iris; then apply_iris; fi
audit
say summary "$PROFILE_NAME" changes "$CHANGES"
say summary "$PROFILE_NAME" findings "$FINDINGS"
