"""A span release: spans in a list-of-struct column, read back to the stored form; span
counts and lengths on the card; bad span rows refused at import."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from textloop.config import Label
from textloop.errors import InvalidInputError
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release, load_release
from textloop.storage import Store

TEXTS = ["Ana works at Acme", "김철수는 삼성전자에 다닌다", "no entities here 😀",
         "Bob met Carol at Initech"]


def _rows() -> list[dict[str, str]]:
    spans = [[(0, 3, "PER"), (13, 17, "ORG")], [(0, 3, "PER"), (5, 9, "ORG")], [],
             [(0, 3, "PER"), (8, 13, "PER"), (17, 24, "ORG")]]
    rows = []
    for copy in range(10):
        for text, items in zip(TEXTS, spans, strict=True):
            rows.append({"text": f"{text} #{copy}", "label": json.dumps(
                [{"start": s, "end": e, "label": label} for s, e, label in items])})
    return rows


@pytest.fixture
def span_store(tmp_path: Path):
    project = init_project(tmp_path / "ner", labels=[Label(name="PER"), Label(name="ORG")],
                           task="spans")
    path = tmp_path / "spans.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows()),
                    encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, path, ImportOptions(text_col="text", label_col="label"))
        yield project, store, path


def test_spans_round_trip_through_the_release_files(span_store) -> None:
    project, store, _ = span_store
    info = create_release(store, project)
    data = load_release(store, info.id)
    table = pq.read_table(data.path / "train.parquet")
    assert "spans" in table.schema.names and "label" not in table.schema.names
    by_text = dict(zip(data.splits["train"].texts, data.splits["train"].labels, strict=True))
    rows = {r["text"]: r["label"] for r in _rows()}
    for text, stored in by_text.items():
        assert json.loads(stored) == sorted(json.loads(rows[text]),
                                            key=lambda s: (s["start"], s["end"], s["label"]))
    card = (data.path / "README.md").read_text(encoding="utf-8")
    assert "## Span labels" in card and "10 records carry no span" in card
    assert data.manifest["spans"]["lengths"]["ORG"]["spans"] == 30


def test_a_bad_span_row_is_refused_with_its_line_and_nothing_is_stored(span_store,
                                                                     tmp_path: Path) -> None:
    project, store, _ = span_store
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "new text", "label": "[]"}) + "\n"
                   + json.dumps({"text": "Ana", "label": json.dumps(
                       [{"start": 0, "end": 9, "label": "PER"}])}) + "\n", encoding="utf-8")
    with store.read() as conn:
        before = conn.exec_driver_sql("select count(*) from records").scalar()
    with pytest.raises(InvalidInputError, match=r"line 2.*outside the text"):
        import_file(store, project, bad, ImportOptions(text_col="text", label_col="label"))
    with store.read() as conn:
        assert conn.exec_driver_sql("select count(*) from records").scalar() == before


def test_a_release_carries_the_adjudicated_and_majority_spans(span_store, tmp_path) -> None:
    from textloop.spans import Span, encode_spans
    from textloop.stages.label.queue import adjudicate
    from textloop.storage import annotation_log, records

    project, store, _ = span_store
    texts = ["Dana joined Globex", "Eve and Frank"]
    path = tmp_path / "unlabeled.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    import_file(store, project, path, ImportOptions(text_col="text", label_col=""))
    with store.read() as conn:
        ids = {r.text: r.id for r in records.iter_all(conn) if r.text in texts}
    answers = {texts[0]: {"ann": [Span(0, 4, "PER")], "ben": [Span(12, 18, "ORG")]},
               texts[1]: {"ann": [Span(0, 3, "PER"), Span(8, 13, "PER")],
                          "ben": [Span(0, 3, "PER"), Span(8, 12, "PER")],
                          "cat": [Span(0, 3, "PER"), Span(8, 13, "ORG")]}}
    with store.write() as conn:
        for text, given in answers.items():
            for who, spans in given.items():
                annotation_log.add_one(conn, record_id=ids[text], kind="human", annotator=who,
                                       label=encode_spans(spans))
    adjudicate(store, project, "judge", ids[texts[0]], reason="both are right",
               spans=[Span(0, 4, "PER"), Span(12, 18, "ORG")])
    info = create_release(store, project)
    table = pq.read_table(load_release(store, info.id).path / "train.parquet").to_pylist()
    for part in ("validation", "test"):
        found = load_release(store, info.id).path / f"{part}.parquet"
        if found.exists():
            table += pq.read_table(found).to_pylist()
    released = {row["text"]: [(s["start"], s["end"], s["label"]) for s in row["spans"]]
                for row in table}
    assert released[texts[0]] == [(0, 4, "PER"), (12, 18, "ORG")]  # the adjudicator's
    # all three marked Eve; no two marked Frank alike: the span majority, which no one gave
    assert released[texts[1]] == [(0, 3, "PER")]
