"""Where release folders live and how a half-made one is removed."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path
from typing import Any

from textloop.storage import Store, releases

RELEASES = releases.FOLDER


def release_folder(store: Store, entry: dict[str, Any]) -> Path:
    """The folder of a catalogued release; relative paths are under the store's artifact root,
    so a project folder can be moved or copied."""
    path = Path(entry["path"])
    return path if path.is_absolute() else store.path_for(*path.parts)


def remove_tree(folder: Path) -> None:
    """Delete a release folder even though its files were made read-only."""
    if not folder.exists():
        return
    for path in folder.rglob("*"):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    shutil.rmtree(folder, ignore_errors=True)
