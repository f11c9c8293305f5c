"""``textloop clean``: label issues, duplicates, conflicts, outliers, bad texts, personal data
and leakage among the labeled records, stored as findings for review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.clean.options import CleanOptions as CleanOptions
    from textloop.stages.clean.result import CleanResult as CleanResult
    from textloop.stages.clean.result import Finding as Finding
    from textloop.stages.clean.run import clean as clean

__all__, __getattr__ = lazy_front(__name__, {
    "options": ("CleanOptions",),
    "result": ("CleanResult", "Finding"),
    "run": ("clean",),
})
