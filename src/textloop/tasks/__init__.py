"""What a task type (classification, regression, ...) decides for every verb of the loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:
    from textloop.tasks.support import next_train_hint as next_train_hint
    from textloop.tasks.support import require_classification as require_classification
    from textloop.tasks.support import target_summary as target_summary

__all__, __getattr__ = lazy_front(__name__, {
    "support": ["next_train_hint", "require_classification", "target_summary"],
})
