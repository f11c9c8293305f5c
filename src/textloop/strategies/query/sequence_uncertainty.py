"""Uncertainty of a span model's answer for a text, one score per pool text (higher = less sure).

A span model tags word tokens; what it is unsure about is a whole tag sequence. The measures
follow Settles & Craven 2008 and Shen et al. 2017 ("Deep Active Learning for Named Entity
Recognition"):

- least confidence: 1 − P(best sequence). Long texts always have a less probable best
  sequence (more tokens to get wrong), so this favours long sentences;
- MNLP, maximum normalized log-probability: −log P(best sequence) / tokens. Dividing by the
  length removes that bias; Shen et al. reached near full-data F1 on OntoNotes with about a
  quarter of the labels with it;
- token entropy, mean or max over the tokens of the entropy of each token's tag
  probabilities: the mean, like MNLP, is per token; the max looks for the one token the model
  hesitates most on (one unsure mention in an otherwise easy sentence).

A text without tokens scores 0 under every measure: there is nothing to tag in it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textloop.strategies.query.base import QueryContext, TaggedSequence
from textloop.strategies.query.ranking import batch_size, require_tagged, top_k
from textloop.strategies.query.uncertainty import entropy


def sequence_least_confidence(tagged: Sequence[TaggedSequence]) -> np.ndarray:
    """1 − P(best tag sequence), per text."""
    return np.array([-np.expm1(t.log_prob) for t in tagged], dtype=np.float64)


def normalized_log_probability(tagged: Sequence[TaggedSequence]) -> np.ndarray:
    """−log P(best tag sequence) / tokens, per text (0 without tokens): MNLP's uncertainty."""
    return np.array([-t.log_prob / len(t.marginals) if len(t.marginals) else 0.0
                     for t in tagged], dtype=np.float64)


def token_entropies(tagged: TaggedSequence) -> np.ndarray:
    """The entropy (nats) of each token's tag probabilities."""
    marginals = np.asarray(tagged.marginals, dtype=np.float64)
    return entropy(marginals) if marginals.size else np.zeros(0)


def mean_token_entropy(tagged: Sequence[TaggedSequence]) -> np.ndarray:
    return np.array([float(e.mean()) if e.size else 0.0
                     for e in map(token_entropies, tagged)], dtype=np.float64)


def max_token_entropy(tagged: Sequence[TaggedSequence]) -> np.ndarray:
    return np.array([float(e.max()) if e.size else 0.0
                     for e in map(token_entropies, tagged)], dtype=np.float64)


class SequenceUncertaintySampling:
    """Shared ``select`` for span strategies that rank the pool by one sequence score.

    Ties (texts the model is equally sure of, e.g. several texts without tokens) go to the
    lower pool index, as for every strategy (``ranking.top_k``).
    """

    needs_model = True
    name = "sequence-uncertainty"

    def uncertainty(self, tagged: Sequence[TaggedSequence]) -> np.ndarray:
        raise NotImplementedError

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        k = batch_size(ctx, batch)
        return top_k(self.uncertainty(require_tagged(ctx, self.name)), k)


class SpanLeastConfidence(SequenceUncertaintySampling):
    """Lowest probability of the best tag sequence first (favours long texts)."""

    name = "span-least-confidence"

    def uncertainty(self, tagged: Sequence[TaggedSequence]) -> np.ndarray:
        return sequence_least_confidence(tagged)


class SpanMnlp(SequenceUncertaintySampling):
    """Lowest log-probability of the best tag sequence per token first (Shen et al. 2017)."""

    name = "span-mnlp"

    def uncertainty(self, tagged: Sequence[TaggedSequence]) -> np.ndarray:
        return normalized_log_probability(tagged)


class SpanTokenEntropyMean(SequenceUncertaintySampling):
    """Highest mean token entropy first."""

    name = "span-token-entropy-mean"

    def uncertainty(self, tagged: Sequence[TaggedSequence]) -> np.ndarray:
        return mean_token_entropy(tagged)


class SpanTokenEntropyMax(SequenceUncertaintySampling):
    """Highest entropy of any one token first."""

    name = "span-token-entropy-max"

    def uncertainty(self, tagged: Sequence[TaggedSequence]) -> np.ndarray:
        return max_token_entropy(tagged)
