"""``textloop demo``: the whole loop on a built-in or given dataset, in one command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.demo.walkthrough import DemoSource as DemoSource
    from textloop.stages.demo.walkthrough import DemoSummary as DemoSummary
    from textloop.stages.demo.walkthrough import fetch_demo_data as fetch_demo_data
    from textloop.stages.demo.walkthrough import run_demo as run_demo

__all__, __getattr__ = lazy_front(__name__, {
    "walkthrough": ("DemoSource", "DemoSummary", "fetch_demo_data", "run_demo"),
})
