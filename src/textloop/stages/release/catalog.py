"""The list of releases, as ``textloop releases`` and the web app show it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from textloop.stages.release.diff import describe_counts
from textloop.stages.release.files import release_folder
from textloop.storage import Store, releases


@dataclass(frozen=True)
class ReleaseSummary:
    id: str
    number: int
    created_at: float
    rows: int
    parent: str | None
    changes: str
    message: str
    path: Path
    agreement: dict[str, Any] | None = None
    """Annotators' agreement on its records, as measured when it was made (None: a release
    made before releases recorded it)."""

    def to_dict(self) -> dict[str, Any]:
        """One release as ``textloop releases --json`` lists it (the path as a string)."""
        return {**asdict(self), "path": str(self.path)}


def list_releases(store: Store) -> list[ReleaseSummary]:
    """Every release, oldest first."""
    with store.read() as conn:
        entries = releases.list_all(conn)
    return [ReleaseSummary(
        id=e["id"], number=e["number"], created_at=e["created_at"],
        rows=int(e["stats"].get("rows", 0)), parent=e["parent_id"],
        changes=describe_counts(e["parent_id"], e["stats"].get("diff", {})),
        message=e["config"].get("message", ""), path=release_folder(store, e),
        agreement=e["stats"].get("agreement"))
        for e in entries]
