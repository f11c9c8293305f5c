"""Active learning in a project: fill the labeling queue, refresh it as labels arrive.

``suggest`` picks records for labeling with a registered query strategy; ``refresh``
retrains on the labels so far, records a learning-curve round, updates the queue's
suggestions and order and tops it up; ``labeling_progress`` turns the rounds into "how many
more labels" and a stopping signal; ``BackgroundRefresher`` runs ``refresh`` debounced in
a thread while the labeling app is open.
"""

from textloop.stages.active_learn.background import BackgroundRefresher
from textloop.stages.active_learn.progress import LabelingProgress, labeling_progress
from textloop.stages.active_learn.refresh import RefreshResult, refresh
from textloop.stages.active_learn.suggest import SuggestResult, suggest

__all__ = ["BackgroundRefresher", "LabelingProgress", "RefreshResult", "SuggestResult",
           "labeling_progress", "refresh", "suggest"]
