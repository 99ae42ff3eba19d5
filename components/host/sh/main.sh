# reads: PROFILE_NAME
# ---- main: preflight, each part's change, then the audit ----------------------------------------

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
	integrity_audit
	databases_audit
fi
if has_part iris; then iris_audit; fi
if has_part services; then services_audit; fi
say summary "$PROFILE_NAME" changes "$changes"
say summary "$PROFILE_NAME" findings "$findings"
