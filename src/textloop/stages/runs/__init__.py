"""Runs: the catalog of training and search runs, loading a run's model, and recovering
runs a killed process left behind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.runs.loading import LoadedRun as LoadedRun
    from textloop.stages.runs.loading import load_run as load_run
    from textloop.stages.runs.loading import model_inputs as model_inputs
    from textloop.stages.runs.loading import run_and_split as run_and_split
    from textloop.stages.runs.record import recorded_run as recorded_run
    from textloop.stages.runs.recovery import open_recovered as open_recovered
    from textloop.stages.runs.recovery import recover as recover
    from textloop.stages.runs.table import RunRow as RunRow
    from textloop.stages.runs.table import metric_columns as metric_columns
    from textloop.stages.runs.table import mixed_releases_note as mixed_releases_note
    from textloop.stages.runs.table import run_rows as run_rows
    from textloop.stages.runs.table import runs_note as runs_note
    from textloop.stages.runs.table import sort_rows as sort_rows

__all__, __getattr__ = lazy_front(__name__, {
    "loading": ("LoadedRun", "load_run", "model_inputs", "run_and_split"),
    "record": ("recorded_run",),
    "table": ("RunRow", "metric_columns", "mixed_releases_note", "run_rows", "runs_note",
              "sort_rows"),
    "recovery": ("open_recovered", "recover"),
})
