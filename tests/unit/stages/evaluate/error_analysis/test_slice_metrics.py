"""Per-slice metrics: the numbers scikit-learn gives on each slice's rows, and the flags."""

from __future__ import annotations

import pytest
from sklearn.metrics import accuracy_score, f1_score

from tests.unit.stages.evaluate.error_analysis.helpers import split_of
from textloop.config import CLASSIFICATION_METRICS, Slice
from textloop.stages.evaluate.error_analysis.slice_metrics import slice_metrics

LABELS = ["billing", "delivery", "other"]
Y_TRUE = ["billing", "billing", "delivery", "other", "delivery", "billing", "other", "other",
          "delivery", "billing"]
PREDICTED = ["billing", "delivery", "delivery", "other", "billing", "billing", "delivery",
             "other", "delivery", "other"]
CHANNEL = ["email", "email", "email", "email", "email", "email", "sms", "sms", "sms", "chat"]


def test_each_slice_matches_sklearn_on_its_rows_and_is_flagged_when_small() -> None:
    split = split_of(Y_TRUE, PREDICTED, LABELS, [{"channel": c} for c in CHANNEL])
    found = slice_metrics([Slice(name="channel", field="channel", min_rows=3)], split)
    assert list(found) == ["channel=email", "channel=sms", "channel=chat"]
    for key, value in (("channel=email", "email"), ("channel=sms", "sms")):
        rows = [i for i, c in enumerate(CHANNEL) if c == value]
        truth, guess = [Y_TRUE[i] for i in rows], [PREDICTED[i] for i in rows]
        assert found[key]["n"] == len(rows)
        assert found[key]["accuracy"] == pytest.approx(accuracy_score(truth, guess))
        assert found[key]["macro_f1"] == pytest.approx(f1_score(truth, guess, average="macro"))
        assert found[key]["too_small"] is False
    assert found["channel=chat"]["n"] == 1 and found["channel=chat"]["too_small"] is True
    assert found["channel=chat"]["accuracy"] == 0.0
    assert found["channel=email"]["accuracy"] == pytest.approx(4 / 6)
    assert set(CLASSIFICATION_METRICS) <= set(found["channel=email"])
    assert (found["channel=sms"]["slice"], found["channel=sms"]["kind"],
            found["channel=sms"]["value"]) == ("channel", "field", "sms")


def test_an_empty_slice_is_reported_with_no_metrics() -> None:
    split = split_of(Y_TRUE, PREDICTED, LABELS, [{"channel": c} for c in CHANNEL])
    found = slice_metrics([Slice(name="channel", field="channel", values=["fax"])], split)
    assert found["channel=fax"]["n"] == 0 and found["channel=fax"]["macro_f1"] is None
    assert found["channel=fax"]["too_small"] is True
    assert found["channel=other"]["n"] == len(Y_TRUE)
