"""Releases: immutable, versioned, verifiable train/validation/test snapshots of labeled data."""

from textloop.stages.release.catalog import ReleaseSummary, list_releases
from textloop.stages.release.create import ReleaseInfo, create_release
from textloop.stages.release.loader import ReleaseData, SplitData, load_release
from textloop.stages.release.split import SPLITS

__all__ = ["SPLITS", "ReleaseData", "ReleaseInfo", "ReleaseSummary", "SplitData",
           "create_release", "list_releases", "load_release"]
