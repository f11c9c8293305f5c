"""compute_metrics against hand-computed values and against scikit-learn on real data."""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    precision_recall_fscore_support,
    roc_auc_score,
)

from tests.conftest import shared_data
from textloop.errors import InvalidInputError
from textloop.measures.metrics import compute_metrics, top_confusions

BINARY_LABELS = ["ham", "spam"]
BINARY_TRUE = ["ham", "ham", "spam", "spam"]
BINARY_SPAM = [0.1, 0.6, 0.4, 0.9]

MULTI_LABELS = ["a", "b", "c"]
MULTI_TRUE = ["a", "a", "b", "b", "c", "c"]
MULTI_PROBA = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.8, 0.1],
               [0.3, 0.3, 0.4], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1]]


def binary_metrics() -> dict:
    spam = np.array(BINARY_SPAM)
    return compute_metrics(BINARY_TRUE, np.column_stack([1 - spam, spam]), BINARY_LABELS)


def multi_metrics() -> dict:
    return compute_metrics(MULTI_TRUE, np.array(MULTI_PROBA), MULTI_LABELS)


def test_binary_matches_hand_computed_values():
    m = binary_metrics()
    assert m["n"] == 4 and m["labels"] == BINARY_LABELS
    assert m["accuracy"] == pytest.approx(0.5)
    assert m["per_class"]["spam"] == pytest.approx(
        {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2,
         "roc_auc": 0.75, "pr_auc": 0.5 * 1 + 0.5 * 2 / 3})
    assert m["confusion_matrix"] == {"labels": BINARY_LABELS, "counts": [[1, 1], [1, 1]]}
    # headline AUCs are the positive (second) label's
    assert m["roc_auc"] == pytest.approx(0.75)
    assert m["pr_auc"] == pytest.approx(5 / 6)
    assert m["auc_method"] == {"average": "binary", "positive": "spam"}
    assert m["log_loss"] == pytest.approx(-(math.log(0.9) + math.log(0.4)) / 2)
    assert m["brier_score"] == pytest.approx((0.01 + 0.36 + 0.36 + 0.01) / 4)
    assert m["undefined"] == []


def test_multiclass_matches_hand_computed_values():
    m = multi_metrics()
    assert m["accuracy"] == pytest.approx(0.5)
    assert m["confusion_matrix"]["counts"] == [[1, 1, 0], [0, 1, 1], [1, 0, 1]]
    for key in ("macro_f1", "micro_f1", "weighted_f1", "macro_precision", "macro_recall"):
        assert m[key] == pytest.approx(0.5)
    per_class_auc = {"a": 5.5 / 8, "b": 6 / 8, "c": 5 / 8}
    per_class_ap = {"a": 0.5 + 0.5 * 0.4, "b": 0.5 + 0.5 * 0.5, "c": 0.5 + 0.5 / 3}
    for label in MULTI_LABELS:
        assert m["per_class"][label]["roc_auc"] == pytest.approx(per_class_auc[label])
        assert m["per_class"][label]["pr_auc"] == pytest.approx(per_class_ap[label])
    assert m["roc_auc"] == pytest.approx(np.mean(list(per_class_auc.values())))
    assert m["pr_auc"] == pytest.approx(np.mean(list(per_class_ap.values())))
    assert m["auc_method"] == {"average": "macro_ovr", "classes_averaged": 3, "classes_total": 3}
    p_true = [0.7, 0.2, 0.8, 0.3, 0.6, 0.1]
    assert m["log_loss"] == pytest.approx(-np.mean(np.log(p_true)))
    assert m["brier_score"] == pytest.approx((0.14 + 0.98 + 0.06 + 0.74 + 0.24 + 1.22) / 6)
    assert m["top_confusions"] == [{"true": "a", "predicted": "b", "count": 1},
                                   {"true": "b", "predicted": "c", "count": 1},
                                   {"true": "c", "predicted": "a", "count": 1}]


def test_ties_go_to_the_first_label():
    m = compute_metrics(["b", "a"], np.array([[0.5, 0.5], [0.5, 0.5]]), ["a", "b"])
    assert m["confusion_matrix"]["counts"] == [[1, 0], [1, 0]]


def test_the_score_label_is_the_positive_class_when_listed_first():
    spam = np.array(BINARY_SPAM)
    m = compute_metrics(BINARY_TRUE, np.column_stack([spam, 1 - spam]), ["spam", "ham"],
                        score_labels=["spam"])
    assert m["auc_method"] == {"average": "binary", "positive": "spam"}
    assert m["roc_auc"] == pytest.approx(0.75) and m["pr_auc"] == pytest.approx(5 / 6)


def test_a_single_score_label_is_the_positive_class_among_many():
    m = compute_metrics(MULTI_TRUE, np.array(MULTI_PROBA), MULTI_LABELS, score_labels=["b"])
    assert m["auc_method"] == {"average": "binary", "positive": "b"}
    assert m["roc_auc"] == pytest.approx(m["per_class"]["b"]["roc_auc"])


def test_a_class_absent_from_y_true_gets_no_auc_and_is_explained():
    proba = np.array([[0.6, 0.1, 0.3], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6], [0.8, 0.1, 0.1]])
    m = compute_metrics(["a", "b", "a", "b"], proba, MULTI_LABELS)
    assert m["per_class"]["c"]["roc_auc"] is None
    assert m["per_class"]["c"]["pr_auc"] is None
    reasons = {(u["metric"], u["label"]) for u in m["undefined"]}
    assert {("roc_auc", "c"), ("pr_auc", "c")} <= reasons
    assert all("c" in u["reason"] for u in m["undefined"])
    # c was predicted once (wrongly), so its precision is a real 0, not undefined
    assert m["per_class"]["c"]["precision"] == 0.0 and m["per_class"]["c"]["support"] == 0
    assert m["auc_method"]["classes_averaged"] == 2
    expected = np.mean([m["per_class"]["a"]["roc_auc"], m["per_class"]["b"]["roc_auc"]])
    assert m["roc_auc"] == pytest.approx(expected)
    json.dumps(m, allow_nan=False)


def test_a_class_never_seen_nor_predicted_has_no_f1_and_stays_out_of_macro():
    proba = np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1]])
    m = compute_metrics(["a", "b"], proba, MULTI_LABELS)
    assert m["per_class"]["c"]["f1"] is None
    assert ("f1", "c") in {(u["metric"], u["label"]) for u in m["undefined"]}
    assert m["macro_f1"] == pytest.approx(1.0)


def test_binary_without_positives_has_no_headline_auc():
    m = compute_metrics(["ham", "ham"], np.array([[0.9, 0.1], [0.4, 0.6]]), BINARY_LABELS)
    assert m["roc_auc"] is None and m["pr_auc"] is None
    assert {"metric": "roc_auc", "label": None,
            "reason": "positive class 'spam' has no AUC"} in m["undefined"]
    json.dumps(m, allow_nan=False)


def test_result_is_plain_json():
    for m in (binary_metrics(), multi_metrics()):
        again = json.loads(json.dumps(m, allow_nan=False))
        assert again == m


@pytest.mark.parametrize(("y_true", "proba", "fragment"), [
    (["a", "b"], np.zeros((2, 2)), "expected [n, 3]"),
    (["a"], np.full((2, 3), 1 / 3), "2 rows but y_true has 1"),
    ([], np.zeros((0, 3)), "empty"),
    (["a", "zebra"], np.full((2, 3), 1 / 3), "'zebra'"),
    (["a"], np.array([[np.nan, 0.5, 0.5]]), "NaN"),
    (["a"], np.array([[3.0, -1.0, 0.0]]), "expected 0..1"),
    (["a"], np.array([1 / 3, 1 / 3, 1 / 3]), "shape (3,)"),
])
def test_inconsistent_inputs_are_refused(y_true, proba, fragment):
    with pytest.raises(InvalidInputError) as caught:
        compute_metrics(y_true, proba, MULTI_LABELS)
    assert fragment in caught.value.message
    assert caught.value.hint


def test_duplicate_labels_are_refused():
    with pytest.raises(InvalidInputError, match="twice"):
        compute_metrics(["a"], np.array([[0.5, 0.5]]), ["a", "a"])


def test_top_confusions_are_sorted_and_capped():
    counts = np.array([[5, 2, 7], [1, 3, 0], [2, 9, 4]])
    top = top_confusions(counts, ["x", "y", "z"], limit=3)
    assert top == [{"true": "z", "predicted": "y", "count": 9},
                   {"true": "x", "predicted": "z", "count": 7},
                   {"true": "x", "predicted": "y", "count": 2}]


def _read_split(name: str, every: int = 1) -> dict[str, tuple[list[str], list[str]]]:
    """split -> (texts, labels), keeping every ``every``-th row so sorted files stay mixed."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    with gzip.open(shared_data(name), "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number % every == 0:
                row = json.loads(line)
                texts, labels = out.setdefault(row["split"], ([], []))
                texts.append(row["text"])
                labels.append(row["label"])
    return out


def _fitted_proba(train: tuple[list[str], list[str]], test: tuple[list[str], list[str]]):
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    model = LogisticRegression(max_iter=300)
    model.fit(vectorizer.fit_transform(train[0]), train[1])
    return model.predict_proba(vectorizer.transform(test[0])), [str(c) for c in model.classes_]


@pytest.mark.integration
def test_binary_agrees_with_scikit_learn_on_sms_spam():
    texts, labels = _read_split("sms_spam.jsonl.gz", every=2)["all"]
    proba, classes = _fitted_proba((texts[:2000], labels[:2000]), (texts[2000:], labels[2000:]))
    y_true = labels[2000:]
    m = compute_metrics(y_true, proba, classes)
    y_pred = [classes[i] for i in proba.argmax(axis=1)]
    positive = classes[1]
    assert m["accuracy"] == pytest.approx(np.mean(np.array(y_pred) == np.array(y_true)))
    _, _, macro_f1, _ = precision_recall_fscore_support(y_true, y_pred, average="macro",
                                                        zero_division=0)
    assert m["macro_f1"] == pytest.approx(macro_f1)
    is_pos = np.array(y_true) == positive
    assert m["roc_auc"] == pytest.approx(roc_auc_score(is_pos, proba[:, 1]))
    assert m["pr_auc"] == pytest.approx(average_precision_score(is_pos, proba[:, 1]))
    assert m["log_loss"] == pytest.approx(log_loss(y_true, proba, labels=classes))
    assert m["brier_score"] == pytest.approx(brier_score_loss(is_pos, proba[:, 1]))
    assert m["per_class"][positive]["support"] == int(is_pos.sum())
    json.dumps(m, allow_nan=False)


@pytest.mark.integration
@pytest.mark.slow
def test_multiclass_agrees_with_scikit_learn_on_banking77():
    splits = _read_split("banking77.jsonl.gz", every=2)
    proba, classes = _fitted_proba(splits["train"], splits["test"])
    y_true = splits["test"][1]
    m = compute_metrics(y_true, proba, classes)
    assert len(m["labels"]) == 77 and m["undefined"] == []
    assert m["roc_auc"] == pytest.approx(
        roc_auc_score(y_true, proba, multi_class="ovr", average="macro", labels=classes))
    assert m["log_loss"] == pytest.approx(log_loss(y_true, proba, labels=classes))
    assert m["brier_score"] == pytest.approx(
        brier_score_loss(y_true, proba, labels=classes, scale_by_half=False))
    _, _, weighted_f1, _ = precision_recall_fscore_support(
        y_true, [classes[i] for i in proba.argmax(axis=1)], average="weighted", zero_division=0)
    assert m["weighted_f1"] == pytest.approx(weighted_f1)
    assert len(m["top_confusions"]) == 20
    assert m["top_confusions"][0]["count"] >= m["top_confusions"][-1]["count"]
    json.dumps(m, allow_nan=False)
