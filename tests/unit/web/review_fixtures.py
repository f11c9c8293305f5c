"""Findings to review in the web tests, stored directly (no clean run: fast, exact)."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from tests.unit.web.webapp import XSS, Web
from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import findings, records

TEXTS = [("Claim your free prize now, reply WIN", "ham"),       # 0: a flipped label
         ("Free prize waiting, reply to claim", "spam"),         # 1: its neighbour
         (f"{XSS} win cash", "spam"),                            # 2: a neighbour with markup
         ("See you at lunch tomorrow", "ham"),                   # 3: kept of a duplicate pair
         ("see you at LUNCH tomorrow", "ham"),                   # 4: its duplicate
         ("@@@@ #### !!!!", "ham")]                              # 5: garbage


@dataclass(frozen=True)
class Flagged:
    ids: list[str]
    """Record ids in ``TEXTS`` order."""
    issue: int
    duplicate: int
    garbage: int


def flag(web: Web, texts: list[tuple[str, str]] | None = None) -> Flagged:
    """Import ``TEXTS`` with labels and store one cleaning run with three findings."""
    texts = texts or TEXTS
    folder = web.project.root / "data"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "labeled.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(texts)
    import_file(web.store, web.project, path, ImportOptions())
    with web.store.write() as conn:
        by_text = {r.text: r.id for r in records.iter_all(conn)}
        ids = [by_text[text] for text, _ in texts]
        findings.add(conn, config={}, summary={}, rows=[
            {"record_id": ids[0], "kind": "label_issue", "score": 0.05,
             "details": {"given": "ham", "suggested": "spam", "confidence": 0.95,
                         "label_kind": "import", "neighbours": [[ids[1], 0.8], [ids[2], 0.6]],
                         "neighbour_space": "tfidf"}},
            {"record_id": ids[4], "kind": "duplicate", "score": 1.0,
             "details": {"cluster": "d1", "size": 2, "match": "exact", "of": ids[3]}},
            {"record_id": ids[5], "kind": "garbage", "score": None,
             "details": {"reason": "no letters or digits"}}])
        found = findings.list_for(conn, "c1")
    return Flagged(ids, *(f["id"] for f in found))
