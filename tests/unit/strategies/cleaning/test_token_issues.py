"""Token classes for cleanlab: tag marginals collapsed into types, given classes from spans,
and the token issues and worst-token sentence quality cleanlab returns."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.matching import word_tokens
from textloop.strategies.cleaning.token_issues import (
    find_token_issues,
    given_classes,
    type_classes,
    type_probabilities,
)


def test_tag_marginals_add_up_into_their_types() -> None:
    tags = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    marginals = np.array([[0.1, 0.5, 0.2, 0.1, 0.1],
                          [0.7, 0.0, 0.0, 0.1, 0.2]])
    proba = type_probabilities(marginals, tags, ["PER", "LOC", "ORG"])
    assert type_classes(["PER", "LOC", "ORG"]) == ["O", "PER", "LOC", "ORG"]
    np.testing.assert_allclose(proba, [[0.1, 0.7, 0.2, 0.0], [0.7, 0.0, 0.3, 0.0]])
    bilou = ["O", "B-X", "I-X", "L-X", "U-X"]
    np.testing.assert_allclose(type_probabilities(np.array([[0.2, 0.1, 0.1, 0.3, 0.3]]),
                                                  bilou, ["X"]), [[0.2, 0.8]])
    with pytest.raises(InvalidInputError, match="'B-ORG' has a type outside"):
        type_probabilities(np.ones((1, 2)) / 2, ["O", "B-ORG"], ["PER"])


def test_given_classes_read_the_spans_over_word_tokens() -> None:
    text = "Ana met Bo Li in Rome"
    tokens = word_tokens(text)
    spans = [Span(0, 3, "PER"), Span(8, 13, "PER"), Span(17, 21, "LOC")]
    assert given_classes(tokens, spans, ["PER", "LOC"]).tolist() == [1, 0, 1, 1, 0, 2]


def test_a_token_given_against_the_model_is_flagged_and_ranks_its_sentence() -> None:
    rng = np.random.default_rng(0)
    given, proba = [], []
    for _ in range(50):
        labels = rng.integers(0, 3, 6)
        rows = np.full((6, 3), 0.05)
        rows[np.arange(6), labels] = 0.9
        given.append(labels)
        proba.append(rows)
    given[7] = given[7].copy()
    given[7][2] = (proba[7][2].argmax() + 1) % 3  # a token given what the model rules out
    given.append(np.zeros(0, dtype=np.int64))  # a text without tokens
    proba.append(np.zeros((0, 3)))
    found = find_token_issues(given, proba)
    assert found.flagged_sentences.nonzero()[0].tolist() == [7]
    assert found.flagged[7].tolist() == [False, False, True, False, False, False]
    assert found.token_quality[7][2] == pytest.approx(0.05)
    assert found.sentence_quality[7] == pytest.approx(found.token_quality[7].min())
    assert found.sentence_quality[-1] == 1.0 and not found.flagged[-1].size
    assert np.argsort(found.sentence_quality)[0] == 7
    with pytest.raises(InvalidInputError, match="2 label rows for 1 probability rows"):
        find_token_issues(given[:2], proba[:1])
