# reads: DIST DIST_MARKERS PRODUCT_NAME DIST_GROUP DIST_MEMBERS SECSHR_DIR SECSHR_NAME RESTRICT_FILE RESTRICT_CONTENT TMP_DIR LOG_DIR PROFILE_D ENV_CONTENT READONLY_DBS DB_FILES
# ---- distribution: GT.M / YottaDB restricted to a group ----------------------------------------

# The recursive chgrp/chmod only runs on a directory that proves to be the distribution.
distribution_preflight() {
	if [ ! -d "$DIST" ] || [ -L "$DIST" ]; then die preflight "$DIST" "distribution directory missing or a symbolic link"; fi
	local real marker
	real=$(readlink -f -- "$DIST")
	[ "$real" = "$DIST" ] || die preflight "$DIST" "path is not canonical (resolves to $real)"
	for marker in "${DIST_MARKERS[@]}"; do
		[ -f "$DIST/$marker" ] || die preflight "$DIST" "not a $PRODUCT_NAME distribution: $marker missing"
	done
	local dir
	for dir in "$TMP_DIR" "$LOG_DIR"; do
		[ -d "$(dirname -- "$dir")" ] || die preflight "$dir" "its parent directory does not exist; create it first"
	done
}

distribution_apply() {
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

distribution_audit() {
	local open wrong file user group
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
}
