# reads: DIST SECSHR_NAME VERIFY_INTEGRITY
# ---- integrity: the distribution's files against their vendor's checksums (opt-in deep check) ----
#
# Checksums only: the modes are this script's to change (o-rwx, a-w, gtmsecshr). A package upgrade
# puts the package's modes back, and the next run removes them again.

integrity_audit() {
	[ "$VERIFY_INTEGRITY" = yes ] || return 0
	local owner
	if command -v dpkg-query >/dev/null 2>&1 && owner=$(dpkg-query -S -- "$DIST/mumps" 2>/dev/null); then
		integrity_by_package "${owner%%: *}"
	elif [ -f "$DIST/install_sha256_checksum.log" ] && [ ! -L "$DIST/install_sha256_checksum.log" ]; then
		integrity_by_installer_log "$DIST/install_sha256_checksum.log"
	else
		info MDBH-GTM-017 integrity "not verifiable: no package owns $DIST and it has no install_sha256_checksum.log"
	fi
}

# dpkg --verify prints one line per file that differs: nine attribute characters (the third is 5
# when the checksum differs), a conffile mark, the path; or "missing" and the path. Debian's own
# install_sha256_checksum.log names build-tree paths and is not used.
integrity_by_package() {
	local package=$1 line path bad=0
	while IFS= read -r line; do
		path=${line:12}
		case "$path" in "$DIST"/*) ;; *) continue ;; esac
		if [ "${line:0:7}" = missing ]; then
			finding MDBH-GTM-017 "integrity:$path" "missing: $package has it"
		elif [ "${line:2:1}" = 5 ]; then
			finding MDBH-GTM-017 "integrity:$path" "modified: its checksum differs from $package's"
		else
			continue
		fi
		bad=$((bad + 1))
	done < <(dpkg --verify -- "$package" 2>/dev/null)
	[ "$bad" != 0 ] || ok MDBH-GTM-017 integrity "checksums match $package (dpkg --verify)"
}

# The installer's log: SHA256(<path at install time>)= <hex>. The paths are mapped onto $DIST by the
# top-level gtmsecshr entry (the shortest path ending in /gtmsecshr), so a moved tree still verifies.
integrity_by_installer_log() {
	local log=$1 prefix='' candidate line path bad=0 listed=()
	while IFS= read -r candidate; do
		if [ -z "$prefix" ] || [ "${#candidate}" -lt "${#prefix}" ]; then prefix=$candidate; fi
	done < <(sed -n "s|^SHA256(\\(.*\\)/$SECSHR_NAME)= [0-9a-f]\\{64\\}\$|\\1|p" -- "$log")
	if [ -z "$prefix" ]; then
		finding MDBH-GTM-017 integrity "$log names no $SECSHR_NAME; not verified"
		return 0
	fi
	while IFS= read -r line; do
		[[ $line =~ ^SHA256\(.*\)=\ [0-9a-f]{64}$ ]] || continue
		path=${line#SHA256(}
		path=${path%)= *}
		case "$path" in "$prefix"/*) ;; *) continue ;; esac
		listed+=("${line##* }  $DIST/${path#"$prefix"/}")
	done <"$log"
	if [ "${#listed[@]}" = 0 ]; then
		finding MDBH-GTM-017 integrity "$log lists no file; not verified"
		return 0
	fi
	while IFS= read -r line; do
		finding MDBH-GTM-017 "integrity:${line%: *}" "${line##*: } against $log"
		bad=$((bad + 1))
	done < <(printf '%s\n' "${listed[@]}" | sha256sum --check --quiet - 2>/dev/null)
	[ "$bad" != 0 ] || ok MDBH-GTM-017 integrity "checksums of ${#listed[@]} files match $log"
}
