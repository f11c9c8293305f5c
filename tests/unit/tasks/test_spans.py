"""The span task: values checked against the record's own text, label-mix strata, span
tallies, and the verbs it does not do yet refused up front."""

from __future__ import annotations

import json

import pytest

from textloop.config import ProjectSpec
from textloop.errors import ConfigError
from textloop.tasks import SPANS, ValueProblem

SPEC = ProjectSpec(name="ner", task="spans", labels=[{"name": "PER"}, {"name": "ORG"}])
NESTED = ProjectSpec(name="ner", task="spans", labels=[{"name": "PER"}, {"name": "ORG"}],
                     spans={"overlapping": True})
TEXT = "김철수는 삼성전자에 다닌다 😀 Ana"


def spans(*items: tuple[int, int, str]) -> str:
    return json.dumps([{"start": s, "end": e, "label": label} for s, e, label in items])


def test_a_value_is_checked_against_the_record_text_and_stored_canonically() -> None:
    stored = SPANS.check_value(spans((5, 9, "ORG"), (0, 3, "PER")), SPEC, TEXT)
    assert stored == '[{"start":0,"end":3,"label":"PER"},{"start":5,"end":9,"label":"ORG"}]'
    assert TEXT[17:20] == "Ana" and SPANS.check_value(spans((17, 20, "PER")), SPEC, TEXT)


@pytest.mark.parametrize(("value", "message"), [
    (spans((0, 40, "PER")), "outside the text"),
    (spans((0, 3, "LOC")), "'LOC' is not in textloop.yaml"),
    (spans((0, 3, "PER"), (1, 4, "ORG")), "overlap"),
    ("not json", "not JSON"),
])
def test_bad_values_name_the_problem_and_the_fix(value: str, message: str) -> None:
    with pytest.raises(ValueProblem, match=message) as caught:
        SPANS.check_value(value, SPEC, TEXT)
    assert caught.value.fix


def test_overlapping_spans_are_kept_when_the_spec_allows_them() -> None:
    value = spans((0, 3, "PER"), (0, 9, "ORG"))
    assert len(json.loads(SPANS.check_value(value, NESTED, TEXT))) == 2


def test_strata_are_label_mixes_and_tallies_count_spans() -> None:
    values = [spans((0, 3, "PER")), spans(), spans((0, 3, "PER"), (5, 9, "ORG")),
              spans((0, 3, "PER"))]
    strata, n = SPANS.strata(values, SPEC.label_names)
    assert n == 3 and strata[0] == strata[3] != strata[1] != strata[2]
    tally = SPANS.tally(values, SPEC.label_names)
    assert tally == {"PER": 3, "ORG": 1}
    assert SPANS.describe_values(tally) == "4 spans: PER 3, ORG 1"


def test_verbs_without_span_support_refuse_naming_what_works() -> None:
    with pytest.raises(ConfigError, match="ner is a spans project") as caught:
        SPANS.require("cv", "ner")
    assert caught.value.hint == ("spans projects support import, label, suggest, agreement, "
                                 "rules, release, train, evaluate, predict, register and "
                                 "promote")
    SPANS.require("predict", "ner")  # a file's rows, with their spans
    SPANS.require("release", "ner")
    SPANS.require("label", "ner")  # the span editor on the labeling page
    SPANS.require("train", "ner")
    SPANS.require("evaluate", "ner")
    SPANS.require("serve", "ner")  # POST /v1/extract
    assert SPANS.serving_route == "/v1/extract"


def test_monitoring_runs_the_registered_span_and_input_checks_and_realized_f1(
        scratch_registry) -> None:
    SPANS.require("monitor", "ner")
    checks = SPANS.monitoring_checks
    assert checks[-1] == "entity_f1"
    assert {"span_rate", "span_presence", "span_length", "span_confidence",
            "new_span_strings", "text_stats", "oov", "domain_classifier", "mmd"} <= set(checks)
    # labels, bands and class probabilities are not what a span model gives
    assert not {"label_psi", "band_psi", "confidence", "performance"} & set(checks)
    scratch_registry.register("textloop.drift.span-gap.v1", reads="spans")(object)
    assert "span_gap" in SPANS.monitoring_checks  # derived from the registry


def test_a_span_spec_defaults_to_a_span_goal_and_checks_span_rule_labels() -> None:
    assert SPEC.goal.metric == "entity_micro_f1"
    # the names span goals had before span runs existed still load, as what they meant
    old = {"span_f1": "entity_micro_f1", "span_recall": "entity_micro_recall",
           "span_precision": "entity_micro_precision", "partial_f1": "partial_micro_f1"}
    for name, meant in old.items():
        spec = ProjectSpec(name="ner", task="spans", labels=[{"name": "PER"}],
                           goal={"metric": name, "target": 0.5})
        assert spec.goal.metric == meant
    with pytest.raises(ValueError, match=r"spans\.targets names unknown labels: PHONE"):
        ProjectSpec(name="ner", task="spans", labels=[{"name": "PER"}],
                    spans={"targets": {"PHONE": {"recall": 0.95}}})
    with pytest.raises(ValueError, match=r"span_rules\.0\.label"):
        ProjectSpec(name="ner", task="spans", labels=[{"name": "PER"}],
                    span_rules=[{"name": "phone", "label": "PHONE", "regex": r"\d+"}])
    with pytest.raises(ValueError, match="does not fit a spans task"):
        ProjectSpec(name="ner", task="spans", labels=[{"name": "PER"}],
                    goal={"metric": "macro_f1", "target": 0.9})
