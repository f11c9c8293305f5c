"""``textloop monitor``: drift and performance of production traffic against the release
the served model was trained on (see docs/monitoring.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.monitor.history import monitoring_page as monitoring_page
    from textloop.stages.monitor.history import report_file as report_file
    from textloop.stages.monitor.run import MonitorOptions as MonitorOptions
    from textloop.stages.monitor.run import MonitorResult as MonitorResult
    from textloop.stages.monitor.run import monitor as monitor
    from textloop.stages.monitor.run import overall_status as overall_status
    from textloop.stages.monitor.sides import ALL as ALL
    from textloop.stages.monitor.webhook import Delivery as Delivery

__all__, __getattr__ = lazy_front(__name__, {
    "run": ("MonitorOptions", "MonitorResult", "monitor", "overall_status"),
    "webhook": ("Delivery",),
    "history": ("monitoring_page", "report_file"),
    "sides": ("ALL",),
})
