"""``init``: a project folder with a valid spec, a store, and no overwriting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from textloop.config import Goal, Label, load_spec
from textloop.errors import ConflictError, InvalidInputError
from textloop.stages.project.init import goal_from, init_project, parse_labels


def test_init_writes_spec_store_and_gitignore(tmp_path: Path) -> None:
    project = init_project(tmp_path / "filter", labels=parse_labels("spam=Ads;ham=Rest"),
                           score_labels=["spam"])
    spec = load_spec(project.spec_path)
    assert spec.name == "filter"
    assert [(lab.name, lab.description) for lab in spec.labels] == [("spam", "Ads"),
                                                                       ("ham", "Rest")]
    assert spec.actions.bands == {"block": 0.9, "review": 0.5}
    assert (project.root / ".textloop" / "textloop.db").exists()
    assert ".textloop/" in (project.root / ".gitignore").read_text()


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    init_project(tmp_path / "p", labels=[Label(name="a")])
    with pytest.raises(ConflictError):
        init_project(tmp_path / "p")


def test_init_rejects_unknown_score_label(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="unknown labels: spma"):
        init_project(tmp_path / "p", labels=[Label(name="spam")], score_labels=["spma"])
    assert not (tmp_path / "p" / "textloop.yaml").exists()


def test_parse_labels_forms() -> None:
    assert [lab.name for lab in parse_labels("a, b,c")] == ["a", "b", "c"]
    assert parse_labels("") == []
    assert parse_labels("x=The X class")[0].description == "The X class"


@pytest.mark.parametrize(("labels", "fragment"), [
    ("spam,\u0455\u0440\u0430m", "looks like the label 'spam'"),
    ("spam,SPAM", "looks like the label 'spam'"),
    ("spam,ham\u200b", "U+200B ZERO WIDTH SPACE"),
    ("spam,h\u202eam", "U+202E RIGHT-TO-LEFT OVERRIDE"),
])
def test_init_refuses_look_alike_and_invisible_label_names(tmp_path: Path, labels,
                                                           fragment) -> None:
    with pytest.raises(InvalidInputError, match=re.escape(fragment)):
        init_project(tmp_path / "p", labels=parse_labels(labels))
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("text", ["PER;ORG;LOC", "PER,ORG,LOC", "PER, ORG; LOC", "PER;ORG;LOC;"])
def test_parse_labels_separates_entries_by_semicolon_or_comma(text) -> None:
    assert [lab.name for lab in parse_labels(text)] == ["PER", "ORG", "LOC"]


def test_with_descriptions_only_semicolons_separate_so_descriptions_may_hold_commas() -> None:
    labels = parse_labels("spam=Unwanted ads, scams or phishing;ham=Anything else")
    assert [(lab.name, lab.description) for lab in labels] == [
        ("spam", "Unwanted ads, scams or phishing"), ("ham", "Anything else")]


@pytest.mark.parametrize(("text", "fragment"), [
    ("spam=Unwanted,ham=Anything else", "separate labels with ';'"),
    ("PER,ORG=Organisations;LOC", "'PER,ORG'"),
])
def test_parse_labels_refuses_what_the_rule_cannot_read(text, fragment) -> None:
    with pytest.raises(InvalidInputError, match="--labels") as info:
        parse_labels(text)
    assert fragment in info.value.message + (info.value.hint or "")


@pytest.mark.parametrize("name", ["PER;ORG", "a,b"])
def test_a_label_name_holding_a_separator_is_refused_everywhere(name) -> None:
    with pytest.raises(ValueError, match="must not contain"):
        Label(name=name)


def test_a_half_given_goal_takes_the_other_half_from_the_task() -> None:
    assert goal_from(None, None, "classification") is None
    assert goal_from(None, 0.8, "classification") == Goal(metric="macro_f1", target=0.8)
    assert goal_from("accuracy", None, "classification") == Goal(metric="accuracy", target=0.9)
    assert goal_from(None, None, "regression") is None
    assert goal_from("mae", 0.3, "regression") == Goal(metric="mae", target=0.3)
    assert goal_from(None, 0.7, "regression") == Goal(metric="r2", target=0.7)
