"""Artifact folders (releases, model bundles, reports): written aside, renamed into place.

The generic, store-independent helpers live in ``textloop.artifacts`` (the embedding model
cache in ``models/`` uses them too); they are re-exported here so storage code keeps one
import path. Only ``make_read_only`` is specific to stored artifacts.
"""

from __future__ import annotations

import stat
from pathlib import Path

from textloop.artifacts import MANIFEST, atomic_dir, sha256_file, verify_manifest, write_manifest

__all__ = ["MANIFEST", "atomic_dir", "make_read_only", "sha256_file", "verify_manifest",
           "write_manifest"]


def make_read_only(folder: Path) -> None:
    """Drop write bits so an accidental edit fails loudly instead of silently changing data."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
