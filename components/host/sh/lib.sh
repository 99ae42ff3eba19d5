# reads: PARTS
# mdb-hardening host script. The renderer (script.ts) puts the profile's values above the parts as
# quoted shell assignments; nothing from here on is generated. Each part (sh/<part>.sh) has its
# preflight checks, its change and its audit side by side; main.sh runs them in order.
#
# Every step checks before it changes, so a second run changes nothing and a run killed at any
# point reaches the same end state when run again. Output lines for machines:
#   MDBH<TAB>kind<TAB>part<TAB>item<TAB>detail   (fields escaped by escape_field)
# kind: changed | ok | absent | finding | info | data | error | summary.

# Escapes one field of a report line: backslash, tab, newline and carriage return as \\ \t \n \r,
# other control bytes as \xHH, so a path holding them cannot end a line or forge another one.
escape_field() {
	local code ch
	escaped=${1//\\/\\\\}
	if [[ $escaped == *[[:cntrl:]]* ]]; then
		escaped=${escaped//$'\t'/\\t}
		escaped=${escaped//$'\n'/\\n}
		escaped=${escaped//$'\r'/\\r}
		for code in 01 02 03 04 05 06 07 08 0b 0c 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 7f; do
			printf -v ch %b "\\x$code"
			escaped=${escaped//"$ch"/\\x$code}
		done
	fi
}

# One report line; its fields are escaped in place, without a subshell per field.
say() {
	local fields=() field
	for field in "$1" "$2" "$3" "${4:-}"; do
		escape_field "$field"
		fields+=("$escaped")
	done
	printf 'MDBH\t%s\t%s\t%s\t%s\n' "${fields[@]}"
}
changed() { changes=$((changes + 1)); say changed "$@"; }
ok() { say ok "$@"; }
finding() { findings=$((findings + 1)); say finding "$@"; }
die() { say error "$1" "$2" "$3"; exit 2; }
has_part() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
in_list() { local needle=$1 item; shift; for item in "$@"; do [ "$item" = "$needle" ] && return 0; done; return 1; }
user_in_group() {
	local groups
	read -r -a groups <<<"$(id -nG -- "$1" 2>/dev/null)"
	in_list "$2" "${groups[@]}"
}

changes=0
findings=0

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

# Removes what a killed run left of its staged copies of path (root's own, never another account's).
remove_stale_stages() {
	find "$(dirname -- "$1")" -mindepth 1 -maxdepth 1 -name "$(basename -- "$1").mdbh.*" -user root \( -type f -o -type d -empty \) -delete
}

# Writes content to path atomically (temp file in the same directory, then rename) if it differs.
ensure_file() {
	local part=$1 path=$2 owner=$3 group=$4 mode=$5 content=$6 tmp
	remove_stale_stages "$path"
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

# Creates a directory root:group mode. It is made under a staged name beside it and renamed into
# place, so a run killed half-way never leaves it with the wrong owner or mode (a re-run would take
# an existing directory as given).
ensure_dir() {
	local part=$1 path=$2 group=$3 mode=$4 stage
	remove_stale_stages "$path"
	if [ -d "$path" ] && [ ! -L "$path" ]; then
		# An existing directory is reported, not changed: it may be shared (e.g. /tmp).
		ok "$part" "$path" "exists $(stat -c '%U %G %a' -- "$path")"
		return
	fi
	stage=$(mktemp -d -- "$path.mdbh.XXXXXX")
	chown -- "root:$group" "$stage"
	chmod -- "$mode" "$stage"
	mv -T -n -- "$stage" "$path"
	if [ -e "$stage" ]; then
		rmdir -- "$stage"
		die "$part" "$path" "appeared while it was being created; not changed"
	fi
	changed "$part" "$path" "created root $group $mode"
}
