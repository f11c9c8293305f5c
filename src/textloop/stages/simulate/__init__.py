"""``textloop simulate-al``: active learning replayed on a labeled file (see ``run.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.simulate.outputs import metric_name as metric_name
    from textloop.stages.simulate.outputs import plateau_text as plateau_text
    from textloop.stages.simulate.outputs import stop_text as stop_text
    from textloop.stages.simulate.outputs import table_cells as table_cells
    from textloop.stages.simulate.outputs import table_header as table_header
    from textloop.stages.simulate.outputs import table_note as table_note
    from textloop.stages.simulate.run import DEFAULT_STRATEGIES as DEFAULT_STRATEGIES
    from textloop.stages.simulate.run import Plan as Plan
    from textloop.stages.simulate.run import SimulationResult as SimulationResult
    from textloop.stages.simulate.run import simulate_al as simulate_al
    from textloop.stages.simulate.run import simulate_vectors as simulate_vectors
    from textloop.stages.simulate.span_run import simulate_span_file as simulate_span_file
    from textloop.stages.simulate.span_run import simulate_span_texts as simulate_span_texts

__all__, __getattr__ = lazy_front(__name__, {
    "run": ("DEFAULT_STRATEGIES", "Plan", "SimulationResult", "simulate_al",
            "simulate_vectors"),
    "outputs": ("metric_name", "plateau_text", "stop_text", "table_cells", "table_header",
                "table_note"),
    "span_run": ("simulate_span_file", "simulate_span_texts"),
})
