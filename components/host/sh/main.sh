# reads: PROFILE_NAME STATE_DIR
# ---- main: preflight, each part's change, then the audit ----------------------------------------

read_mode "$@"
say data state mode "$run_mode"
preflight
if has_part distribution; then
	distribution_apply
	databases_apply
fi
if has_part services; then services_apply; fi
if has_part firewall; then firewall_apply; fi
if has_part iris; then iris_apply; fi
schedule_apply
audit_host
if has_part distribution; then
	distribution_audit
	# The deep check (checksums of every file) is what drift leaves out to stay fast.
	[ "$run_mode" = drift ] || integrity_audit
	databases_audit
fi
if has_part iris; then iris_audit; fi
if has_part services; then services_audit; fi
if applying; then
	say summary "$PROFILE_NAME" changes "$changes"
else
	say data state token "$(recorded_token)"
	say summary "$PROFILE_NAME" would-change "$would_changes"
fi
say summary "$PROFILE_NAME" findings "$findings"
say summary "$PROFILE_NAME" waived "$waived"
# Recorded only by a run that reached its summary: the token names a complete apply.
if [ -n "$run_token" ]; then write_atomically "$STATE_DIR/token" root root 600 "$run_token"; fi
