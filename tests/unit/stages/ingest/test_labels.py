"""Label checks: known labels pass, unknown ones are explained or collected."""

from __future__ import annotations

import pytest

from textloop.stages.ingest.labels import LabelCheck
from textloop.stages.ingest.rows import RowError
from textloop.stages.ingest.source import RawRow

ROW = RawRow(5, {})


def test_known_and_missing_labels_pass() -> None:
    check = LabelCheck(["spam", "ham"], "label", add_labels=False)
    check.check(ROW, "spam")
    check.check(ROW, None)
    assert check.new_labels() == []


@pytest.mark.parametrize(("label", "guess"), [("spma", "'spam'"), ("HAM", "'ham'")])
def test_unknown_label_names_a_close_match(label, guess) -> None:
    check = LabelCheck(["spam", "ham"], "label", add_labels=False)
    with pytest.raises(RowError) as info:
        check.check(ROW, label)
    assert f"did you mean {guess}" in info.value.message
    assert f"--label-map '{label}=NAME'" in info.value.fix


def test_unknown_label_without_any_labels_in_the_spec() -> None:
    with pytest.raises(RowError, match=r"labels: none\)$"):
        LabelCheck([], "label", add_labels=False).check(ROW, "x")


def test_add_labels_collects_new_ones_in_order_once() -> None:
    check = LabelCheck(["spam"], "label", add_labels=True)
    for label in ["promo", "spam", "news", "promo"]:
        check.check(ROW, label)
    assert [label.name for label in check.new_labels()] == ["promo", "news"]


@pytest.mark.parametrize("label", ["a,b", "x" * 201])
def test_add_labels_refuses_names_the_spec_cannot_hold(label) -> None:
    with pytest.raises(RowError, match=r"cannot be added to textloop\.yaml"):
        LabelCheck([], "label", add_labels=True).check(ROW, label)


@pytest.mark.parametrize(("label", "existing"), [
    ("\u0455\u0440\u0430m", "spam"), ("SPAM", "spam"), ("ｈａｍ", "ham")])
def test_add_labels_refuses_a_look_alike_of_a_known_label(label, existing) -> None:
    check = LabelCheck(["spam", "ham"], "label", add_labels=True)
    with pytest.raises(RowError) as info:
        check.check(ROW, label)
    assert f"looks like the label {existing!r}" in info.value.message
    assert f"--label-map '{label}={existing}'" in info.value.fix
    assert check.new_labels() == []


def test_add_labels_refuses_a_look_alike_of_a_label_added_earlier_in_the_file() -> None:
    check = LabelCheck(["spam"], "label", add_labels=True)
    check.check(ROW, "promo")
    with pytest.raises(RowError, match="looks like the label 'promo'"):
        check.check(RawRow(9, {}), "PROMO")
    assert [label.name for label in check.new_labels()] == ["promo"]


@pytest.mark.parametrize(("label", "found"), [
    ("spam\u200b", "U+200B ZERO WIDTH SPACE"), ("\u202espam", "U+202E"), ("sp\x1bam", "U+001B")])
def test_add_labels_refuses_invisible_and_control_characters(label, found) -> None:
    with pytest.raises(RowError, match=r"cannot be added to textloop\.yaml") as info:
        LabelCheck([], "label", add_labels=True).check(ROW, label)
    assert found in info.value.message


def test_an_unknown_look_alike_is_pointed_to_the_known_label() -> None:
    with pytest.raises(RowError, match="did you mean 'spam'"):
        LabelCheck(["spam", "ham"], "label", add_labels=False).check(ROW, "\u0455\u0440\u0430m")


def test_targets_are_canonical_numbers_within_range() -> None:
    from textloop.config import ProjectSpec
    from textloop.stages.ingest.labels import ValueCheck
    from textloop.tasks import REGRESSION

    spec = ProjectSpec(name="reviews", task="regression",
                       target={"name": "stars", "min": 1, "max": 5})
    check = ValueCheck(REGRESSION, spec, "rating")
    assert check.check(ROW, " 4 ") == check.check(ROW, "4.00") == "4.0"
    assert check.check(ROW, None) is None
    for bad, why in [("four", "is not a number"), ("1_000", "is not a number"),
                     ("nan", "not a finite number"), ("0.5", "below target.min"),
                     ("6", "above target.max")]:
        with pytest.raises(RowError, match=why):
            check.check(ROW, bad)
