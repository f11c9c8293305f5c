"""Releases: immutable, versioned, verifiable train/validation/test snapshots of labeled data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.release.catalog import ReleaseSummary as ReleaseSummary
    from textloop.stages.release.catalog import list_releases as list_releases
    from textloop.stages.release.create import ReleaseInfo as ReleaseInfo
    from textloop.stages.release.create import create_release as create_release
    from textloop.stages.release.loader import ReleaseData as ReleaseData
    from textloop.stages.release.loader import SplitData as SplitData
    from textloop.stages.release.loader import load_release as load_release
    from textloop.stages.release.settings import describe as describe
    from textloop.stages.release.split import SPLITS as SPLITS

__all__, __getattr__ = lazy_front(__name__, {
    "catalog": ("ReleaseSummary", "list_releases"),
    "create": ("ReleaseInfo", "create_release"),
    "loader": ("ReleaseData", "SplitData", "load_release"),
    "split": ("SPLITS",),
    "settings": ("describe",),
})
