# reads: NFT_PROBE NFT_PROBE_TABLE NFT_RULESET NFT_FILE NFT_TABLE NFT_CONF STATE_DIR
# environment: SSH_CONNECTION
# ---- firewall: the nftables table of our own --------------------------------------------------

# Never cut off the admin path applying this: the SSH client must be inside adminCidrs.
firewall_preflight() {
	local connection=${SSH_CONNECTION:-} client family
	require_root_chain preflight "$(dirname -- "$NFT_FILE")"
	require_root_chain preflight "$(dirname -- "$NFT_CONF")"
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

firewall_apply() {
	local candidate="$STATE_DIR/nftables.candidate" live="$STATE_DIR/nftables.live" file_changed=0
	printf '%s\n' "$NFT_RULESET" >"$candidate"
	nft -c -f "$candidate" || die firewall "$NFT_FILE" "nft -c rejected the rendered ruleset"
	mkdir -p -- "$(dirname -- "$NFT_FILE")"
	if ! same_content "$NFT_FILE" "$NFT_RULESET"; then file_changed=1; fi
	ensure_file firewall "$NFT_FILE" root root 600 "$NFT_RULESET"
	# The live table is compared with its listing after the last load: a rule added by hand is drift.
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
