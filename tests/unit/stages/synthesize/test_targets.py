"""Target classes: the champion's weakest, else the rarest, or the ones named."""

from __future__ import annotations

import pytest

from textloop.config import Label, ProjectSpec
from textloop.errors import InvalidInputError
from textloop.stages.registry import CHAMPION
from textloop.stages.synthesize.targets import champion_f1, pick_targets
from textloop.storage import registry, runs

SPEC = ProjectSpec(name="p", labels=[Label(name=n) for n in ("a", "b", "c", "d")],
                   synth={"classes": 2, "per_class": 30})
COUNTS = {"a": 50, "b": 5, "c": 20, "d": 5}


def test_without_a_champion_the_rarest_classes_are_targeted_in_project_order_on_ties() -> None:
    targets = pick_targets(SPEC, COUNTS, champion=None)
    assert [(t.label, t.budget, t.count) for t in targets] == [("b", 30, 5), ("d", 30, 5)]
    assert targets[0].why == "rarest: 5 records (no champion)"


def test_the_champions_lowest_f1_classes_are_targeted_with_the_reason() -> None:
    f1 = {"a": 0.9, "b": 0.95, "c": 0.4, "d": 0.7}
    targets = pick_targets(SPEC, COUNTS, champion=(3, f1), classes=3, budget=10)
    assert [t.label for t in targets] == ["c", "d", "a"]
    assert targets[0].why == "test F1 0.400 (champion v3)" and targets[0].f1 == 0.4
    assert {t.budget for t in targets} == {10}


def test_a_label_the_champion_has_no_f1_for_comes_first() -> None:
    counts = {**COUNTS, "b": 9}
    targets = pick_targets(SPEC, counts, champion=(1, {"a": 0.2, "b": None, "c": 0.9}))
    assert [t.label for t in targets] == ["d", "b"]  # d: not evaluated, b: undefined; d rarer
    assert targets[0].why == "no test F1 (champion v1)"


def test_named_labels_override_and_unknown_ones_are_refused() -> None:
    targets = pick_targets(SPEC, COUNTS, champion=(1, {"a": 0.1}), labels=["a", "c", "a"])
    assert [(t.label, t.why) for t in targets] == [("a", "named (--labels)"),
                                                   ("c", "named (--labels)")]
    with pytest.raises(InvalidInputError, match="does not have: zz") as info:
        pick_targets(SPEC, COUNTS, champion=None, labels=["zz"])
    assert "a, b, c, d" in (info.value.hint or "")


def test_champion_f1_reads_the_champions_stored_evaluation(store) -> None:
    with store.read() as conn:
        assert champion_f1(conn) is None
    with store.write() as conn:
        run = runs.create(conn, model="m", short_name="m", release_id=None, config={})
        version = registry.add_version(conn, run_id=run["id"], run_name=run["name"],
                                       release_id=None, actor="ana",
                                       metrics={"per_class_f1": {"spam": 0.5, "ham": 0.9}})
        registry.move_alias(conn, CHAMPION, version["version"], action="promote", actor="ana")
    with store.read() as conn:
        assert champion_f1(conn) == (1, {"spam": 0.5, "ham": 0.9})
