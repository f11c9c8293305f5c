"""Bundles rebuild the exact model, and refuse unknown formats or models."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import IntegrityError
from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.classifiers import TfidfLogReg
from textloop.types import BundleContents

TEXTS = ["free prize now", "claim free cash", "lunch at noon", "see you at home"] * 4
LABELS = ["spam", "spam", "ham", "ham"] * 4


def fitted() -> TfidfLogReg:
    return TfidfLogReg().fit(TEXTS, LABELS)


def test_bundle_meta_records_model_labels_and_context() -> None:
    contents = to_bundle(fitted(), "textloop.model.tfidf-lr.v1", {"release_id": "v3"})
    meta = contents.meta
    assert meta["model"] == "textloop.model.tfidf-lr.v1"
    assert meta["labels"] == ["ham", "spam"]
    assert meta["release_id"] == "v3" and meta["format_version"] == 1


def test_round_trip() -> None:
    model = fitted()
    rebuilt = from_bundle(to_bundle(model, "textloop.model.tfidf-lr.v1", {}), "here")
    np.testing.assert_allclose(rebuilt.predict_proba(TEXTS), model.predict_proba(TEXTS))


@pytest.mark.parametrize(("key", "value", "message"), [
    ("format", "pickle", "not a textloop model bundle"),
    ("format_version", 99, "format version 99"),
    ("model", "textloop.model.evil.v1", "unknown model"),
])
def test_refuses_unknown_bundles(key: str, value: object, message: str) -> None:
    contents = to_bundle(fitted(), "textloop.model.tfidf-lr.v1", {})
    contents.meta[key] = value
    with pytest.raises(IntegrityError, match=message):
        from_bundle(contents, "here")


def test_incomplete_bundle_is_refused() -> None:
    contents = to_bundle(fitted(), "textloop.model.tfidf-lr.v1", {})
    arrays = {k: v for k, v in contents.arrays.items() if k != "coef"}
    with pytest.raises(IntegrityError, match="incomplete"):
        from_bundle(BundleContents(arrays, contents.meta), "here")
