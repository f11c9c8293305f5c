"""A labeled project run through the real ``textloop clean``: flipped labels, a duplicate
cluster that agrees and one whose labels conflict, so every review action has a finding."""

from __future__ import annotations

from pathlib import Path

from tests.unit.stages.clean.clean_fixtures import flip, import_rows, rows
from textloop.config import Project
from textloop.stages.clean import CleanOptions, CleanResult, clean
from textloop.storage import Store, findings

FAST = CleanOptions(models=("tfidf-lr",), use_embeddings=False, release=None)
DUPLICATES = [("Win cash now, claim your prize today", "spam"),
              ("WIN cash now,  claim your prize today", "spam"),
              ("win CASH now, claim your prize today", "spam")]
CONFLICT = [("See you at dinner later, love mum", "ham"),
            ("see you at dinner later, love MUM", "spam")]


def cleaned(store: Store, project: Project, folder: Path, extra: list[tuple[str, str]] = (),
            ) -> CleanResult:
    """Import 80 records (every 10th label flipped) plus the clusters, then clean them."""
    data, _ = flip(rows(80), 10)
    import_rows(store, project, folder, [*data, *DUPLICATES, *CONFLICT, *extra])
    return clean(store, project, FAST)


def first_of(store: Store, kind: str, cleaning: str = "c1") -> dict:
    """The first open finding of ``kind`` in insertion order."""
    with store.read() as conn:
        return findings.list_for(conn, cleaning, kind=kind, status="open")[0]
