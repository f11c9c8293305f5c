"""Loading a release for training and evaluation, only after it proves it is unchanged.

The catalog holds the manifest's sha256 and the manifest holds every file's sha256, so a
changed byte anywhere (a file, or the manifest itself) is refused with an ``IntegrityError``
that names the file. A model is never trained or scored on data nobody released.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from textloop.errors import IntegrityError
from textloop.spans import encode_spans, span_from
from textloop.stages.release.files import release_folder
from textloop.stages.release.split import SPLITS
from textloop.stages.release.table import meta_dicts
from textloop.stages.release.writer import split_file
from textloop.storage import Store, releases
from textloop.storage.artifacts import verify_manifest


@dataclass(frozen=True)
class SplitData:
    """One split, row-aligned lists in id order. ``meta`` holds every metadata key of the
    release per row (``None`` where a record had no value)."""

    ids: list[str]
    texts: list[str]
    labels: list[str]
    meta: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class ReleaseData:
    id: str
    number: int
    path: Path
    parent: str | None
    labels: list[str]
    splits: dict[str, SplitData]
    manifest: dict[str, Any]

    @property
    def train(self) -> SplitData:
        return self.splits["train"]

    @property
    def validation(self) -> SplitData:
        return self.splits["validation"]

    @property
    def test(self) -> SplitData:
        return self.splits["test"]


def load_release(store: Store, release_id: str = "latest") -> ReleaseData:
    """Verify and read a release (``v3`` or ``latest``)."""
    with store.read() as conn:
        entry = releases.get(conn, release_id)
    folder = release_folder(store, entry)
    if not folder.is_dir():
        raise IntegrityError(f"release {entry['id']}: folder {folder} is missing",
                             hint="restore the folder from a backup; releases are never "
                                  "re-created under the same id")
    manifest = verify_manifest(folder, entry["manifest_sha256"])
    columns = manifest.get("meta_columns", {})
    splits = {name: _read_split(folder / split_file(name), columns) for name in SPLITS}
    return ReleaseData(id=entry["id"], number=entry["number"], path=folder,
                       parent=entry["parent_id"], labels=list(manifest["labels"]),
                       splits=splits, manifest=manifest)


def _read_split(path: Path, columns: dict[str, str]) -> SplitData:
    table = pq.read_table(path)
    if "spans" in table.schema.names:  # a span release: back to the stored form
        labels = [encode_spans(span_from(s) for s in row)
                  for row in table.column("spans").to_pylist()]
    else:
        labels = table.column("label").to_pylist()
    return SplitData(ids=table.column("id").to_pylist(), texts=table.column("text").to_pylist(),
                     labels=labels, meta=meta_dicts(table, columns))
