"""The ``actions:`` section: bands, score labels, band targets and the positive class."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.config.specs import VALID, write
from textloop.config import Actions, load_spec, positive_label
from textloop.errors import ConfigError


def test_filter_bands_score_the_flagged_labels() -> None:
    actions = Actions.for_filter(["spam"])
    assert actions.score_of({"spam": 0.93, "ham": 0.07}) == pytest.approx(0.93)
    assert actions.band_for(0.93) == "block"
    assert actions.band_for(0.6) == "review"
    # a confident "ham" must not be blocked: the score is P(spam), not the top probability
    assert actions.band_for(actions.score_of({"spam": 0.02, "ham": 0.98})) == "allow"


def test_the_score_label_is_the_positive_class_in_any_label_order() -> None:
    assert positive_label(["spam", "ham"], ["spam"]) == "spam"
    assert Actions.for_filter(["spam"]).positive_label(["ham", "spam"]) == "spam"
    assert positive_label(["spam", "ham", "promo"], ["spam"]) == "spam"
    # without score labels: the second of two labels, none for more
    assert Actions().positive_label(["ham", "spam"]) == "spam"
    assert positive_label(["a", "b", "c"]) is None
    # several score labels have no single positive class
    assert positive_label(["spam", "phish", "ham"], ["spam", "phish"]) is None


def test_bands_reject_non_probabilities() -> None:
    with pytest.raises(ValueError, match="probability"):
        Actions(bands={"block": 1.5})


def test_band_targets_load_and_must_name_declared_bands(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, VALID + "actions: {bands: {block: 0.9, review: 0.5}, "
                           "targets: {block: {precision: 0.95}, review: {recall: 0.98}}}\n"))
    assert spec.actions.targets["block"].precision == 0.95
    assert spec.actions.targets["review"].recall == 0.98
    with pytest.raises(ConfigError, match="not under bands: blok"):
        load_spec(write(tmp_path, VALID + "actions: {bands: {block: 0.9}, "
                        "targets: {blok: {precision: 0.95}}}\n"))
    with pytest.raises(ConfigError, match="exactly one of precision, recall"):
        load_spec(write(tmp_path, VALID + "actions: {bands: {block: 0.9}, "
                        "targets: {block: {precision: 0.9, recall: 0.9}}}\n"))
