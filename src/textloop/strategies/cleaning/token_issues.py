"""Token-level label issues of span annotations: cleanlab's token classification, fed with
per-token class probabilities over span types.

**Classes are types, not tags.** cleanlab's ``token_classification`` wants one given class
per token and one probability per class and token. A stored annotation is a list of typed
character spans; read over the word tokens, each token is either outside every span (``O``)
or inside a span of type X, so the given class of a token is ``O`` or X, never ``B-X`` or
``I-X``. A tagger's marginals are over tags (``O``, ``B-X``, ``I-X``, and ``E-``/``S-`` or
``L-``/``U-``), which are mutually exclusive events per token, so P(token inside an X span)
is exactly the sum of X's tag marginals: collapsing them loses nothing cleanlab could use,
and keeps a boundary error readable. Scoring tags instead would flag every token whose
position prefix differs (a ``B-X`` given where the model says ``I-X`` after a boundary
shift on the token *before*) and split one disagreement about "is this an X" over two or
three classes, each of which then looks less sure than the type as a whole; boundaries are
judged by the span comparison that turns flagged tokens into findings
(``stages.clean.span_issues``), where the whole span is in view.

Then ``find_label_issues`` (confident learning over all tokens flattened, as cleanlab's
token classification does) flags tokens, and ``get_label_quality_scores`` gives each token
its self-confidence and each sentence the minimum over its tokens ("worst-token quality",
Wang & Mueller 2022), which ranks sentences for review. Pure code: no store, no model.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.matching import OUTSIDE, Token, token_tags
from textloop.spans.schemes import split_tag


def type_classes(types: Sequence[str]) -> list[str]:
    """The token classes: ``O`` first, then the span types in the order given."""
    return [OUTSIDE, *types]


def type_probabilities(marginals: np.ndarray, tag_names: Sequence[str],
                       types: Sequence[str]) -> np.ndarray:
    """[tokens, 1 + len(types)] P(token is outside / inside a span of each type): each tag's
    marginal added to its type's column (see the module docstring). A type the tagger does
    not know (absent from the fold it was fitted on) gets probability 0."""
    column = {name: i for i, name in enumerate(type_classes(types))}
    out = np.zeros((marginals.shape[0], len(column)), dtype=np.float64)
    for k, tag in enumerate(tag_names):
        _, label = split_tag(tag)
        target = column.get(label or OUTSIDE)
        if target is None:
            raise InvalidInputError(f"the tagger's tag {tag!r} has a type outside "
                                    f"{list(types)}", hint="pass every type the tagger knows")
        out[:, target] += marginals[:, k]
    return out


def given_classes(tokens: Sequence[Token], spans: Sequence[Span],
                  types: Sequence[str]) -> np.ndarray:
    """[tokens] the given class of each token (index into ``type_classes(types)``): the
    type of the span covering it, else ``O``."""
    column = {name: i for i, name in enumerate(type_classes(types))}
    return np.asarray([column[tag] for tag in token_tags(tokens, spans)], dtype=np.int64)


@dataclass(frozen=True)
class TokenIssues:
    """Per sentence: which tokens cleanlab flags and every token's label quality; and each
    sentence's quality (its worst token's; 1.0 for a sentence without tokens)."""

    flagged: list[np.ndarray]
    token_quality: list[np.ndarray]
    sentence_quality: np.ndarray

    @property
    def flagged_sentences(self) -> np.ndarray:
        """[sentences] bool: at least one token flagged."""
        return np.asarray([bool(row.any()) for row in self.flagged], dtype=bool)


def find_token_issues(given: Sequence[np.ndarray], proba: Sequence[np.ndarray]
                      ) -> TokenIssues:
    """cleanlab's token-classification issues and quality scores for ``given`` classes
    ([tokens] per sentence) under out-of-fold ``proba`` ([tokens, classes] per sentence)."""
    from cleanlab.token_classification.filter import find_label_issues
    from cleanlab.token_classification.rank import get_label_quality_scores

    if len(given) != len(proba):
        raise InvalidInputError(f"{len(given)} label rows for {len(proba)} probability rows "
                                "(expected one each)", hint="pass one row per sentence")
    keep = [i for i, row in enumerate(given) if len(row)]
    flagged = [np.zeros(len(row), dtype=bool) for row in given]
    quality = [np.ones(len(row), dtype=np.float64) for row in given]
    sentence = np.ones(len(given), dtype=np.float64)
    if not keep:
        return TokenIssues(flagged, quality, sentence)
    labels = [np.asarray(given[i], dtype=np.int64) for i in keep]
    probs = [_normalised(proba[i]) for i in keep]
    with warnings.catch_warnings():
        # a type with few tokens makes cleanlab warn per call; the summary says it instead
        warnings.simplefilter("ignore")
        issues = find_label_issues(labels, probs)
        scores, info = get_label_quality_scores(labels, probs)
    for position, token in issues:
        flagged[keep[position]][token] = True
    for position, i in enumerate(keep):
        quality[i] = np.asarray(info[position], dtype=np.float64)
        sentence[i] = float(scores[position])
    return TokenIssues(flagged, quality, sentence)


def _normalised(proba: np.ndarray) -> np.ndarray:
    """Rows summing to 1 exactly (float sums of marginals drift by ~1e-7, which cleanlab's
    checks refuse)."""
    rows = np.clip(np.asarray(proba, dtype=np.float64), 0.0, None)
    return rows / rows.sum(axis=1, keepdims=True)
