"""``textloop demo``: the whole loop on a built-in or given dataset, in one command; with
``--task spans``, the span path on a user's CoNLL or spans JSONL file (``spans``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.demo.spans import MAX_TRAIN as MAX_TRAIN
    from textloop.stages.demo.spans import SPAN_MODEL as SPAN_MODEL
    from textloop.stages.demo.spans import SpanDemoSummary as SpanDemoSummary
    from textloop.stages.demo.spans import run_span_demo as run_span_demo
    from textloop.stages.demo.walkthrough import DemoSource as DemoSource
    from textloop.stages.demo.walkthrough import DemoSummary as DemoSummary
    from textloop.stages.demo.walkthrough import fetch_demo_data as fetch_demo_data
    from textloop.stages.demo.walkthrough import run_demo as run_demo

__all__, __getattr__ = lazy_front(__name__, {
    "spans": ("MAX_TRAIN", "SPAN_MODEL", "SpanDemoSummary", "run_span_demo"),
    "walkthrough": ("DemoSource", "DemoSummary", "fetch_demo_data", "run_demo"),
})
