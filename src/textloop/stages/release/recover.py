"""Release folders the catalog does not know: left by a release killed before it catalogued.

A release is renamed into place and then catalogued; a process killed in between leaves a
complete, read-only folder that would block the next release under the same id. A later
command settles it, unless its writer (recorded in the manifest) is still alive:

- adopted when every file matches the manifest (sha256), and the folder is exactly the
  release the catalog expects next (its number follows the newest, its parent is the newest):
  the catalog rows are read back from the Parquet files, so nothing is recomputed;
- removed otherwise (a file changed or missing, or other releases were made since), since
  its split and diff describe a store that has moved on.

Temporary ``.vN.tmp-*`` folders of a release whose id is catalogued are removed as well: that
writer can no longer succeed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from textloop.errors import TextloopError
from textloop.processes import Owner, is_gone
from textloop.stages.release.files import RELEASES, remove_tree
from textloop.stages.release.split import SPLITS
from textloop.stages.release.writer import split_file
from textloop.storage import Store, releases
from textloop.storage.artifacts import MANIFEST, sha256_file, verify_manifest

WRITER = "writer"
"""Manifest key: the process that wrote the release (pid, host, start time)."""
CATALOG = "catalog"
"""Manifest key: the config and stats the catalog records, so the folder can be adopted."""


def recover_release_folders(store: Store) -> list[str]:
    """Adopt or remove orphaned release folders; one sentence per folder settled."""
    root = store.path_for(RELEASES)
    if not root.is_dir():
        return []
    with store.read() as conn:
        known = {entry["id"] for entry in releases.list_all(conn)}
    notes = []
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if not folder.is_dir() or folder.name in known:
            continue
        if folder.name.startswith("."):
            notes += _stale_temporary(folder, known)
        else:
            notes += _orphan(store, folder)
    return notes


def _stale_temporary(folder: Path, known: set[str]) -> list[str]:
    release_id = folder.name[1:].split(".tmp-", 1)[0]
    if ".tmp-" not in folder.name or release_id not in known:
        return []
    remove_tree(folder)
    return [f"removed {folder.name}, the unfinished copy of release {release_id} left by an "
            "interrupted `textloop release`"]


def _orphan(store: Store, folder: Path) -> list[str]:
    manifest = _read_manifest(folder)
    if manifest is None or manifest.get("release") != folder.name:
        return []  # not a folder textloop wrote: leave it alone
    owner = Owner.from_json(manifest.get(WRITER))
    if owner is None or not is_gone(owner):
        return []  # still being catalogued by a live process (or nothing can be told)
    why = _why_not_adoptable(store, folder, manifest)
    if why is None:
        try:
            _adopt(store, folder, manifest)
        except TextloopError as exc:
            why = exc.message
        else:
            return [f"adopted release {folder.name}: it was written completely by an "
                    f"interrupted `textloop release` ({owner.describe()}) and every file "
                    "matches its manifest"]
    remove_tree(folder)
    return [f"removed the folder of release {folder.name} left by an interrupted "
            f"`textloop release` ({owner.describe()}): {why}"]


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _why_not_adoptable(store: Store, folder: Path, manifest: dict[str, Any]) -> str | None:
    try:
        verify_manifest(folder)
    except TextloopError as exc:
        return exc.message
    if CATALOG not in manifest:
        return "its manifest has no catalog entry (written by an older textloop)"
    with store.read() as conn:
        number = releases.next_number(conn)
        catalogued = releases.list_all(conn)
    newest = catalogued[-1]["id"] if catalogued else None
    if manifest.get("number") != number or manifest.get("parent") != newest:
        return (f"it was made on top of {manifest.get('parent') or 'nothing'}, but the newest "
                f"release is now {newest or 'none'}")
    return None


def _adopt(store: Store, folder: Path, manifest: dict[str, Any]) -> None:
    """Catalog the folder as written: rows from its Parquet files, config and stats from its
    manifest, and the manifest's own sha256 so loading verifies it like any release."""
    rows = []
    for split in SPLITS:
        table = pq.read_table(folder / split_file(split), columns=["id", "label"])
        rows += [(rid, split, label if isinstance(label, str) else repr(label))
                 for rid, label in zip(table.column("id").to_pylist(),
                                       table.column("label").to_pylist(), strict=True)]
    entry = manifest[CATALOG]
    with store.write() as conn:
        releases.add_next(conn, release_id=folder.name, number=int(manifest["number"]),
                          parent_id=manifest.get("parent"), path=f"{RELEASES}/{folder.name}",
                          manifest_sha256=sha256_file(folder / MANIFEST),
                          config=entry["config"], stats=entry["stats"], rows=rows)
