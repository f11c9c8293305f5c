"""A label model's standing answers: one per record, the newest wins, older ones retractable."""

from __future__ import annotations

import pytest

from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import annotation_log, records, weak_labels

MODEL = "label_model:majority"


@pytest.fixture
def ids(project, store, tmp_path) -> list[str]:
    data = tmp_path / "t.csv"
    data.write_text("text\nfirst\nsecond\nthird\n")
    import_file(store, project, data, ImportOptions(label_col=""))
    with store.read() as conn:
        return sorted(r.id for r in records.iter_all(conn))


def add(store, record_id: str, label: str, annotator: str = MODEL, kind: str = "weak",
        meta: str | None = None) -> int:
    with store.write() as conn:
        return annotation_log.add_one(conn, record_id=record_id, label=label, kind=kind,
                                      annotator=annotator, meta=meta)


def test_standing_is_per_annotator_and_kind_and_skips_retracted(store, ids) -> None:
    first = add(store, ids[0], "spam", meta='{"rules": ["r1"]}')
    add(store, ids[1], "ham", annotator="label_model:dawid_skene")
    add(store, ids[2], "ham", kind="human", annotator=MODEL)
    gone = add(store, ids[2], "spam")
    with store.write() as conn:
        weak_labels.retract_many(conn, [gone])
    with store.read() as conn:
        found = weak_labels.standing(conn, MODEL, "weak")
    assert found == {ids[0]: (first, "spam", '{"rules": ["r1"]}')}
    assert found[ids[0]].label == "spam" and found[ids[0]].meta == '{"rules": ["r1"]}'


def test_the_newest_of_several_stands_and_the_others_are_duplicates(store, ids) -> None:
    old = add(store, ids[0], "spam")
    older_too = add(store, ids[0], "ham")
    newest = add(store, ids[0], "spam")
    single = add(store, ids[1], "ham")
    with store.read() as conn:
        found = weak_labels.standing(conn, MODEL, "weak")
        extra = weak_labels.duplicates(conn, MODEL, "weak")
    assert found[ids[0]].id == newest and found[ids[1]].id == single
    assert sorted(extra) == [old, older_too]


def test_retracted_rows_stay_but_no_longer_stand(store, ids) -> None:
    a, b = add(store, ids[0], "spam"), add(store, ids[1], "ham")
    with store.write() as conn:
        weak_labels.retract_many(conn, [a, b])
        weak_labels.retract_many(conn, [])  # nothing to do is fine
    with store.read() as conn:
        assert weak_labels.standing(conn, MODEL, "weak") == {}
        assert annotation_log.count(conn) == 2
        assert list(annotation_log.iter_votes(conn)) == []
