# reads: NFT_PROBE NFT_PROBE_TABLE NFT_RULESET NFT_FILE NFT_TABLE NFT_CONF STATE_DIR
# environment: SSH_CONNECTION
# ---- firewall: the nftables table of our own --------------------------------------------------

# Never cut off the admin path applying this: the SSH client must be inside adminCidrs. An apply
# asks a hook-less probe table; check mode loads no table on the host: where the table in force
# is the rendered one it asks that table, otherwise the probe in a network namespace of its own.
firewall_preflight() {
	local connection=${SSH_CONNECTION:-} client family admitted='' asked=''
	require_root_chain "$(dirname -- "$NFT_FILE")"
	require_root_chain "$(dirname -- "$NFT_CONF")"
	client=${connection%% *}
	if [ -z "$connection" ]; then
		info MDBH-FW-003 admin-path "not applied over SSH; no session to protect"
		return
	fi
	case "$client" in *:*) family=admin_v6 ;; *) family=admin_v4 ;; esac
	if applying; then
		nft -f - <<<"$NFT_PROBE"
		if nft get element inet "$NFT_PROBE_TABLE" "$family" "{ $client }" >/dev/null 2>&1; then admitted=1; fi
		nft delete table inet "$NFT_PROBE_TABLE"
	elif nft_in_force; then
		asked=" (asked of the table in force)"
		if nft get element inet "$NFT_TABLE" "$family" "{ $client }" >/dev/null 2>&1; then admitted=1; fi
	elif command -v unshare >/dev/null 2>&1; then
		asked=" (asked of the probe in a network namespace of its own)"
		# The namespace, and the probe table loaded into it, vanish when the command ends.
		# shellcheck disable=SC2016 # expanded by the inner sh
		if unshare --net sh -c 'nft -f - && nft get element inet "$1" "$2" "{ $3 }"' sh "$NFT_PROBE_TABLE" "$family" "$client" <<<"$NFT_PROBE" >/dev/null 2>&1; then admitted=1; fi
	else
		info MDBH-FW-003 admin-path "not tested: the live table is not the rendered one and unshare is missing; an apply tests $client before loading"
		return
	fi
	[ -n "$admitted" ] || die MDBH-FW-003 admin-path "the SSH client applying this ($client) is not in network.adminCidrs; the firewall would refuse its next connection"
	ok MDBH-FW-003 admin-path "$client is in adminCidrs$asked"
}

# True when the live table is the one the rendered file loads: the file holds the rendered
# ruleset and the table lists as it did right after that file was loaded (a rule added by hand is
# drift).
nft_in_force() {
	same_content "$NFT_FILE" "$NFT_RULESET" && nft list table inet "$NFT_TABLE" >/dev/null 2>&1 &&
		nft list table inet "$NFT_TABLE" | cmp -s -- - "$STATE_DIR/nftables.live"
}

firewall_apply() {
	nft -c -f - <<<"$NFT_RULESET" || die MDBH-FW-001 "$NFT_FILE" "nft -c rejected the rendered ruleset"
	if applying; then mkdir -p -- "$(dirname -- "$NFT_FILE")"; fi
	local in_force=
	if nft_in_force; then in_force=1; fi
	ensure_file MDBH-FW-002 "$NFT_FILE" root root 600 "$NFT_RULESET"
	if [ -n "$in_force" ]; then
		ok MDBH-FW-001 "table inet $NFT_TABLE" "in force"
	elif will_change MDBH-FW-001 "table inet $NFT_TABLE" loaded; then
		nft -f "$NFT_FILE"
		nft list table inet "$NFT_TABLE" >"$STATE_DIR/nftables.live"
		changed
	fi

	# Persist the distribution's way: its nftables.service loads NFT_CONF at boot.
	local include="include \"$NFT_FILE\""
	if [ ! -f "$NFT_CONF" ]; then
		ensure_file MDBH-FW-002 "$NFT_CONF" root root 600 "#!/usr/sbin/nft -f"$'\n'"$include"
	elif grep -qxF -- "$include" "$NFT_CONF"; then
		ok MDBH-FW-002 "$NFT_CONF" "includes $NFT_FILE"
	elif will_change MDBH-FW-002 "$NFT_CONF" "include added"; then
		printf '%s\n' "$include" >>"$NFT_CONF"
		changed
	fi
	if [ "$(systemctl is-enabled nftables.service 2>/dev/null || true)" = enabled ]; then
		ok MDBH-FW-002 nftables.service enabled
	elif will_change MDBH-FW-002 nftables.service enabled; then
		systemctl enable nftables.service >/dev/null 2>&1
		changed
	fi
}
