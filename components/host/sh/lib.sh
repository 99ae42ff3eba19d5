# reads: PARTS WAIVER_CONTROLS WAIVER_ITEMS WAIVER_JUSTIFICATIONS WAIVER_EXPIRES
# mdb-hardening host script. The renderer (script.ts) puts the profile's values above the parts as
# quoted shell assignments; nothing from here on is generated. Each part (sh/<part>.sh) has its
# preflight checks, its change and its audit side by side; main.sh runs them in order.
#
# Every step checks before it changes, so a second run changes nothing and a run killed at any
# point reaches the same end state when run again. Output lines for machines (fields escaped by
# escape_field):
#   MDBH<TAB>kind<TAB>control<TAB>item<TAB>detail   kind: changed | would-change | ok | absent |
#                                                   finding | info | error; control: an id of
#                                                   hostControls (components/controls.ts)
#   MDBH<TAB>data<TAB>part<TAB>item<TAB>detail, MDBH<TAB>summary<TAB>profile<TAB>name<TAB>count
#
# Modes (the script's arguments, read by read_mode): apply [TOKEN] (the default), check and drift,
# which change nothing and print what an apply would change as would-change lines. Every change
# goes through one code path in all modes:
#   if will_change CONTROL item "detail"; then <the change>; changed; fi

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
# Each takes CONTROL ITEM DETAIL.
ok() { say ok "$@"; }
info() { say info "$@"; }
absent() { say absent "$@"; }

# The profile's waiver of a control (for one item, or the whole control), judged today in UTC on
# the host, so the script does not change on the day a waiver expires. Returns 0 with waiver_detail
# set when one holds; an expired one returns 1 and leaves waiver_detail saying so.
waiver_holds() {
	local control=$1 item=$2 i today
	waiver_detail=
	for i in "${!WAIVER_CONTROLS[@]}"; do
		[ "${WAIVER_CONTROLS[$i]}" = "$control" ] || continue
		[ -z "${WAIVER_ITEMS[$i]}" ] || [ "${WAIVER_ITEMS[$i]}" = "$item" ] || continue
		today=$(date -u +%F)
		if [ -n "${WAIVER_EXPIRES[$i]}" ] && [[ $today > "${WAIVER_EXPIRES[$i]}" ]]; then
			waiver_detail="waiver expired after ${WAIVER_EXPIRES[$i]}: ${WAIVER_JUSTIFICATIONS[$i]}"
			return 1
		fi
		waiver_detail="${WAIVER_JUSTIFICATIONS[$i]}${WAIVER_EXPIRES[$i]:+ (until ${WAIVER_EXPIRES[$i]})}"
		return 0
	done
	return 1
}

# A finding, or `waived` with the justification when the profile waives it (never dropped).
finding() {
	if waiver_holds "$1" "$2"; then
		waived=$((waived + 1))
		say waived "$1" "$2" "$3; waived: $waiver_detail"
	else
		findings=$((findings + 1))
		say finding "$1" "$2" "$3${waiver_detail:+ ($waiver_detail)}"
	fi
}
die() { say error "$1" "$2" "$3"; exit 2; }

# The gate of every change: in apply mode true, with the change remembered for `changed` (no
# arguments) to report once it is made; in check and drift modes a would-change line and false;
# for a waived control a waived line and false (nothing changed). An expired waiver changes it.
will_change() {
	if waiver_holds "$1" "$2"; then
		# A waived control is left as it is, in every mode: the waiver is the decision to keep it.
		waived=$((waived + 1))
		say waived "$1" "$2" "$3; waived: $waiver_detail"
		return 1
	fi
	if applying; then
		pending_change=("$1" "$2" "$3")
		return 0
	fi
	would_changes=$((would_changes + 1))
	say would-change "$1" "$2" "$3"
	return 1
}
changed() { changes=$((changes + 1)); say changed "${pending_change[@]}"; }
applying() { [ "$run_mode" = apply ]; }
has_part() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
in_list() { local needle=$1 item; shift; for item in "$@"; do [ "$item" = "$needle" ] && return 0; done; return 1; }
user_in_group() {
	local groups
	read -r -a groups <<<"$(id -nG -- "$1" 2>/dev/null)"
	in_list "$2" "${groups[@]}"
}

# The gid of a group, or nothing when it does not exist.
group_gid() { getent group "$1" | cut -d: -f3 || true; }

changes=0
would_changes=0
findings=0
waived=0
pending_change=()
run_mode=apply
run_token=

# The run's mode from the script's arguments: none or `apply [TOKEN]`, `check`, `drift`. Checked
# before anything else runs, so a bad argument changes nothing.
read_mode() {
	run_mode=${1:-apply}
	case "$run_mode:$#" in
	apply:[01] | check:1 | drift:1) ;;
	apply:2) run_token=$2 ;;
	*) die MDBH-HOST-005 arguments "expected: apply [TOKEN] | check | drift (got: $*)" ;;
	esac
	[[ -z $run_token || $run_token =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die MDBH-HOST-005 token "must match [A-Za-z0-9._-]{1,64} (got: $run_token)"
}

# owner group mode (octal as stat prints it, e.g. 4550) of a path, set only if different. Never
# through a symbolic link (chmod has no -h): the type is checked on the exact path right before.
# A sixth argument is the state to compare instead of the path's: what an earlier step of the
# apply leaves it with, which check mode, having changed nothing, computes.
ensure_mode() {
	local control=$1 path=$2 owner=$3 group=$4 want=$5 now type
	type=$(stat -c %F -- "$path")
	case "$type" in "regular file" | directory) ;; *) die "$control" "$path" "is a $type; not changed" ;; esac
	now=${6:-$(stat -c '%U %G %a' -- "$path")}
	if [ "$now" = "$owner $group $want" ]; then
		ok "$control" "$path" "$now"
	elif will_change "$control" "$path" "$now -> $owner $group $want"; then
		# chown clears the set-user-ID bit, so the mode is set after it.
		chown -h -- "$owner:$group" "$path"
		chmod -- "$want" "$path"
		changed
	fi
}

# Refuses unless path is not a symbolic link, is owned by root (or one of the further owners
# given) and has no group or other write bit. An ACL write entry shows in the group bits as the
# ACL mask, so the mode bits cover effective ACL writes too.
require_root_controlled() {
	local path=$1 owner perm type
	shift
	read -r owner perm type < <(stat -c '%U %a %F' -- "$path")
	[ "$type" != "symbolic link" ] || die MDBH-HOST-003 "$path" "is a symbolic link (owner $owner); refused"
	if ! in_list "$owner" root "$@" || ((8#$perm & 8#022)); then
		die MDBH-HOST-003 "$path" "not controlled by root alone (owner $owner, mode $perm); refused"
	fi
}

# Refuses unless every existing one of path and its ancestors up to / is root-controlled.
require_root_chain() {
	local dir=$1
	shift
	while :; do
		if [ -e "$dir" ] || [ -L "$dir" ]; then require_root_controlled "$dir" "$@"; fi
		[ "$dir" != / ] || return 0
		dir=$(dirname -- "$dir")
	done
}

# A directory root creates for others (tmp, log): its parent may be a root-owned sticky directory
# such as /tmp, where nobody can rename or remove root's entries; the rest of the chain as above.
# An existing leaf must be a real directory owned by root.
require_private_leaf() {
	local path=$1 parent now owner perm
	parent=$(dirname -- "$path")
	[ -d "$parent" ] || die MDBH-HOST-003 "$path" "its parent directory does not exist; create it first"
	# One lstat: in a sticky parent another user may create or remove the name at any moment.
	now=$(stat -c '%U %a %F' -- "$path" 2>/dev/null) || now=
	case "$now" in
	"" | "root "*" directory") ;;
	*) die MDBH-HOST-003 "$path" "exists and is not a root-owned directory ($now); refused" ;;
	esac
	read -r owner perm < <(stat -c '%U %a' -- "$parent")
	if [ -L "$parent" ] || [ "$owner" != root ] || (((8#$perm & 8#1000) == 0)); then
		require_root_controlled "$parent"
	fi
	require_root_chain "$(dirname -- "$parent")"
}

# True when a regular file has one link, or all its links lie inside tree (so a change through it
# cannot reach a file elsewhere, e.g. /etc/shadow hard-linked into the tree).
is_single_link_or_internal() {
	local path=$1 tree=$2 links
	links=$(stat -c %h -- "$path")
	[ "$links" = 1 ] || [ "$(find "$tree" -xdev -samefile "$path" -print | wc -l)" = "$links" ]
}

# True when path holds exactly content plus the final newline ensure_file writes.
same_content() { [ -f "$1" ] && printf '%s\n' "$2" | cmp -s -- - "$1"; }

# Removes what a killed run left of its staged copies of path (root's own, never another account's).
# Housekeeping, not reported; check mode leaves them.
remove_stale_stages() {
	applying || return 0
	find "$(dirname -- "$1")" -mindepth 1 -maxdepth 1 -name "$(basename -- "$1").mdbh.*" -user root \( -type f -o -type d -empty \) -delete
}

# Writes content plus a final newline to path through a staged copy in the same directory renamed
# over it, so the path never holds a half-written file or the wrong owner or mode.
write_atomically() {
	local path=$1 owner=$2 group=$3 mode=$4 content=$5 tmp
	remove_stale_stages "$path"
	tmp=$(mktemp -- "$path.mdbh.XXXXXX")
	printf '%s\n' "$content" >"$tmp"
	chown -h -- "$owner:$group" "$tmp"
	chmod -- "$mode" "$tmp"
	mv -f -- "$tmp" "$path"
}

# Writes content to path if it differs; otherwise sets only its owner and mode if they differ
# (a seventh argument as ensure_mode's sixth).
ensure_file() {
	local control=$1 path=$2 owner=$3 group=$4 want=$5 content=$6
	remove_stale_stages "$path"
	if same_content "$path" "$content"; then
		ensure_mode "$control" "$path" "$owner" "$group" "$want" "${7:-}"
	elif will_change "$control" "$path" written; then
		write_atomically "$path" "$owner" "$group" "$want" "$content"
		changed
	fi
}

# Creates a directory root:group mode. It is made under a staged name beside it (mktemp -d, no -p)
# and renamed into place without replacing anything, so a run killed half-way never leaves it with
# the wrong owner or mode, and nothing planted at the name is followed. The preflight proved the
# parent root-controlled or root's sticky directory, where nobody else can move root's entries.
ensure_dir() {
	local control=$1 path=$2 group=$3 want=$4 stage now
	remove_stale_stages "$path"
	now=$(stat -c '%U %G %a %F' -- "$path" 2>/dev/null) || now=
	case "$now" in
	"root "*" directory")
		# An existing directory is reported, not changed: it may be shared (e.g. /tmp).
		ok "$control" "$path" "exists ${now% directory}"
		return
		;;
	esac
	will_change "$control" "$path" "created root $group $want" || return 0
	stage=$(mktemp -d -- "$path.mdbh.XXXXXX")
	chown -h -- "root:$group" "$stage"
	chmod -- "$want" "$stage"
	mv -T -n -- "$stage" "$path"
	if [ -e "$stage" ]; then
		rmdir -- "$stage"
		die "$control" "$path" "appeared while it was being created; not changed"
	fi
	changed
}
