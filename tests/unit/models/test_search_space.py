"""Every model's declared search space names real parameters with sane ranges."""

from __future__ import annotations

import pytest

from textloop.models.classifiers import make_model, model_names
from textloop.models.search_space import Choice, FloatRange, IntRange, space_json, space_of
from textloop.models.tags import model_tags

RULES_ONLY = "span-rules"
LEARNED = [n for n in model_names() if n != RULES_ONLY]


def test_a_rules_model_has_nothing_to_search() -> None:
    """span-rules predicts with the project's rules as given: no hyper-parameter to tune. A
    learned model that also reads the rules (minilm-crf's ``use_rules``) still has its own
    to search (the parametrized test below)."""
    assert model_tags(make_model(RULES_ONLY)[1]).uses_span_rules
    assert space_of(make_model(RULES_ONLY)[1]) == {}
    assert "minilm-crf" in LEARNED and model_tags(make_model("minilm-crf")[1]).uses_span_rules


@pytest.mark.parametrize("name", LEARNED)
def test_space_names_constructor_parameters_with_ordered_ranges(name: str) -> None:
    estimator = make_model(name)[1]
    space = space_of(estimator)
    assert space, f"{name} declares no search space"
    assert set(space) <= set(estimator.get_params())
    for spec in space.values():
        if isinstance(spec, FloatRange | IntRange):
            assert spec.low < spec.high and (not spec.log or spec.low > 0)
        else:
            assert isinstance(spec, Choice) and len(spec.options) >= 2


def test_space_json_is_plain_data() -> None:
    space = {"C": FloatRange(0.1, 10.0, log=True), "w": Choice((None, "balanced"))}
    assert space_json(space) == {
        "C": {"type": "FloatRange", "low": 0.1, "high": 10.0, "log": True},
        "w": {"type": "Choice", "options": (None, "balanced")}}
