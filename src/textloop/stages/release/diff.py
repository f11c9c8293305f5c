"""Row-level difference between a release and its parent: what a reviewer needs to trust it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    """A record whose label or split changed: ``old`` and ``new`` values."""

    id: str
    old: str
    new: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ReleaseDiff:
    parent: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    relabeled: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed),
                "relabeled": len(self.relabeled), "moved": len(self.moved),
                "unchanged": self.unchanged}

    def to_dict(self) -> dict[str, Any]:
        """The ``diff.json`` body."""
        return {"parent": self.parent, "added": self.added, "removed": self.removed,
                "relabeled": [c.to_dict() for c in self.relabeled],
                "moved": [c.to_dict() for c in self.moved], "counts": self.counts()}

    def summary(self) -> str:
        return describe_counts(self.parent, self.counts())


def describe_counts(parent: str | None, counts: dict[str, int]) -> str:
    """One line for people: ``vs v1: +10 added, -2 removed, 1 relabeled``."""
    if parent is None:
        return f"first release: {counts.get('added', 0):,} rows"
    parts = [f"+{counts.get('added', 0):,} added", f"-{counts.get('removed', 0):,} removed",
             f"{counts.get('relabeled', 0):,} relabeled"]
    if counts.get("moved"):
        parts.append(f"{counts['moved']:,} moved split")
    if not any(counts.get(k) for k in ("added", "removed", "relabeled", "moved")):
        return f"no changes since {parent}"
    return f"vs {parent}: " + ", ".join(parts)


def compute_diff(parent: str | None, previous: Sequence[tuple[str, str, str]],
                 ids: Sequence[str], splits: Sequence[str], labels: Sequence[str]) -> ReleaseDiff:
    """Compare ``previous`` (record_id, split, label) rows with the new release's rows.

    Lists are sorted by id so the file is stable and easy to review.
    """
    before = {rid: (split, label) for rid, split, label in previous}
    current = set(ids)
    added, relabeled, moved = [], [], []
    for rid, split, label in zip(ids, splits, labels, strict=True):
        old = before.get(rid)
        if old is None:
            added.append(rid)
            continue
        if old[1] != label:
            relabeled.append(Change(rid, old[1], label))
        if old[0] != split:
            moved.append(Change(rid, old[0], split))
    removed = sorted(rid for rid in before if rid not in current)
    changed = {c.id for c in relabeled} | {c.id for c in moved}
    unchanged = len(ids) - len(added) - len(changed)
    return ReleaseDiff(parent, sorted(added), removed, sorted(relabeled, key=_by_id),
                       sorted(moved, key=_by_id), unchanged)


def _by_id(change: Change) -> str:
    return change.id
