# reads: DIST DIST_MARKERS PRODUCT_NAME DIST_GROUP DIST_MEMBERS SECSHR_DIR SECSHR_NAME INSTALL_OWNERS RESTRICT_FILE RESTRICT_CONTENT TMP_DIR LOG_DIR PROFILE_D ENV_CONTENT
# ---- distribution: GT.M / YottaDB restricted to a group ----------------------------------------

# The recursive chgrp/chmod only runs on a directory that proves to be the distribution, in a tree
# nobody but root (or the vendor's install owner) can change while the script works in it.
distribution_preflight() {
	if [ ! -d "$DIST" ] || [ -L "$DIST" ]; then die preflight "$DIST" "distribution directory missing or a symbolic link"; fi
	local real marker dir owners=() owner path
	real=$(readlink -f -- "$DIST")
	[ "$real" = "$DIST" ] || die preflight "$DIST" "path is not canonical (resolves to $real)"
	require_root_chain preflight "$DIST" "${INSTALL_OWNERS[@]}"
	for owner in root "${INSTALL_OWNERS[@]}"; do owners+=(! -user "$owner"); done
	path=$(find "$DIST" -mindepth 1 -type d \( -perm /022 -o \( "${owners[@]}" \) \) -print -quit)
	[ -z "$path" ] || require_root_controlled preflight "$path" "${INSTALL_OWNERS[@]}"
	for marker in "${DIST_MARKERS[@]}"; do
		[ -f "$DIST/$marker" ] || die preflight "$DIST" "not a $PRODUCT_NAME distribution: $marker missing"
	done
	for dir in "$TMP_DIR" "$LOG_DIR"; do require_private_leaf preflight "$dir"; done
	require_root_chain preflight "$(dirname -- "$PROFILE_D")"
	require_group_not_in_sudoers
}

# Members added to a group that sudoers names would gain sudo.
require_group_not_in_sudoers() {
	local gid file dirs=() line word
	gid=$(getent group "$DIST_GROUP" | cut -d: -f3) || gid=
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
					die preflight "$file" "names the distribution group $DIST_GROUP ($word): its members would gain sudo; refused"
				fi
			done
		done
	done
}

distribution_apply() {
	local member
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
	restrict_tree
	restore_secshr

	if [ -n "$RESTRICT_CONTENT" ]; then
		# Readable by the group, writable by nobody: a writable restrict.txt restricts nothing.
		ensure_file distribution "$DIST/$RESTRICT_FILE" root "$DIST_GROUP" 440 "$RESTRICT_CONTENT"
	fi

	# gtmsecshr inherits $tmp/$log from the first process that starts it; pin them for everyone.
	ensure_dir distribution "$TMP_DIR" "$DIST_GROUP" 1770
	[ "$LOG_DIR" = "$TMP_DIR" ] || ensure_dir distribution "$LOG_DIR" "$DIST_GROUP" 1770
	ensure_file distribution "$PROFILE_D" root root 644 "$ENV_CONTENT"
}

# chmod -R o-rwx $dist ; chgrp -R GROUP $dist — in this order, so others lose access before the
# chgrp clears gtmsecshr's set-user-ID bit (a kill between them leaves nothing runnable by others).
# Only what differs, never through a symbolic link, and a file linked from outside the tree is
# left alone (a finding): the change would reach that file too.
restrict_tree() {
	local count file skip=()
	while IFS= read -r -d '' file; do
		is_single_link_or_internal "$file" "$DIST" && continue
		finding distribution "$file" "has hard links outside $DIST; left alone"
		skip+=(! -samefile "$file")
	done < <(find "$DIST" ! -type d ! -type l -links +1 -print0)
	count=$(find "$DIST" ! -type l -perm /o=rwx "${skip[@]}" -print | wc -l)
	if [ "$count" -gt 0 ]; then
		find "$DIST" ! -type l -perm /o=rwx "${skip[@]}" -exec chmod o-rwx -- {} +
		changed distribution chmod "$count paths o-rwx"
	else
		ok distribution chmod "no access for others"
	fi
	count=$(find "$DIST" ! -group "$DIST_GROUP" "${skip[@]}" -print | wc -l)
	if [ "$count" -gt 0 ]; then
		find "$DIST" ! -group "$DIST_GROUP" "${skip[@]}" -exec chgrp -h -- "$DIST_GROUP" {} +
		changed distribution chgrp "$count paths to $DIST_GROUP"
	else
		ok distribution chgrp "all paths in $DIST_GROUP"
	fi
}

# chgrp as root clears set-user-ID; gtmsecshr must stay root-owned and setuid (the vendors'
# installers: wrapper 4550 root:group, its directory 0500, the helper 4500). Only the vendor's
# own names get it: utf8/ only where it holds hard links to those same files; any other file or
# directory of that name is a finding, left alone (a planted copy would become setuid root).
restore_secshr() {
	local wrapper="$DIST/$SECSHR_NAME" dir="$DIST/$SECSHR_DIR" helper="$DIST/$SECSHR_DIR/$SECSHR_NAME" path vendor=()
	ensure_mode distribution "$dir" root "$DIST_GROUP" 500
	ensure_mode distribution "$helper" root "$DIST_GROUP" 4500
	ensure_mode distribution "$wrapper" root "$DIST_GROUP" 4550
	vendor=("$wrapper" "$dir" "$helper")
	if is_hard_link "$DIST/utf8/$SECSHR_NAME" "$wrapper" && is_hard_link "$DIST/utf8/$SECSHR_DIR/$SECSHR_NAME" "$helper"; then
		ensure_mode distribution "$DIST/utf8/$SECSHR_DIR" root "$DIST_GROUP" 500
		vendor+=("$DIST/utf8/$SECSHR_NAME" "$DIST/utf8/$SECSHR_DIR" "$DIST/utf8/$SECSHR_DIR/$SECSHR_NAME")
	fi
	while IFS= read -r -d '' path; do
		in_list "$path" "${vendor[@]}" || finding distribution "$path" "not the vendor's $SECSHR_NAME; left alone"
	done < <(find "$DIST" \( -name "$SECSHR_NAME" -o -name "$SECSHR_DIR" \) -print0)
}

# True when both are regular files (not symbolic links) and the same inode.
is_hard_link() { [ -f "$1" ] && [ ! -L "$1" ] && [ ! -L "$2" ] && [ "$1" -ef "$2" ]; }

distribution_audit() {
	local open wrong
	open=$(find "$DIST" ! -type l -perm /o=rwx -print | wc -l)
	wrong=$(find "$DIST" ! -group "$DIST_GROUP" -print | wc -l)
	if [ "$open" = 0 ] && [ "$wrong" = 0 ]; then
		ok audit distribution "all paths $DIST_GROUP, none open to others"
	else
		finding audit distribution "$open paths open to others, $wrong not in $DIST_GROUP"
	fi
}
