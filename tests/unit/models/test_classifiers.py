"""Baseline classifiers: the scikit-learn contract and a pickle-free state round trip."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

from tests.conftest import shared_data
from textloop.models.classifiers import EmbedLogReg, TfidfLogReg, make_model, model_names

TEXTS = ["win a free prize now", "free cash claim now", "urgent prize winner call",
         "see you at lunch", "call me when you are home", "dinner at seven tonight"] * 5
LABELS = ["spam", "spam", "spam", "ham", "ham", "ham"] * 5


def test_tfidf_fit_predict_and_probabilities() -> None:
    model = TfidfLogReg().fit(TEXTS, LABELS)
    assert set(model.classes_) == {"spam", "ham"}
    proba = model.predict_proba(["claim your free prize", "lunch at home tonight"])
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    predicted = model.predict(["claim your free prize", "lunch at home tonight"])
    assert list(predicted) == ["spam", "ham"]


def test_estimator_convention_allows_clone_and_cross_validation() -> None:
    model = TfidfLogReg(C=3.0, ngram_max=1)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "head_")
    scores = cross_val_score(model, np.array(TEXTS, dtype=object), np.array(LABELS), cv=3)
    assert scores.mean() > 0.9


def test_predict_before_fit_is_an_error() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        TfidfLogReg().predict_proba(["x"])


def test_tfidf_state_round_trip_gives_identical_probabilities() -> None:
    model = TfidfLogReg().fit(TEXTS, LABELS)
    arrays, extra = model.export_state()
    assert all(isinstance(a, np.ndarray) and a.dtype != object for a in arrays.values())
    json.dumps(extra)  # JSON-serializable, no pickle needed
    rebuilt = TfidfLogReg.from_state(model.get_params(), arrays, extra, list(model.classes_))
    probe = ["free prize", "home for dinner", "unseen words entirely"]
    np.testing.assert_allclose(rebuilt.predict_proba(probe), model.predict_proba(probe))


def test_embed_lr_accepts_precomputed_embeddings_and_round_trips() -> None:
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1, 0.3, (20, 8)), rng.normal(-1, 0.3, (20, 8))]).astype(np.float32)
    y = ["a"] * 20 + ["b"] * 20
    model = EmbedLogReg().fit(x, y)
    assert (model.predict(x) == np.array(y)).mean() == 1.0
    arrays, extra = model.export_state()
    rebuilt = EmbedLogReg.from_state(model.get_params(), arrays, extra, list(model.classes_))
    np.testing.assert_allclose(rebuilt.predict_proba(x), model.predict_proba(x))


def test_multiclass_state_round_trip() -> None:
    texts = TEXTS + ["the match ended two nil", "goal in extra time"] * 5
    labels = LABELS + ["sport", "sport"] * 5
    model = TfidfLogReg().fit(texts, labels)
    rebuilt = TfidfLogReg.from_state(model.get_params(), *model.export_state(),
                                     list(model.classes_))
    np.testing.assert_allclose(rebuilt.predict_proba(texts), model.predict_proba(texts))


def test_registry_names_and_bad_params() -> None:
    assert {"tfidf-lr", "embed-lr"} <= set(model_names())
    full, model = make_model("tfidf-lr", {"C": 2.0})
    assert full == "textloop.model.tfidf-lr.v1" and model.C == 2.0
    from textloop.errors import InvalidInputError

    with pytest.raises(InvalidInputError) as info:
        make_model("tfidf-lr", {"gamma": 1})
    assert "ngram_max" in (info.value.hint or "")


@pytest.mark.integration
def test_tfidf_baseline_on_real_sms_spam() -> None:
    with gzip.open(shared_data("sms_spam.jsonl.gz"), "rt") as handle:
        rows = [json.loads(line) for line in handle]
    rng = np.random.default_rng(1)
    order = rng.permutation(len(rows))
    train = [rows[i] for i in order[:4000]]
    test = [rows[i] for i in order[4000:]]
    model = TfidfLogReg().fit([r["text"] for r in train], [r["label"] for r in train])
    accuracy = (model.predict([r["text"] for r in test]) == [r["label"] for r in test]).mean()
    assert accuracy > 0.95


def test_embed_lr_refuses_a_head_trained_on_other_vectors() -> None:
    from textloop.errors import IntegrityError

    x = np.eye(4, dtype=np.float32).repeat(5, axis=0)
    model = EmbedLogReg().fit(x, ["a", "b", "a", "b"] * 5)
    arrays, extra = model.export_state()
    assert extra["embedder_id"].startswith("all-MiniLM-L6-v2/")
    stale = {**extra, "embedder_id": "all-MiniLM-L6-v2/int8"}  # an earlier vector space
    with pytest.raises(IntegrityError, match="retrain"):
        EmbedLogReg.from_state(model.get_params(), arrays, stale, list(model.classes_))
