"""Alerts live with the rules, in `pcp_tui.rules.alerts`; this name is kept for the callers
that import them from here (the command line)."""

from pcp_tui.rules.alerts import SEVERITIES, SEVERITY_RANK, Alert, alert_id, sort_alerts

__all__ = ["SEVERITIES", "SEVERITY_RANK", "Alert", "alert_id", "sort_alerts"]
