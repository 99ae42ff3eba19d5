# reads: DIST DIST_GROUP READONLY_DBS DB_FILES DB_TOOL_ENV DB_FIELD_ACCESS DB_FIELD_JOURNAL_STATE DB_FIELD_JOURNAL_FILE DB_FIELD_SHMID DB_FIELD_SEMID DB_ACCESS_BG DB_ACCESS_MM DB_JOURNAL_NOT_ALLOWED DB_MIXED_ADVICE DB_FTOK_NOTE
# ---- databases: the declared database files, their journals and shared resources ---------------
# Run with the distribution part. Only databases.readOnly is changed; the rest is read. What the
# database's writers control (the header, the journal it names) is read as the database's owner
# with the distribution group only: never as root, whose reads would follow whatever they plant.

databases_preflight() {
	local path
	for path in "${READONLY_DBS[@]}"; do
		[ ! -L "$path" ] || die MDBH-GTM-011 "$path" "declared read-only database is a symbolic link; refused"
		require_root_chain "$(dirname -- "$path")"
	done
	for path in "${DB_FILES[@]}"; do
		[ ! -L "$path" ] || die MDBH-GTM-012 "$path" "declared database file is a symbolic link; refused"
	done
}

databases_apply() {
	local file
	for file in "${READONLY_DBS[@]}"; do
		if [ ! -f "$file" ] || [ -L "$file" ]; then
			finding MDBH-GTM-011 "$file" "declared read-only database does not exist"
		elif [ -z "$(find "$file" -perm /a=w -print)" ]; then
			ok MDBH-GTM-011 "$file" "read-only"
		elif will_change MDBH-GTM-011 "$file" "made read-only"; then
			chmod a-w -- "$file"
			changed
		fi
	done
}

# Runs a command as uid with the distribution group alone and only the tools' environment. Bounded
# in time: the owner can swap the file for a FIFO between the stat and the read.
as_db_owner() {
	local uid=$1
	shift
	timeout -k 5 60 setpriv --reuid="$uid" --regid="$dist_gid" --clear-groups -- env -i "${DB_TOOL_ENV[@]}" "$@"
}

# Sets acc, jstate, jfile, shmid and semid from `mupip dumpfhead` of file read as uid; on failure
# returns 1 with the reason in header_error.
read_header() {
	local uid=$1 file=$2 out line value
	acc='' jstate='' jfile='' shmid='' semid=''
	if ! out=$(as_db_owner "$uid" "$DIST/mupip" dumpfhead -file "$file" 2>&1); then
		header_error=${out%%$'\n'*}
		return 1
	fi
	while IFS= read -r line; do
		value=${line#*\")=}
		case "$line" in
		"record(\"$DB_FIELD_ACCESS\")="*) acc=$value ;;
		"record(\"$DB_FIELD_JOURNAL_STATE\")="*) jstate=$value ;;
		"record(\"$DB_FIELD_SHMID\")="*) shmid=$value ;;
		"record(\"$DB_FIELD_SEMID\")="*) semid=$value ;;
		"record(\"$DB_FIELD_JOURNAL_FILE\")="*)
			# An M string: "name" with quotes doubled, then the NUL padding of the field as a $c(0,...) list.
			value=${value%%\"_[$]C(0*}
			value=${value#\"}
			value=${value%\"}
			jfile=${value//\"\"/\"}
			;;
		esac
	done <<<"$out"
	if [ -z "$acc" ] || [ -z "$jstate" ]; then
		header_error="${out%%$'\n'*} (no $DB_FIELD_ACCESS/$DB_FIELD_JOURNAL_STATE in the output)"
		return 1
	fi
}

# True when some class (owner, group, others) may read the file but not write it while another
# may write it: the mixed read-only/read-write access whose BG shared memory the documents warn of.
mixed_access() {
	local mode=$((8#$1)) shift_by bits write=0 read_only=0
	for shift_by in 6 3 0; do
		bits=$(((mode >> shift_by) & 6))
		if ((bits & 2)); then write=1; elif ((bits == 4)); then read_only=1; fi
	done
	((write && read_only))
}

# Sets broader to what a shared resource (mode, gid) grants beyond the database file (its mode and
# gid), or to nothing. The documents: journal files, shared memory and semaphores take the file's
# group and permissions (read-only becoming read-write), or the group the runtime is restricted to.
broader_than_db() {
	local mode=$((8#$1)) gid=$2 db_mode=$((8#$3)) db_gid=$4
	broader=''
	if ((mode & 8#7)) && ! ((db_mode & 8#7)); then broader="others have access"; fi
	if ((mode & 8#70)) && { ! ((db_mode & 8#70)) || ! in_list "$gid" "$db_gid" "$dist_gid"; }; then
		broader="${broader:+$broader, }group $gid has access"
	fi
}

# Sets ipc_id, ipc_mode and ipc_gid from the /proc/sysvipc/<kind> row whose column col is value.
ipc_find() {
	local kind=$1 col=$2 value=$3 row
	[ -r "/proc/sysvipc/$kind" ] || return 1
	{
		read -r _
		while read -r -a row; do
			[ "${row[$col]}" = "$value" ] || continue
			# shm: key shmid perms size cpid lpid nattch uid gid ...; sem: key semid perms nsems uid gid ...
			ipc_id=${row[1]} ipc_mode=${row[2]}
			if [ "$kind" = shm ]; then ipc_gid=${row[8]}; else ipc_gid=${row[5]}; fi
			return 0
		done
	} <"/proc/sysvipc/$kind"
	return 1
}

# One IPC object of the database (item kind:file), found by column col = value: compared with the
# file. A finding when broader, unless note is given (a breadth the runtime always has: information).
audit_ipc() {
	local item=$1 kind=$2 col=$3 value=$4 mode=$5 gid=$6 note=${7:-}
	if ! ipc_find "$kind" "$col" "$value"; then
		ok MDBH-GTM-016 "$item" "none live"
		return
	fi
	broader_than_db "$ipc_mode" "$ipc_gid" "$mode" "$gid"
	if [ -z "$broader" ]; then
		ok MDBH-GTM-016 "$item" "$kind $ipc_id gid $ipc_gid mode $ipc_mode"
	elif [ -n "$note" ]; then
		info MDBH-GTM-016 "$item" "$kind $ipc_id gid $ipc_gid mode $ipc_mode is broader than the database file (gid $gid mode $mode): $broader; $note"
	else
		finding MDBH-GTM-016 "$item" "$kind $ipc_id gid $ipc_gid mode $ipc_mode is broader than the database file (gid $gid mode $mode): $broader"
	fi
}

# The database's journal file, stat-ed as the owner: others' access, or more than the file's.
audit_journal() {
	local file=$1 uid=$2 mode=$3 gid=$4 now jowner jgid jgroup jmode jtype
	if [ "$jstate" = "$DB_JOURNAL_NOT_ALLOWED" ]; then
		info MDBH-GTM-015 "journal:$file" "journaling not enabled"
		return
	fi
	if [ -z "$jfile" ]; then
		finding MDBH-GTM-015 "journal:$file" "journaling enabled (state $jstate) but the header names no journal file"
		return
	fi
	if ! now=$(as_db_owner "$uid" stat -c '%U %g %G %a %F' -- "$jfile" 2>/dev/null); then
		finding MDBH-GTM-015 "journal:$file" "$jfile: not found, or not reachable by the database's owner"
		return
	fi
	read -r jowner jgid jgroup jmode jtype <<<"$now"
	if [ "$jtype" != "regular file" ]; then
		finding MDBH-GTM-015 "journal:$file" "$jfile is a $jtype, not a regular file"
		return
	fi
	broader_than_db "$jmode" "$jgid" "$mode" "$gid"
	if ((8#$jmode & 8#7)); then
		finding MDBH-GTM-015 "journal:$file" "$jfile ($jowner $jgroup $jmode) is readable or writable by others"
	elif [ -n "$broader" ]; then
		finding MDBH-GTM-015 "journal:$file" "$jfile ($jowner $jgroup $jmode) grants more than the database file (gid $gid mode $mode): $broader"
	else
		ok MDBH-GTM-015 "journal:$file" "$jfile $jowner $jgroup $jmode"
	fi
}

# The ftok key of file as `mupip ftok` prints it, on stderr (file :: semid [hex] :: shmid [hex] ::
# key [hex] :: FileId, counted from the end so a blank in the file name does not shift it), or nothing.
ftok_key() {
	local line words n
	while IFS= read -r line; do
		read -r -a words <<<"$line"
		n=${#words[@]}
		((n >= 4)) || continue
		case "${words[n - 4]}" in "" | *[!0-9-]*) continue ;; esac
		if [[ ${words[n - 3]} == "[0x"* && ${words[n - 1]} == 0x* ]]; then
			printf '%s\n' "${words[n - 4]}"
			return
		fi
	done < <(as_db_owner "$1" "$DIST/mupip" ftok "$2" 2>&1 >/dev/null)
}

databases_audit() {
	local file now owner uid group gid mode type key dist_gid
	dist_gid=$(group_gid "$DIST_GROUP")
	for file in "${DB_FILES[@]}"; do
		now=$(stat -c '%U %u %G %g %a %F' -- "$file" 2>/dev/null) || now=''
		read -r owner uid group gid mode type <<<"$now"
		case "$type" in
		"regular file" | "regular empty file") ;;
		*)
			finding MDBH-GTM-012 "db:$file" "declared database file does not exist"
			continue
			;;
		esac
		if ((8#$mode & 8#7)); then
			finding MDBH-GTM-012 "db:$file" "$owner $group $mode: readable or writable by others"
		else
			ok MDBH-GTM-012 "db:$file" "$owner $group $mode"
		fi
		if user_in_group "$owner" "$group"; then
			ok MDBH-GTM-012 "owner:$file" "owner $owner is in group $group"
		else
			finding MDBH-GTM-012 "owner:$file" "owner $owner is not a member of the file's group $group (the GT.M/YottaDB documents advise against this)"
		fi

		if [ "$uid" = 0 ]; then
			finding MDBH-GTM-013 "header:$file" "owned by root: the header is read as the owner, never as root; not read"
			continue
		elif [ -z "$dist_gid" ] || ! user_in_group "$owner" "$DIST_GROUP"; then
			finding MDBH-GTM-013 "header:$file" "owner $owner is not in $DIST_GROUP and cannot run the distribution; header not read"
			continue
		elif ! read_header "$uid" "$file"; then
			finding MDBH-GTM-013 "header:$file" "not readable as $owner with mupip dumpfhead: $header_error"
			continue
		fi
		ok MDBH-GTM-013 "header:$file" "read as $owner"

		case "$acc" in
		"$DB_ACCESS_BG")
			if mixed_access "$mode"; then
				finding MDBH-GTM-014 "access:$file" "BG access method while some users may read it but not write it (mode $mode): $DB_MIXED_ADVICE"
			else
				ok MDBH-GTM-014 "access:$file" "BG; nobody reads it without write access (mode $mode)"
			fi
			;;
		"$DB_ACCESS_MM") ok MDBH-GTM-014 "access:$file" "MM" ;;
		*) finding MDBH-GTM-014 "access:$file" "unknown access method $acc in the header" ;;
		esac

		audit_journal "$file" "$uid" "$mode" "$gid"
		audit_ipc "shm:$file" shm 1 "$shmid" "$mode" "$gid"
		audit_ipc "sem:$file" sem 1 "$semid" "$mode" "$gid"
		# The ftok semaphore only exists while the database is open.
		if [ "$shmid" != -1 ] && key=$(ftok_key "$uid" "$file") && [ -n "$key" ]; then
			audit_ipc "ftok:$file" sem 0 "$key" "$mode" "$gid" "$DB_FTOK_NOTE"
		else
			ok MDBH-GTM-016 "ftok:$file" "none live"
		fi
	done
}
