"""The estimator contract, checked on every registered model (scikit-learn
``parametrize_with_checks`` style).

Every name in ``REGISTRY.names("model")`` is fitted on a small in-test corpus and must:
fit and predict with the right shapes and dtypes; give probabilities whose rows sum to 1 in
``classes_`` order (classifiers) or no ``predict_proba`` at all (regressors); ``clone()`` to
an unfitted estimator with equal parameters; survive a bundle written to disk and read back
with identical predictions; predict a text the same alone as within a batch (a served request
is a batch of one); and fit to the same model twice with the same seed. A model registered
later is checked without touching this file; ``FAST`` only shrinks its settings. Span models
(``task="spans"``) take and give spans instead (``models.span_model``) and answer to
``test_span_models.py``.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.classifiers import make_model, model_names
from textloop.models.embedders import embedder_names, get_embedder
from textloop.models.tags import ModelTags, model_tags
from textloop.registry import REGISTRY
from textloop.storage.bundles import load_bundle, save_bundle

FAST: dict[str, dict[str, Any]] = {
    "embed-mlp": {"hidden_units": 16, "epochs": 5},
    "embed-mlp-regressor": {"hidden_units": 16, "epochs": 5},
    "lora": {"epochs": 1, "r": 4, "max_seq_len": 32, "batch_size": 8},
    "setfit": {"max_pairs": 32, "max_seq_len": 32},
}
"""Settings that keep a model's fit within seconds; the contract holds for any settings."""

SPAM = [
    "WINNER! You have won a 1000 pound prize, call 09061701461 now to claim",
    "Free entry in a weekly competition to win cup final tickets, text FA to 87121",
    "URGENT! Your mobile number has been awarded a 2000 bonus, call 09066362231",
    "Congratulations, you won a free holiday to the Canary Islands, reply YES",
    "You have been selected for a cash prize of 500, text CLAIM to 81010 today",
    "Claim your free ringtone now, reply TONE to 85023, 1.50 per message",
    "Final notice: your prize voucher expires tonight, call 0871 277 8090",
    "Get a free camera phone upgrade, call the mobile update line free today",
    "Double your minutes for free this month, text YES to 80082 to claim",
    "Exclusive offer: win a brand new car, send WIN to 88600 now",
    "Your account won a lottery draw, send your bank details to claim the cash",
    "Hot singles in your area want to chat, text DATE to 69888 now",
]
HAM = [
    "Are we still meeting for lunch at noon tomorrow?",
    "I'll be home late tonight, don't wait up for dinner",
    "Can you pick up some milk and bread on the way back",
    "Thanks for the birthday wishes, had a lovely day with the family",
    "The meeting moved to 3pm, see you in the small room",
    "Did you finish the report for Monday? I can help with the charts",
    "Mum says hi and asks when you are visiting next",
    "Sorry I missed your call, I was driving. Call you back soon",
    "Let's watch the match at my place on Saturday evening",
    "Running ten minutes late, the bus is stuck in traffic",
    "Happy new year! Hope you and the kids are well",
    "Don't forget to bring the book you borrowed last week",
]
UNSEEN = ["Call now to claim your free prize", "See you at the station at six",
          "Text WIN to 80000 for a chance at cash", "What time does the film start?"]


def _task(name: str) -> str:
    return model_tags(REGISTRY.resolve("model", name)[1]).task


def _runs_minilm(cls: type) -> bool:
    """Whether the model embeds texts with MiniLM (its own vectors, or a tuned copy)."""
    tags = model_tags(cls)
    return tags.needs_embeddings or tags.fine_tunes


def _marks(name: str) -> list[pytest.MarkDecorator]:
    cls = REGISTRY.resolve("model", name)[1]
    marks = []
    if _runs_minilm(cls):
        marks.append(pytest.mark.model)  # MiniLM from the user cache
    if model_tags(cls).fine_tunes:
        marks.append(pytest.mark.slow)  # torch fine-tuning (textloop[train])
    return marks


MODELS = [pytest.param(name, id=name, marks=_marks(name)) for name in model_names()
          if _task(name) != "spans"]
"""Models of texts; span models take and give spans (``models.span_model``,
``test_span_models.py``)."""


def _corpus(task: str) -> tuple[list[str], list[Any]]:
    """Spam and ham interleaved; a regression target is a spam score in [0, 5]."""
    texts = [t for pair in zip(SPAM, HAM, strict=True) for t in pair]
    if task == "regression":
        return texts, [4.0 + 0.1 * (i % 5) if i % 2 == 0 else 0.5 + 0.1 * (i % 3)
                       for i in range(len(texts))]
    return texts, ["spam" if i % 2 == 0 else "ham" for i in range(len(texts))]


def _fitted(name: str) -> tuple[Any, str, str]:
    full, model = make_model(name, FAST.get(name))
    texts, y = _corpus(_task(name))
    if "seed" in model.get_params():
        model.set_params(seed=3)
    returned = model.fit(texts, y)
    assert returned is model, f"{name}: fit must return self"
    return model, full, _task(name)


@pytest.fixture(scope="module")
def fitted(request: pytest.FixtureRequest) -> tuple[Any, str, str]:
    """(fitted model, full registry name, task), fitted once per model for the module."""
    return _fitted(request.param)


def _outputs(model: Any, texts: list[str], task: str) -> list[np.ndarray]:
    if task == "regression":
        return [model.predict(texts)]
    return [model.predict(texts), model.predict_proba(texts)]


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_predict_shapes_and_dtypes(fitted) -> None:
    model, _, task = fitted
    predicted = model.predict(UNSEEN)
    assert predicted.shape == (len(UNSEEN),)
    if task == "regression":
        assert predicted.dtype == np.float64
        assert np.all(np.isfinite(predicted))
        assert len(model.classes_) == 0
        assert not hasattr(model, "predict_proba"), "a regressor has no predict_proba"
    else:
        assert set(predicted) <= set(model.classes_)
        assert all(isinstance(label, str) for label in predicted)


@pytest.mark.parametrize("fitted", [m for m in MODELS if _task(m.values[0]) != "regression"],
                         indirect=True)
def test_probabilities_sum_to_one_in_classes_order(fitted) -> None:
    model, _, _ = fitted
    assert list(model.classes_) == ["ham", "spam"]  # sorted, as scikit-learn orders them
    proba = model.predict_proba(UNSEEN)
    assert proba.shape == (len(UNSEEN), 2)
    assert proba.dtype == np.float64
    assert np.all((proba >= 0.0) & (proba <= 1.0))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    np.testing.assert_array_equal(model.predict(UNSEEN),
                                  model.classes_[np.argmax(proba, axis=1)])
    spam, ham = model.predict_proba([SPAM[0], HAM[0]])[:, 1]
    assert spam > ham, "column 1 must be P(spam): columns follow classes_"


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_tags_match_what_the_model_does(fitted) -> None:
    """The declared tags are what stages act on, so each must be true of the model."""
    model, _, _ = fitted
    tags = model_tags(model)
    assert isinstance(tags, ModelTags) and tags == model_tags(clone(model))
    if tags.task == "regression":
        assert is_regressor(model) and not hasattr(model, "predict_proba")
        assert model.predict(UNSEEN).dtype == np.float64
    else:
        assert tags.task == "classification"
        assert is_classifier(model) and hasattr(model, "predict_proba")
    params = model.get_params()
    if tags.needs_embeddings:
        assert tags.embedder == params["embedder"] and tags.embedder in embedder_names()
        vectors = get_embedder(tags.embedder).embed(UNSEEN)  # what stages pass from the cache
        np.testing.assert_allclose(model.predict(vectors) if tags.task == "regression"
                                   else model.predict_proba(vectors),
                                   _outputs(model, UNSEEN, tags.task)[-1], atol=1e-6)
    else:
        assert tags.embedder is None and "embedder" not in params
    fit = inspect.signature(model.fit).parameters
    assert tags.iterative == ({"validation", "on_epoch"} <= set(fit))
    assert tags.reports_progress == ("progress" in fit)
    if tags.own_epochs:
        assert tags.iterative and "epochs" in params
    if tags.follows_language:
        assert set(model.language_params("ko")) <= set(params)
    assert tags.fine_tunes == hasattr(model, "tuned_attribute")


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_clone_is_unfitted_with_equal_params(fitted) -> None:
    model, _, _ = fitted
    copy = clone(model)
    assert type(copy) is type(model)
    assert copy.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    with pytest.raises(NotFittedError):
        copy.predict(UNSEEN)


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_bundle_round_trip_predicts_identically(fitted, tmp_path: Path) -> None:
    model, full, task = fitted
    save_bundle(tmp_path / "bundle", to_bundle(model, full, {"release_id": "v1"}))
    restored = from_bundle(load_bundle(tmp_path / "bundle"), "bundle")
    assert type(restored) is type(model)
    assert restored.get_params() == model.get_params()
    assert list(restored.classes_) == list(model.classes_)
    for before, after in zip(_outputs(model, UNSEEN, task), _outputs(restored, UNSEEN, task),
                             strict=True):
        np.testing.assert_array_equal(after, before)


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_a_text_predicts_the_same_alone_as_in_a_batch(fitted) -> None:
    model, _, task = fitted
    batch = [*UNSEEN, *HAM[:4], "ok"]
    # Heads compute in float64, so numbers agree to its rounding; a float32 head rounds
    # differently with the batch's shape (about 1e-7). ONNX Runtime's MiniLM vectors of a
    # text alone and padded in a batch differ by float32 rounding (about 1e-8 a component).
    tolerance = 1e-6 if _runs_minilm(type(model)) else 1e-12
    together = _outputs(model, batch, task)
    for index, text in enumerate(batch):
        alone = _outputs(model, [text], task)
        if task != "regression":
            np.testing.assert_array_equal(alone[0], together[0][index:index + 1])
        for a, b in zip(alone[task != "regression":], together[task != "regression":],
                        strict=True):
            np.testing.assert_allclose(a[0], b[index], rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_same_seed_same_model(fitted) -> None:
    model, _, task = fitted
    again, _, _ = _fitted(model_name(model))
    for first, second in zip(_outputs(model, UNSEEN, task), _outputs(again, UNSEEN, task),
                             strict=True):
        np.testing.assert_array_equal(second, first)


def model_name(model: Any) -> str:
    """The short registered name of a model instance."""
    return next(name for name in model_names()
                if type(model) is REGISTRY.resolve("model", name)[1])
