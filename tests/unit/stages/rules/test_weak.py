"""Weak labels in the store: kind weak, one standing answer per label model, re-runs idempotent."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.unit.stages.rules.rule_fixtures import HAM_WORDS, SPAM_WORDS, import_texts, with_rules
from textloop.config import Rule
from textloop.errors import InvalidInputError
from textloop.stages.label.resolution import current_labels
from textloop.stages.rules.weak import apply_weak_labels
from textloop.storage import annotation_log
from textloop.storage.schema import annotations_table as table

URL = Rule(name="url", label="spam", regex=r"https?://\S+")


def weak_rows(store) -> list[dict]:
    """Every weak annotation, standing or retracted, oldest first."""
    with store.read() as conn:
        query = select(table).where(table.c.kind == "weak").order_by(table.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def standing(store, annotator: str = "label_model:dawid_skene") -> dict[str, str]:
    return {row["record_id"]: row["label"] for row in weak_rows(store)
            if row["retracted_at"] is None and row["annotator"] == annotator}


@pytest.fixture
def ids(project, store, tmp_path) -> dict[str, str]:
    with_rules(project, SPAM_WORDS, HAM_WORDS)
    return import_texts(store, project, tmp_path)


def test_weak_labels_are_stored_with_kind_annotator_and_confidence(project, store, ids) -> None:
    result = apply_weak_labels(store, project)
    assert (result.n_records, result.n_covered, result.new) == (6, 5, 4)
    # "free at home tonight": one spam rule against one ham rule, nothing to tell them apart
    assert result.below_threshold == 1 and result.labels == {"spam": 2, "ham": 2}
    assert result.annotator == "label_model:dawid_skene"
    assert result.label_model == "textloop.label_model.dawid_skene.v1"
    rows = weak_rows(store)
    assert {r["annotator"] for r in rows} == {"label_model:dawid_skene"}
    assert standing(store) == {ids["win a free prize now"]: "spam", ids["free entry txt"]: "spam",
                               ids["see you at home"]: "ham", ids["ok see you later"]: "ham"}
    meta = json.loads(next(r["meta"] for r in rows if r["record_id"] == ids["free entry txt"]))
    assert meta["rules"] == ["spam_words"] and 0.99 < meta["confidence"] <= 1.0
    assert meta["label_model"] == "textloop.label_model.dawid_skene.v1"


def test_applying_twice_writes_nothing_new(project, store, ids) -> None:
    apply_weak_labels(store, project)
    before = weak_rows(store)
    again = apply_weak_labels(store, project)
    assert (again.new, again.changed, again.withdrawn, again.unchanged) == (0, 0, 0, 4)
    assert weak_rows(store) == before


def test_changed_rules_replace_the_old_weak_labels(project, store, ids) -> None:
    apply_weak_labels(store, project)
    # "home" no longer says ham; the spam rule is renamed
    renamed = Rule(name="spam_terms", label="spam", keywords=SPAM_WORDS.keywords)
    with_rules(project, renamed, Rule(name="ham_words", label="ham", keywords=["ok", "later"]))
    result = apply_weak_labels(store, project)
    # spam records now carry the new rule name; "free at home tonight" is no longer a tie
    assert (result.new, result.changed, result.unchanged, result.withdrawn) == (1, 2, 1, 1)
    now = standing(store)
    assert now == {ids["win a free prize now"]: "spam", ids["free entry txt"]: "spam",
                   ids["free at home tonight"]: "spam", ids["ok see you later"]: "ham"}
    rows = weak_rows(store)
    assert len(rows) == 4 + 3 and sum(r["retracted_at"] is not None for r in rows) == 3
    for row in rows:
        if row["retracted_at"] is None and row["label"] == "spam":
            assert json.loads(row["meta"])["rules"] == ["spam_terms"]
    with store.read() as conn:  # one standing weak label per record and label model
        votes = [v for v in annotation_log.iter_votes(conn) if v[2] == "weak"]
    assert len(votes) == len({v[0] for v in votes}) == 4


def test_below_min_confidence_no_weak_label_and_earlier_ones_withdrawn(project, store, ids,
                                                                       tmp_path) -> None:
    apply_weak_labels(store, project, method="majority")
    strict = apply_weak_labels(store, project, method="majority", min_confidence=1.0)
    assert strict.withdrawn == 0  # single-rule votes have a share of 1.0
    with_rules(project, SPAM_WORDS, HAM_WORDS, URL)
    (tmp_path / "more").mkdir()
    text = "free stuff at home http://x.io"  # two spam rules against one ham rule
    record = import_texts(store, project, tmp_path / "more", [text])[text]
    found = apply_weak_labels(store, project, method="majority", min_confidence=0.7)
    assert record not in standing(store, "label_model:majority")  # 2/3 < 0.7
    assert found.below_threshold == 2  # this one and the 1:1 tie
    assert apply_weak_labels(store, project, method="majority", min_confidence=0.6).new == 1
    assert standing(store, "label_model:majority")[record] == "spam"
    withdrawn = apply_weak_labels(store, project, method="majority", min_confidence=0.7)
    assert withdrawn.withdrawn == 1 and record not in standing(store, "label_model:majority")


def test_each_label_model_is_its_own_annotator(project, store, ids) -> None:
    apply_weak_labels(store, project, method="majority")
    apply_weak_labels(store, project, method="dawid_skene")
    assert len(standing(store, "label_model:majority")) == 4
    assert len(standing(store, "label_model:dawid_skene")) == 4
    again = apply_weak_labels(store, project, method="majority")
    assert again.unchanged == 4 and again.new == 0


def test_people_outrank_weak_labels(project, store, ids) -> None:
    apply_weak_labels(store, project)
    with store.write() as conn:
        annotation_log.add_one(conn, record_id=ids["free entry txt"], label="ham", kind="human",
                               annotator="alice")
        resolved = current_labels(conn)
    assert resolved[ids["free entry txt"]].label == "ham"
    assert resolved[ids["free entry txt"]].kind == "human"
    assert resolved[ids["win a free prize now"]] == ("spam", "weak", "weak label")
    assert ids["nothing here"] not in resolved


def test_a_duplicate_standing_weak_label_is_cleaned_up(project, store, ids) -> None:
    apply_weak_labels(store, project)
    with store.write() as conn:  # as if two runs had raced
        annotation_log.add_one(conn, record_id=ids["free entry txt"], label="spam", kind="weak",
                               annotator="label_model:dawid_skene", meta='{"rules": ["x"]}')
    result = apply_weak_labels(store, project)
    assert result.changed == 1  # the newest row's rules differ from today's votes
    with store.read() as conn:
        votes = [v for v in annotation_log.iter_votes(conn) if v[2] == "weak"]
    assert len(votes) == 4


def test_min_confidence_outside_zero_to_one_is_refused(project, store, ids) -> None:
    with pytest.raises(InvalidInputError, match=r"min_confidence is 1\.5"):
        apply_weak_labels(store, project, min_confidence=1.5)
    assert weak_rows(store) == []


def test_unknown_method_writes_nothing(project, store, ids) -> None:
    with pytest.raises(InvalidInputError, match="unknown label model"):
        apply_weak_labels(store, project, method="snorkel")
    assert weak_rows(store) == []
