"""The span-rules model: rules as a span model, scored by the share of a label's rules,
saved as JSON and rebuilt identically, refusing to run without rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from textloop.errors import ConfigError
from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.classifiers import make_model
from textloop.models.span_model import SpanModel
from textloop.models.tags import model_tags
from textloop.spans import Span
from textloop.storage.bundles import load_bundle, save_bundle

RULES = [
    {"name": "people", "label": "PER", "phrases": ["Ada Lovelace", "김연아"]},
    {"name": "titled", "label": "PER", "regex": r"(?:Dr|Ms)\.\s+(?P<name>[A-Z]\w+)",
     "group": "name"},
    {"name": "phones", "label": "PHONE", "regex": r"(?<!\d)01[016789]-?\d{3,4}-?\d{4}(?!\d)"},
]
TEXTS = ["Ada Lovelace met Dr. Babbage", "김연아 010-1234-5678 연락", "nothing here", "",
         "Ms. Ada Lovelace"]


def fitted() -> SpanModel:
    full, model = make_model("span-rules", {"rules": RULES, "labels": ["PER", "PHONE"]})
    assert full == "textloop.model.span-rules.v1"
    return model.fit(TEXTS, [[] for _ in TEXTS])


def test_predicts_the_rules_majority_with_the_share_of_the_labels_rules_as_score() -> None:
    model = fitted()
    assert model_tags(model).task == "spans"
    assert isinstance(model, SpanModel)
    assert list(model.classes_) == ["PER", "PHONE"]
    scored = model.predict_scored(TEXTS)
    assert scored[0] == [(Span(0, 12, "PER"), 0.5), (Span(21, 28, "PER"), 0.5)]
    assert scored[1] == [(Span(0, 3, "PER"), 0.5), (Span(4, 17, "PHONE"), 1.0)]
    assert scored[2] == [] and scored[3] == []
    # both PER rules mark "Ada Lovelace" after "Ms.": both vote, so the span scores 1.0
    assert scored[4] == [(Span(4, 16, "PER"), 1.0)]
    assert model.predict(TEXTS) == [[s for s, _ in row] for row in scored]
    assert model.predict([TEXTS[1]]) == [model.predict(TEXTS)[1]]


def test_bundle_round_trip_predicts_identically_without_pickle(tmp_path: Path) -> None:
    model = fitted()
    sha = save_bundle(tmp_path / "b", to_bundle(model, "textloop.model.span-rules.v1", {}))
    contents = load_bundle(tmp_path / "b", sha)
    assert contents.meta["params"]["rules"] == RULES
    again = from_bundle(contents, "b")
    assert again.predict_scored(TEXTS) == model.predict_scored(TEXTS)


def test_clone_is_unfitted_and_no_rules_is_a_clear_error() -> None:
    with pytest.raises(NotFittedError):
        clone(fitted()).predict(["x"])
    with pytest.raises(ConfigError, match=r"add span_rules to textloop\.yaml"):
        make_model("span-rules")[1].fit(["x"], [[]])


def test_a_rule_of_an_unknown_label_is_refused_naming_it() -> None:
    model = make_model("span-rules", {"rules": RULES, "labels": ["PER"]})[1]
    with pytest.raises(ConfigError, match="'PHONE', which is not a span label"):
        model.fit([], [])
