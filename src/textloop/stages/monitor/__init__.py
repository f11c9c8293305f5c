"""``textloop monitor``: drift and performance of production traffic against the release
the served model was trained on (see docs/monitoring.md)."""

from textloop.stages.monitor.run import MonitorOptions, MonitorResult, monitor, overall_status

__all__ = ["MonitorOptions", "MonitorResult", "monitor", "overall_status"]
