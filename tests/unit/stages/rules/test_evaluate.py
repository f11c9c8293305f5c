"""Rules scored on the store: gold is the resolved label when its kind counts as the truth."""

from __future__ import annotations

import pytest

from tests.unit.stages.rules.rule_fixtures import HAM_WORDS, SPAM_WORDS, import_texts, with_rules
from textloop.errors import InvalidInputError
from textloop.stages.label.resolution import Resolution
from textloop.stages.rules.evaluate import evaluate_rules, gold_indices
from textloop.stages.rules.weak import apply_weak_labels
from textloop.storage import annotation_log

# TEXTS: win a free prize now, free entry txt, see you at home, ok see you later,
#        free at home tonight, nothing here
IMPORTED = ["spam", "spam", "ham", "ham", "ham", "ham"]


def label(store, record_id: str, value: str, kind: str = "human", who: str = "alice") -> None:
    with store.write() as conn:
        annotation_log.add_one(conn, record_id=record_id, label=value, kind=kind, annotator=who)


def by_name(analysis) -> dict:
    return {rule.name: rule for rule in analysis.rules}


def test_accuracy_on_human_labels(project, store, tmp_path) -> None:
    with_rules(project, SPAM_WORDS, HAM_WORDS)
    ids = import_texts(store, project, tmp_path)
    label(store, ids["win a free prize now"], "spam")
    label(store, ids["see you at home"], "ham")
    label(store, ids["free at home tonight"], "ham")
    label(store, ids["nothing here"], "spam")  # no rule votes here: counts for no rule
    analysis = evaluate_rules(store, project)
    rules = by_name(analysis)
    # spam_words votes on 3 records, 2 of them labeled: right on "win...", wrong on "free at"
    assert (rules["spam_words"].n_gold, rules["spam_words"].n_correct) == (2, 1)
    assert rules["spam_words"].accuracy == 0.5
    assert (rules["ham_words"].n_gold, rules["ham_words"].accuracy) == (2, 1.0)
    assert analysis.n_gold == 4 and analysis.gold_kinds == ["human", "adjudicated", "review"]
    assert rules["spam_words"].coverage == pytest.approx(3 / 6)
    assert rules["spam_words"].conflicts == pytest.approx(1 / 6)
    assert (analysis.coverage, analysis.overlap) == pytest.approx((5 / 6, 1 / 6))


def test_an_adjudicated_label_is_gold_and_beats_the_annotators(project, store, tmp_path) -> None:
    with_rules(project, SPAM_WORDS, HAM_WORDS)
    ids = import_texts(store, project, tmp_path)
    rid = ids["free at home tonight"]
    label(store, rid, "ham", who="alice")
    label(store, rid, "ham", who="bob")
    label(store, rid, "spam", kind="adjudicated", who="dave")
    rules = by_name(evaluate_rules(store, project))
    assert rules["spam_words"].accuracy == 1.0 and rules["ham_words"].accuracy == 0.0
    only_people = by_name(evaluate_rules(store, project, gold_kinds=["human"]))
    assert only_people["spam_words"].n_gold == 0 and only_people["spam_words"].accuracy is None


def test_imported_labels_as_gold(project, store, tmp_path) -> None:
    with_rules(project, SPAM_WORDS, HAM_WORDS)
    import_texts(store, project, tmp_path, labels=IMPORTED)
    assert evaluate_rules(store, project).n_gold == 0  # no person has labeled anything
    analysis = evaluate_rules(store, project, gold_kinds=["import"])
    rules = by_name(analysis)
    assert analysis.n_gold == 6
    assert (rules["spam_words"].n_gold, rules["spam_words"].n_correct) == (3, 2)
    assert (rules["ham_words"].n_gold, rules["ham_words"].accuracy) == (3, 1.0)


def test_weak_labels_never_become_gold(project, store, tmp_path) -> None:
    with_rules(project, SPAM_WORDS, HAM_WORDS)
    import_texts(store, project, tmp_path)
    apply_weak_labels(store, project)
    assert evaluate_rules(store, project).n_gold == 0
    assert evaluate_rules(store, project, gold_kinds=["import"]).n_gold == 0
    with pytest.raises(InvalidInputError, match="weak labels cannot be the truth"):
        evaluate_rules(store, project, gold_kinds=["weak"])


def test_unknown_gold_kind_is_refused_before_any_work(project, store) -> None:
    with pytest.raises(InvalidInputError, match="unknown label kind 'imported'") as found:
        evaluate_rules(store, project, gold_kinds=["human", "imported"])
    assert "--gold" in found.value.hint
    with pytest.raises(InvalidInputError, match="gold label kinds: none"):
        evaluate_rules(store, project, gold_kinds=[])


def test_gold_indices_skip_other_kinds_and_labels_outside_the_rules() -> None:
    resolved = {"a": Resolution("ham", "human", ""), "b": Resolution("spam", "import", ""),
                "c": Resolution("promo", "human", "")}
    found = gold_indices(["a", "b", "c", "d"], resolved, ["spam", "ham"], ["human"])
    assert found.tolist() == [1, -1, -1, -1]
