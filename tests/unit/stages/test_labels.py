"""Label resolution: trusted kinds win, majority within a kind, ties to the newest."""

from __future__ import annotations

import time

from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.labels import current_labels, labeled_records, resolve
from textloop.storage import annotation_log


def test_human_beats_import_even_when_outnumbered() -> None:
    votes = [("spam", "import", 1.0), ("spam", "weak", 2.0), ("ham", "human", 0.5)]
    assert resolve(votes) == ("ham", "human")


def test_majority_within_kind_then_newest_on_tie() -> None:
    assert resolve([("a", "human", 1), ("b", "human", 2), ("a", "human", 3)]) == ("a", "human")
    assert resolve([("a", "human", 1), ("b", "human", 2)]) == ("b", "human")


def test_labeled_records_reflect_a_human_relabel(project, store, tmp_path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,label\nwin cash,spam\nhello mum,ham\nfree prize,spam\n")
    import_file(store, project, data, ImportOptions())
    with store.read() as conn:
        before = {r.text: r.label for r in labeled_records(conn)}
    target = next(rid for rid, (label, _) in current_labels_of(store).items() if label == "ham")
    with store.write() as conn:
        annotation_log.insert(conn, [{"record_id": target, "label": "spam", "kind": "human",
                                   "annotator": "alice", "created_at": time.time()}])
    with store.read() as conn:
        after = {r.text: (r.label, r.label_kind) for r in labeled_records(conn)}
    assert before == {"win cash": "spam", "hello mum": "ham", "free prize": "spam"}
    assert after["hello mum"] == ("spam", "human")
    assert after["win cash"] == ("spam", "import")


def current_labels_of(store):
    with store.read() as conn:
        return current_labels(conn)
