"""Active learning in a project: fill the labeling queue, refresh it as labels arrive.

``suggest`` picks records for labeling with a registered query strategy; ``refresh``
retrains on the labels so far, records a learning-curve round, updates the queue's
suggestions and order and tops it up; ``labeling_progress`` turns the rounds into "how many
more labels" and a stopping signal; ``BackgroundRefresher`` runs ``refresh`` debounced in
a thread while the labeling app is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.active_learn.background import BackgroundRefresher as BackgroundRefresher
    from textloop.stages.active_learn.production import KINDS as KINDS
    from textloop.stages.active_learn.production import (
        suggest_from_production as suggest_from_production,
    )
    from textloop.stages.active_learn.progress import LabelingProgress as LabelingProgress
    from textloop.stages.active_learn.progress import labeling_progress as labeling_progress
    from textloop.stages.active_learn.refresh import RefreshResult as RefreshResult
    from textloop.stages.active_learn.refresh import refresh as refresh
    from textloop.stages.active_learn.suggest import SuggestResult as SuggestResult
    from textloop.stages.active_learn.suggest import suggest as suggest

__all__, __getattr__ = lazy_front(__name__, {
    "background": ("BackgroundRefresher",),
    "progress": ("LabelingProgress", "labeling_progress"),
    "refresh": ("RefreshResult", "refresh"),
    "suggest": ("SuggestResult", "suggest"),
    "production": ("KINDS", "suggest_from_production"),
})
