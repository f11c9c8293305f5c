"""Target classes: the champion's weakest, else the rarest, or the ones named."""

from __future__ import annotations

import pytest

from tests.unit.stages.pipeline_fixtures import released
from textloop.config import Label, ProjectSpec, ReleaseSettings
from textloop.errors import InvalidInputError
from textloop.measures.metrics import compute_metrics
from textloop.measures.probabilities import align_proba
from textloop.stages.release import load_release
from textloop.stages.runs.loading import load_run, model_inputs
from textloop.stages.synthesize.targets import ChampionF1, champion_f1, pick_targets
from textloop.stages.train.training import train
from textloop.stages.versions.register import CHAMPION
from textloop.storage import model_versions

SPEC = ProjectSpec(name="p", labels=[Label(name=n) for n in ("a", "b", "c", "d")],
                   synth={"classes": 2, "per_class": 30})
COUNTS = {"a": 50, "b": 5, "c": 20, "d": 5}


def test_without_a_champion_the_rarest_classes_are_targeted_in_project_order_on_ties() -> None:
    targets = pick_targets(SPEC, COUNTS, champion=None)
    assert [(t.label, t.budget, t.count) for t in targets] == [("b", 30, 5), ("d", 30, 5)]
    assert targets[0].why == "rarest: 5 records (no champion)"


def test_the_champions_lowest_f1_classes_are_targeted_with_the_reason() -> None:
    f1 = {"a": 0.9, "b": 0.95, "c": 0.4, "d": 0.7}
    targets = pick_targets(SPEC, COUNTS, champion=ChampionF1(3, "validation", f1), classes=3,
                           budget=10)
    assert [t.label for t in targets] == ["c", "d", "a"]
    assert targets[0].why == "validation F1 0.400 (champion m3)" and targets[0].f1 == 0.4
    assert {t.budget for t in targets} == {10}


def test_a_label_the_champion_has_no_f1_for_comes_first() -> None:
    counts = {**COUNTS, "b": 9}
    champion = ChampionF1(1, "test", {"a": 0.2, "b": None, "c": 0.9})
    targets = pick_targets(SPEC, counts, champion=champion)
    assert [t.label for t in targets] == ["d", "b"]  # d: not evaluated, b: undefined; d rarer
    assert targets[0].why == "no test F1 (champion m1)"


def test_named_labels_override_and_unknown_ones_are_refused() -> None:
    targets = pick_targets(SPEC, COUNTS, champion=ChampionF1(1, "validation", {"a": 0.1}),
                           labels=["a", "c", "a"])
    assert [(t.label, t.why) for t in targets] == [("a", "named (--labels)"),
                                                   ("c", "named (--labels)")]
    with pytest.raises(InvalidInputError, match="does not have: zz") as info:
        pick_targets(SPEC, COUNTS, champion=None, labels=["zz"])
    assert "a, b, c, d" in (info.value.hint or "")


STORED_TEST_F1 = {"spam": 0.123, "ham": 0.456}


def crown(store, project) -> str:
    """Train tfidf-lr on the latest release and make it champion, its version storing
    ``STORED_TEST_F1`` as its test evaluation; the run's id."""
    run = train(store, project, model="tfidf-lr").run_id
    with store.write() as conn:
        version = model_versions.add_version(conn, run_id=run, run_name="tfidf-lr-1",
                                       release_id=None, actor="ana",
                                       metrics={"per_class_f1": STORED_TEST_F1})
        model_versions.move_alias(conn, CHAMPION, version["version"], action="promote", actor="ana")
    return run


def test_the_champions_f1_comes_from_its_validation_split_not_the_test_split(
        project, store, tmp_path) -> None:
    """The test split judges a batch later, so it must not also pick the classes."""
    assert champion_f1(store) is None
    released(store, project, tmp_path)
    run = crown(store, project)
    found = champion_f1(store)
    loaded, data = load_run(store, run), load_release(store, "v1")
    proba = loaded.served(model_inputs(loaded.model, data.validation.texts, store))
    proba = align_proba(proba, list(loaded.model.classes_), data.labels)
    expected = compute_metrics(data.validation.labels, proba, data.labels)["per_class"]
    assert (found.version, found.split) == (1, "validation")
    assert found.f1 == {label: expected[label]["f1"] for label in data.labels}
    assert found.f1 != STORED_TEST_F1


def test_without_validation_rows_the_stored_test_f1_is_used_and_named(project, store,
                                                                        tmp_path) -> None:
    project.spec.release = ReleaseSettings(train=0.9, validation=0.0, test=0.1)
    released(store, project, tmp_path)
    assert not load_release(store, "v1").validation.texts
    crown(store, project)
    found = champion_f1(store)
    assert (found.split, dict(found.f1)) == ("test", STORED_TEST_F1)
    targets = pick_targets(project.spec, {"spam": 80, "ham": 160}, champion=found, classes=1)
    assert targets[0].why == "test F1 0.123 (champion m1)"
