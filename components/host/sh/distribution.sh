# reads: DIST DIST_MARKERS PRODUCT_NAME DIST_GROUP DIST_MEMBERS DIST_VERSION RELEASE_NAMES SECSHR_DIR SECSHR_NAME INSTALL_OWNERS RESTRICT_FILE RESTRICT_LINES RESTRICT_SINCE STATE_DIR TMP_DIR PROFILE_D ENV_CONTENT LOGIND_DIR LOGIND_FILE LOGIND_CONTENT LOGIND_MAIN LOGIND_DROPIN_DIRS
# ---- distribution: GT.M / YottaDB restricted to a group ----------------------------------------

# The recursive chgrp/chmod only runs on a directory that proves to be the distribution, in a tree
# nobody but root (or the vendor's install owner) can change while the script works in it.
distribution_preflight() {
	if [ ! -d "$DIST" ] || [ -L "$DIST" ]; then die MDBH-GTM-006 "$DIST" "distribution directory missing or a symbolic link"; fi
	local real marker dir owners=() owner path
	real=$(readlink -f -- "$DIST")
	[ "$real" = "$DIST" ] || die MDBH-GTM-006 "$DIST" "path is not canonical (resolves to $real)"
	require_root_chain "$DIST" "${INSTALL_OWNERS[@]}"
	for owner in root "${INSTALL_OWNERS[@]}"; do owners+=(! -user "$owner"); done
	path=$(find "$DIST" -mindepth 1 -type d \( -perm /022 -o \( "${owners[@]}" \) \) -print -quit)
	[ -z "$path" ] || require_root_controlled "$path" "${INSTALL_OWNERS[@]}"
	for marker in "${DIST_MARKERS[@]}"; do
		[ -f "$DIST/$marker" ] || die MDBH-GTM-006 "$DIST" "not a $PRODUCT_NAME distribution: $marker missing"
	done
	require_private_leaf "$TMP_DIR"
	require_root_chain "$(dirname -- "$PROFILE_D")"
	require_root_chain "$LOGIND_DIR"
	require_group_not_in_sudoers
	require_release
}

# The installed release, read only when something depends on it: the profile declares one, or
# restrict.txt has lines, each of which the release must parse (a line it cannot parse restricts
# every facility for everyone). It is the release name compiled into the runtime library (the
# third marker), the one the M intrinsics zversion and zyrelease return; each name must occur with
# one value. The trust chain above is proven first.
require_release() {
	[ -n "$DIST_VERSION" ] || [ "${#RESTRICT_LINES[@]}" -gt 0 ] || return 0
	local library="$DIST/${DIST_MARKERS[2]}" pattern names words=() base base_key release i
	for pattern in "${RELEASE_NAMES[@]}"; do
		mapfile -t names < <(grep -aoE -- "$pattern" "$library" | sort -u)
		[ "${#names[@]}" = 1 ] || die MDBH-GTM-006 "$library" "cannot tell the installed release: ${#names[@]} distinct names match /$pattern/; refused"
		read -r -a words <<<"${names[0]}"
		release=${words[1]}
		base=${base:-$release}
	done
	release_key "$base"
	base_key=$release_key
	if [ -n "$DIST_VERSION" ] && [ "$DIST_VERSION" != "$release" ]; then
		die MDBH-GTM-006 "$DIST" "is $PRODUCT_NAME $release, the profile declares $DIST_VERSION; refused"
	fi
	for i in "${!RESTRICT_LINES[@]}"; do
		release_key "${RESTRICT_SINCE[$i]}"
		[[ $base_key < $release_key ]] || continue
		die MDBH-GTM-007 "$DIST/$RESTRICT_FILE" "\"${RESTRICT_LINES[$i]}\" needs GT.M ${RESTRICT_SINCE[$i]} or later; installed: $release (GT.M $base), which cannot parse it and would restrict every facility for everyone; nothing written"
	done
	info MDBH-GTM-006 release "$release"
}

# Sets release_key to a GT.M release as a string that sorts by age (V6.3-003A -> 006003003A).
release_key() {
	[[ $1 =~ ^V[0-9]+\.[0-9]+-[0-9]{3}[A-Z]?$ ]] || return 1
	local major minor rest=${1#V}
	major=${rest%%.*} rest=${rest#*.}
	minor=${rest%%-*} rest=${rest#*-}
	printf -v release_key '%03d%03d%03d%s' "$((10#$major))" "$((10#$minor))" "$((10#${rest:0:3}))" "${rest:3}"
}

# Members added to a group that sudoers names would gain sudo.
require_group_not_in_sudoers() {
	local gid file dirs=() line word
	gid=$(group_gid "$DIST_GROUP")
	local files=(/etc/sudoers) words=() lines=()
	while IFS= read -r line; do dirs+=("$line"); done < <(sed -n 's/^[@#]includedir[[:space:]]\{1,\}//p' /etc/sudoers 2>/dev/null)
	while IFS= read -r line; do files+=("$line"); done < <(sed -n 's/^[@#]include[[:space:]]\{1,\}//p' /etc/sudoers 2>/dev/null)
	for file in "${dirs[@]}"; do
		[ -d "$file" ] || continue
		while IFS= read -r -d '' line; do files+=("$line"); done < <(find "$file" -maxdepth 1 -type f -print0)
	done
	for file in "${files[@]}"; do
		[ -f "$file" ] || continue
		mapfile -t lines <"$file"
		for line in "${lines[@]}"; do
			case "$line" in \#* | @*) continue ;; esac
			# A comment may also end a line: "#" not followed by a digit (%#GID and #UID are not comments).
			line=${line%%#[!0-9]*}
			line=${line%#}
			read -r -a words <<<"${line//[,=():!]/ }"
			for word in "${words[@]}"; do
				if [ "$word" = "%$DIST_GROUP" ] || { [ -n "$gid" ] && [ "$word" = "%#$gid" ]; }; then
					die MDBH-GTM-010 "$file" "names the distribution group $DIST_GROUP ($word): its members would gain sudo; refused"
				fi
			done
		done
	done
}

distribution_apply() {
	local member
	if getent group "$DIST_GROUP" >/dev/null; then
		ok MDBH-GTM-001 "group:$DIST_GROUP" exists
	elif will_change MDBH-GTM-001 "group:$DIST_GROUP" created; then
		groupadd --system -- "$DIST_GROUP"
		changed
	fi
	for member in "${DIST_MEMBERS[@]}"; do
		if ! id -u -- "$member" >/dev/null 2>&1; then
			finding MDBH-GTM-001 "member:$member" "user does not exist; not added"
		elif user_in_group "$member" "$DIST_GROUP"; then
			ok MDBH-GTM-001 "member:$member" "in $DIST_GROUP"
		elif will_change MDBH-GTM-001 "member:$member" "added to $DIST_GROUP"; then
			usermod -a -G "$DIST_GROUP" -- "$member"
			changed
		fi
	done
	restrict_tree
	restore_secshr
	restrict_facilities

	# gtmsecshr inherits $tmp from the first process that starts it; pinned for everyone.
	ensure_tmp_dir
	ensure_file MDBH-GTM-008 "$PROFILE_D" root root 644 "$ENV_CONTENT"
	keep_ipc
}

# chmod -R o-rwx $dist ; chgrp -R GROUP $dist — in this order, so others lose access before the
# chgrp clears gtmsecshr's set-user-ID bit (a kill between them leaves nothing runnable by others).
# Only what differs, never through a symbolic link, and a file linked from outside the tree is
# left alone (a finding): the change would reach that file too.
restrict_tree() {
	local count file skip=() outside
	while IFS= read -r -d '' file; do
		is_single_link_or_internal "$file" "$DIST" && continue
		finding MDBH-GTM-002 "$file" "has hard links outside $DIST; left alone"
		skip+=(! -samefile "$file")
	done < <(find "$DIST" ! -type d ! -type l -links +1 -print0)
	count=$(find "$DIST" ! -type l -perm /o=rwx "${skip[@]}" -print | wc -l)
	if [ "$count" = 0 ]; then
		ok MDBH-GTM-002 chmod "no access for others"
	elif will_change MDBH-GTM-002 chmod "$count paths o-rwx"; then
		find "$DIST" ! -type l -perm /o=rwx "${skip[@]}" -exec chmod o-rwx -- {} +
		changed
	fi
	outside_group
	count=$(find "$DIST" "${outside[@]}" "${skip[@]}" -print | wc -l)
	if [ "$count" = 0 ]; then
		ok MDBH-GTM-002 chgrp "all paths in $DIST_GROUP"
	elif will_change MDBH-GTM-002 chgrp "$count paths to $DIST_GROUP"; then
		find "$DIST" ! -group "$DIST_GROUP" "${skip[@]}" -exec chgrp -h -- "$DIST_GROUP" {} +
		changed
	fi
	# What both vendors' installers end with: nothing in the distribution writable, and (GT.M
	# V7.0-000+) no setgid or sticky bit on the directory itself.
	count=$(find "$DIST" ! -type l -perm /a=w "${skip[@]}" -print | wc -l)
	if [ "$count" = 0 ]; then
		ok MDBH-GTM-003 "chmod a-w" "no path writable"
	elif will_change MDBH-GTM-003 "chmod a-w" "$count paths made read-only"; then
		find "$DIST" ! -type l -perm /a=w "${skip[@]}" -exec chmod a-w -- {} +
		changed
	fi
	if [ -n "$(find "$DIST" -maxdepth 0 -perm /3000 -print)" ] && will_change MDBH-GTM-003 "$DIST" "setgid/sticky cleared"; then
		chmod g-s,-t -- "$DIST"
		changed
	fi
}

# The owner, group and mode restrict_tree leaves path with: after it ran (apply), what stat shows;
# in check mode, which changed nothing, computed the way it changes them — o-rwx, then the group
# (chgrp clears a file's set-user-ID bit, and its set-group-ID bit where it is group-executable),
# a-w, and no setgid or sticky bit on the distribution directory — so the steps after it (gtmsecshr,
# restrict.txt) report what the apply would still change, not what restrict_tree already fixes.
tree_leaves() {
	local path=$1 owner group perm type
	read -r owner group perm type < <(stat -c '%U %G %a %F' -- "$path")
	if applying || { [ "$type" != directory ] && ! is_single_link_or_internal "$path" "$DIST"; }; then
		printf '%s %s %s' "$owner" "$group" "$perm"
		return
	fi
	perm=$((8#$perm & ~8#007))
	if [ "$group" != "$DIST_GROUP" ]; then
		group=$DIST_GROUP
		if [ "$type" != directory ]; then
			perm=$((perm & ~8#4000))
			if ((perm & 8#010)); then perm=$((perm & ~8#2000)); fi
		fi
	fi
	perm=$((perm & ~8#222))
	if [ "$path" = "$DIST" ]; then perm=$((perm & ~8#3000)); fi
	printf '%s %s %o' "$owner" "$group" "$perm"
}

# Sets outside to the find test for a path not in the distribution group: every path while the
# group does not exist yet (check mode, before the apply would create it).
outside_group() {
	outside=(! -group "$DIST_GROUP")
	getent group "$DIST_GROUP" >/dev/null || outside=()
}

# chgrp as root clears set-user-ID; gtmsecshr must stay root-owned and setuid (the vendors'
# installers: wrapper 4550 root:group, its directory 0500, the helper 4500). Only the vendor's
# own names get it: utf8/ only where it holds hard links to those same files; any other file or
# directory of that name is a finding, left alone (a planted copy would become setuid root).
restore_secshr() {
	local wrapper="$DIST/$SECSHR_NAME" dir="$DIST/$SECSHR_DIR" helper="$DIST/$SECSHR_DIR/$SECSHR_NAME" path vendor=()
	ensure_mode MDBH-GTM-004 "$dir" root "$DIST_GROUP" 500 "$(tree_leaves "$dir")"
	ensure_mode MDBH-GTM-004 "$helper" root "$DIST_GROUP" 4500 "$(tree_leaves "$helper")"
	ensure_mode MDBH-GTM-004 "$wrapper" root "$DIST_GROUP" 4550 "$(tree_leaves "$wrapper")"
	vendor=("$wrapper" "$dir" "$helper")
	if is_hard_link "$DIST/utf8/$SECSHR_NAME" "$wrapper" && is_hard_link "$DIST/utf8/$SECSHR_DIR/$SECSHR_NAME" "$helper"; then
		ensure_mode MDBH-GTM-004 "$DIST/utf8/$SECSHR_DIR" root "$DIST_GROUP" 500 "$(tree_leaves "$DIST/utf8/$SECSHR_DIR")"
		vendor+=("$DIST/utf8/$SECSHR_NAME" "$DIST/utf8/$SECSHR_DIR" "$DIST/utf8/$SECSHR_DIR/$SECSHR_NAME")
	fi
	while IFS= read -r -d '' path; do
		in_list "$path" "${vendor[@]}" || finding MDBH-GTM-005 "$path" "not the vendor's $SECSHR_NAME; left alone"
	done < <(find "$DIST" \( -name "$SECSHR_NAME" -o -name "$SECSHR_DIR" \) -print0)
}

# The checks gtmsecshr's wrapper makes before it starts the helper (a failure there is silent):
# its directory root's with no bit of 0277, the helper root's, setuid, not group/world-writable.
secshr_audit() {
	local dir="$DIST/$SECSHR_DIR" helper="$DIST/$SECSHR_DIR/$SECSHR_NAME" owner mode
	read -r owner mode < <(stat -c '%U %a' -- "$dir")
	if [ "$owner" = root ] && ! ((8#$mode & 8#277)); then ok MDBH-GTM-004 "$SECSHR_DIR" "$owner $mode"; else finding MDBH-GTM-004 "$SECSHR_DIR" "$owner $mode: the wrapper refuses a directory not root's or with any bit of 0277"; fi
	read -r owner mode < <(stat -c '%U %a' -- "$helper")
	if [ "$owner" = root ] && ((8#$mode & 8#4000)) && ! ((8#$mode & 8#022)); then ok MDBH-GTM-004 "$SECSHR_DIR/$SECSHR_NAME" "$owner $mode"; else finding MDBH-GTM-004 "$SECSHR_DIR/$SECSHR_NAME" "$owner $mode: the wrapper refuses a helper not root's and setuid, or group/world-writable"; fi
}

# True when both are regular files (not symbolic links) and the same inode.
is_hard_link() { [ -f "$1" ] && [ ! -L "$1" ] && [ ! -L "$2" ] && [ "$1" -ef "$2" ]; }

# The file's content, as ensure_file writes it (it adds the final newline): the apply and the audit compare with it.
restrict_content=$(printf '%s\n' "${RESTRICT_LINES[@]}")

# restrict.txt: readable by the group, writable by nobody (a process that can write it is not
# restricted). Facility groups that do not exist are created without members: the runtime treats
# an unknown group as a syntax error and then restricts everything for everyone. What was written
# is recorded, so a restrict emptied in the profile removes exactly that file.
restrict_facilities() {
	local file="$DIST/$RESTRICT_FILE" record="$STATE_DIR/restrict.written" line group leaves=
	if [ "${#RESTRICT_LINES[@]}" -eq 0 ]; then
		unrestrict_facilities "$file" "$record"
		return
	fi
	for line in "${RESTRICT_LINES[@]}"; do
		group=${line#*:}
		getent group "$group" >/dev/null && continue
		will_change MDBH-GTM-007 "group:$group" "created without members (a facility group of $RESTRICT_FILE)" || continue
		groupadd --system -- "$group"
		changed
	done
	if [ -f "$file" ] && [ ! -L "$file" ]; then leaves=$(tree_leaves "$file"); fi
	ensure_file MDBH-GTM-007 "$file" root "$DIST_GROUP" 440 "$restrict_content" "$leaves"
	# The record is the script's own state, not a change to the host: check mode leaves it.
	if applying && ! same_content "$record" "$file"$'\n'"$restrict_content"; then write_atomically "$record" root root 600 "$file"$'\n'"$restrict_content"; fi
}

# Removes the restrict.txt this module wrote (first line of the record: its path; then its content),
# unless someone changed it since; a file it did not write is not its to remove.
unrestrict_facilities() {
	local file=$1 record=$2 recorded
	if [ ! -f "$record" ]; then
		if [ -e "$file" ] || [ -L "$file" ]; then info MDBH-GTM-007 "$file" "not written by mdb-hardening; left alone"; fi
		return 0
	fi
	recorded=$(<"$record")
	if [ "${recorded%%$'\n'*}" != "$file" ]; then
		finding MDBH-GTM-007 "$RESTRICT_FILE" "the record names ${recorded%%$'\n'*}, not this distribution; left alone"
		return 0
	fi
	if [ -L "$file" ] || { [ -e "$file" ] && ! same_content "$file" "${recorded#*$'\n'}"; }; then
		finding MDBH-GTM-007 "$file" "changed since mdb-hardening wrote it; left alone although restrict is empty in the profile"
		return 0
	fi
	if [ -e "$file" ]; then
		will_change MDBH-GTM-007 "$file" "removed (restrict is empty in the profile)" || return 0
		rm -f -- "$file"
		changed
	fi
	if applying; then rm -f -- "$record"; fi
}

# $gtm_tmp/$ydb_tmp: a directory of its own, 1770 root:GROUP (the group of the runtime's library,
# as YottaDB r2.04+ expects), created race-free by ensure_dir. An existing directory is never
# changed — tmpDir may name a shared or system directory — only reported: a shared sticky one such
# as /tmp as information, any other owner or mode as a finding.
ensure_tmp_dir() {
	local now
	ensure_dir MDBH-GTM-008 "$TMP_DIR" "$DIST_GROUP" 1770
	# In check mode a directory the apply would create does not exist yet.
	now=$(stat -c '%U %G %a' -- "$TMP_DIR" 2>/dev/null) || return 0
	case "$now" in
	"root $DIST_GROUP 1770") ;;
	"root "*" 1777") info MDBH-GTM-008 "$TMP_DIR" "a shared directory (1777); one of its own keeps other accounts' files away from gtmsecshr's sockets" ;;
	*) finding MDBH-GTM-008 "$TMP_DIR" "exists as $now, not 1770 root $DIST_GROUP; not changed (set tmpDir to a directory of its own)" ;;
	esac
}

# RemoveIPC=no for systemd-logind (as ydbinstall sets it): otherwise a database user's last logout
# removes the database's shared memory and semaphores. logind has no reload; it is not restarted
# under logged-in users, so the drop-in takes effect when it restarts or at the next boot.
keep_ipc() {
	local before=$changes
	if [ ! -d "$(dirname -- "$LOGIND_DIR")" ]; then
		info MDBH-GTM-009 RemoveIPC "no $(dirname -- "$LOGIND_DIR"); systemd-logind not configured here"
		return
	fi
	ensure_dir MDBH-GTM-009 "$LOGIND_DIR" root 755
	ensure_file MDBH-GTM-009 "$LOGIND_FILE" root root 644 "$LOGIND_CONTENT"
	[ "$changes" = "$before" ] || info MDBH-GTM-009 RemoveIPC "takes effect when systemd-logind restarts or at the next boot"
}

# The RemoveIPC logind will use: logind.conf, then the drop-ins in name order (a name in /etc hides
# the same name in the later directories), the last assignment winning.
logind_remove_ipc() {
	local dir file value=yes names=() sorted=() seen=" " found
	for dir in "${LOGIND_DROPIN_DIRS[@]}"; do
		[ -d "$dir" ] || continue
		for file in "$dir"/*.conf; do
			[ -f "$file" ] || continue
			case "$seen" in *" ${file##*/} "*) continue ;; esac
			seen+="${file##*/} "
			names+=("${file##*/}"$'\t'"$file")
		done
	done
	if [ "${#names[@]}" -gt 0 ]; then mapfile -t sorted < <(printf '%s\n' "${names[@]}" | sort | cut -f2-); fi
	for file in "$LOGIND_MAIN" "${sorted[@]}"; do
		[ -f "$file" ] || continue
		found=$(sed -n 's/^[[:space:]]*RemoveIPC[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' -- "$file" | tail -n 1)
		value=${found:-$value}
	done
	printf %s "$value"
}

distribution_audit() {
	local open wrong writable value outside
	outside_group
	open=$(find "$DIST" ! -type l -perm /o=rwx -print | wc -l)
	wrong=$(find "$DIST" "${outside[@]}" -print | wc -l)
	writable=$(find "$DIST" ! -type l -perm /a=w -print | wc -l)
	if [ "$open" = 0 ] && [ "$wrong" = 0 ] && [ "$writable" = 0 ]; then
		ok MDBH-GTM-002 distribution "all paths $DIST_GROUP, none open to others, none writable"
	else
		finding MDBH-GTM-002 distribution "$open paths open to others, $wrong not in $DIST_GROUP, $writable writable"
	fi
	secshr_audit
	if [ "${#RESTRICT_LINES[@]}" -gt 0 ]; then
		if [ "$(stat -c '%U %G %a %F' -- "$DIST/$RESTRICT_FILE" 2>/dev/null)" = "root $DIST_GROUP 440 regular file" ] && same_content "$DIST/$RESTRICT_FILE" "$restrict_content"; then
			ok MDBH-GTM-007 "$RESTRICT_FILE" "as the profile declares, root $DIST_GROUP 440"
		else
			finding MDBH-GTM-007 "$RESTRICT_FILE" "$DIST/$RESTRICT_FILE is not what the profile declares (content, or owner/mode other than root $DIST_GROUP 440)"
		fi
	fi
	value=$(logind_remove_ipc)
	case "$value" in
	no | false | off | 0) ok MDBH-GTM-009 RemoveIPC "$value" ;;
	*) finding MDBH-GTM-009 RemoveIPC "systemd-logind's RemoveIPC is $value: a database user's last logout removes the database's shared memory and semaphores" ;;
	esac
}
