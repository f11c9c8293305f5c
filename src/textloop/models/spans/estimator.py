"""``minilm-crf``: the span model that needs no torch. MiniLM's per-token vectors (the int8
graph the embedders run, ``embedders.token_states``) and token-shape flags, fed to a
linear-chain CRF that decodes only valid tag sequences (``crf.py``).

It follows the estimator convention like the classifiers (``__init__`` stores, ``fit``
learns and returns self, learned attributes end in ``_``; ``clone()`` works) with span
inputs and outputs: ``fit(texts, spans)`` takes one list of ``Span`` (code points over the
text) per text, ``predict(texts)`` returns one, and ``predict_scored(texts)`` pairs each
span with the probability the model gives it (what ``measures.span_thresholds`` reads).
Texts are cut into the project's tokens (``spans.matching.word_tokens``), so predicted spans
start and end on token boundaries of the stored text, exactly.

Its state is plain arrays and JSON (``export_state``/``from_state``, as ``bundle.py``
expects): the CRF's weights, the feature standardisation, the tag list and the id of the
token vectors it was trained on, which loading checks so a model never reads vectors of
another encoder version.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from textloop.errors import IntegrityError
from textloop.models.search_space import Choice, FloatRange, IntRange, Space
from textloop.models.span_model import TaggedText
from textloop.models.spans.crf import CrfWeights, LinearChainCrf
from textloop.models.spans.shape import shape_features
from textloop.models.spans.targets import span_texts, tag_targets
from textloop.models.spans.with_rules import fit_rules, merge_rule_spans
from textloop.models.tags import ModelTags
from textloop.spans import Span
from textloop.spans.matching import Token, word_tokens
from textloop.spans.schemes import tag_rules, tags_to_spans
from textloop.spans.tokens import to_char_spans

State = tuple[dict[str, np.ndarray], dict[str, Any]]
_WEIGHTS = ("W", "b", "trans", "start", "end")


class MiniLMCrf(BaseEstimator):
    """Per-token MiniLM vectors (+ shape flags) → constrained linear-chain CRF.

    ``encoder``: whose token vectors (``minilm-int8`` or ``minilm-fp32``); ``scheme``: the
    tags the CRF learns (IOB2, IOBES or BILOU); ``pooling``: a token's vector as the mean of
    its subword pieces' or its first piece's (``embedders.token_states`` says why mean);
    ``context``: neighbouring tokens on each side
    whose features each token's scores read; ``shape_features``: add capitalisation, digit,
    punctuation and length flags; ``l2``: weight penalty; ``max_iter``: L-BFGS iterations;
    ``warm_start``: a second ``fit`` of a fitted model starts L-BFGS from its weights (mapped
    onto the new tags and feature scaling, ``_warm_weights``) instead of zeros, as in
    scikit-learn: active learning refits after every batch on a few more sentences, and
    starting near the last optimum reaches the new one in fewer iterations. Under a bounded
    ``max_iter`` the result then differs from a cold fit (closer to the optimum, not equal).
    """

    search_space: ClassVar[Space] = {
        "l2": FloatRange(1e-4, 1e-1, log=True), "context": IntRange(0, 2),
        "pooling": Choice(("first", "mean")), "scheme": Choice(("IOB2", "BILOU"))}

    def __init__(self, encoder: str = "minilm-int8", scheme: str = "IOB2",
                 pooling: str = "mean", context: int = 1, shape_features: bool = True,
                 l2: float = 1e-3, max_iter: int = 100, use_rules: str = "auto",
                 rules: list[dict[str, Any]] | None = None,
                 labels: list[str] | None = None, warm_start: bool = False) -> None:
        self.encoder = encoder
        self.scheme = scheme
        self.pooling = pooling
        self.context = context
        self.shape_features = shape_features
        self.l2 = l2
        self.max_iter = max_iter
        self.use_rules = use_rules
        self.rules = rules
        self.labels = labels
        self.warm_start = warm_start

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(task="spans", tags_tokens=True, uses_span_rules=True,
                         combines_span_rules=True)

    # -- features -------------------------------------------------------------------------

    def _token_encoder(self) -> Any:
        from textloop.models.embedders.factory import get_token_encoder

        return get_token_encoder(self.encoder)

    def _features(self, texts: Sequence[str], tokens: Sequence[Sequence[Token]]
                  ) -> np.ndarray:
        """float32 [all tokens, dim]: the texts' token rows one after another."""
        vectors = self._token_encoder().encode(texts, tokens, pooling=self.pooling)
        if self.shape_features:
            vectors = [np.hstack([v, shape_features(text, offsets)]) for v, text, offsets
                       in zip(vectors, texts, tokens, strict=True)]
        width = vectors[0].shape[1] if vectors else 0
        return (np.concatenate(vectors) if vectors else np.zeros((0, width))
                ).astype(np.float32)

    # -- fit ------------------------------------------------------------------------------

    def fit(self, X: Sequence[str], y: Sequence[Sequence[Span]]) -> MiniLMCrf:
        """Learn from texts and one list of spans per text (an empty list: no spans)."""
        texts = span_texts(X)
        rule_model = fit_rules(self.use_rules, self.rules, self.labels)  # refused early
        targets = tag_targets(texts, y, self.scheme)
        rules, labels, tokens = targets.rules, targets.labels, targets.tokens
        tags = [tag for row in targets.tags for tag in row]
        features = self._features(texts, tokens)
        mean = features.mean(0) if len(features) else np.zeros(features.shape[1])
        scale = features.std(0) if len(features) else np.ones(features.shape[1])
        scale = np.where(scale > 1e-6, scale, 1.0)
        init = self._warm_weights(list(rules.tags), mean, scale) if self.warm_start else None
        self.mean_, self.scale_ = mean, scale
        crf = LinearChainCrf(rules, self.context, self.l2, self.max_iter)
        crf.fit(self._standardised(features), [len(t) for t in tokens], tags, init=init)
        self.tags_ = list(rules.tags)
        self.encoder_id_ = self._token_encoder().model_id
        self.n_iter_ = crf.n_iter_
        self.crf_ = crf
        self.crf_labels_ = labels
        self.rule_model_ = rule_model
        self.keep_rules(self.use_rules == "on")
        return self

    def _warm_weights(self, tags: list[str], mean: np.ndarray, scale: np.ndarray
                      ) -> CrfWeights | None:
        """The fitted CRF's weights as a start for a fit with ``tags`` and the feature
        scaling ``mean``/``scale``; None when there is no fitted model of the same shape.

        Tags are matched by name (a label first seen in this batch adds tags that start at
        zero), and the emission weights are rescaled so that each token's scores are the
        same as the old model gave: ``(x - m) / s @ W = (x - m') / s' @ W'`` with
        ``W' = W s' / s`` and the bias taking up the shift of the mean (exact inside a
        sentence; at its edges, where a neighbour is missing, only approximately)."""
        old = getattr(self, "crf_", None)
        if old is None or old.weights is None or old.context != self.context \
                or len(self.mean_) != len(mean):
            return None
        weights = old.weights
        before = {tag: i for i, tag in enumerate(self.tags_)}
        pairs = [(i, before[tag]) for i, tag in enumerate(tags) if tag in before]
        new_i = np.array([i for i, _ in pairs], dtype=np.intp)
        old_i = np.array([j for _, j in pairs], dtype=np.intp)
        k = len(tags)
        W = np.zeros((weights.W.shape[0], len(mean), k))
        b, start, end, trans = np.zeros(k), np.zeros(k), np.zeros(k), np.zeros((k, k))
        ratio = (scale / self.scale_).astype(np.float64)[None, :, None]
        W[:, :, new_i] = weights.W[:, :, old_i] * ratio
        shift = ((mean - self.mean_) / self.scale_).astype(np.float64)
        b[new_i] = weights.b[old_i] + np.einsum("d,odk->k", shift, weights.W[:, :, old_i])
        start[new_i], end[new_i] = weights.start[old_i], weights.end[old_i]
        trans[np.ix_(new_i, new_i)] = weights.trans[np.ix_(old_i, old_i)]
        return CrfWeights(W, b, trans, start, end)

    def keep_rules(self, kept: bool) -> None:
        """Whether predictions merge the span rules' spans in (``with_rules``): ``textloop
        train`` decides it on validation for ``use_rules=auto``. ``classes_`` follows: the
        learned labels, plus the rules' when they are kept."""
        rule_model = self.rule_model_
        self.rules_kept_ = bool(kept and rule_model is not None)
        names = set(self.crf_labels_)
        if kept and rule_model is not None:
            names |= {str(label) for label in rule_model.classes_}
        self.classes_ = np.asarray(sorted(names), dtype=object)

    def _standardised(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean_) / self.scale_).astype(np.float32)

    # -- predict --------------------------------------------------------------------------

    def predict_scored(self, X: Sequence[str]) -> list[list[tuple[Span, float]]]:
        """Per text, its spans (code points, canonical order) with the probability that
        exactly that span is there (its tags, and for IOB2 that the next tag does not
        extend it); with the rules kept, their spans fill where the model marks none."""
        learned, ruled = self.predict_scored_parts(X)
        if ruled is None or not self.rules_kept_:
            return learned
        return merge_rule_spans(learned, ruled)

    def predict_scored_parts(self, X: Sequence[str]
                             ) -> tuple[list[list[tuple[Span, float]]],
                                        list[list[tuple[Span, float]]] | None]:
        """(the learned spans, the span rules' spans or None without rules), scored: what
        ``predict_scored`` merges, apart, so both can be scored on validation from one
        prediction."""
        check_is_fitted(self, "crf_")
        learned = self._predict_learned(X)
        if self.rule_model_ is None:
            return learned, None
        ruled = [[(span, float(score or 0.0)) for span, score in row]
                 for row in self.rule_model_.predict_scored(span_texts(X))]
        return learned, ruled

    def _predict_learned(self, X: Sequence[str]) -> list[list[tuple[Span, float]]]:
        texts = span_texts(X)
        tokens = [word_tokens(text) for text in texts]
        decoded = self.crf_.decode(self._standardised(self._features(texts, tokens)),
                                   [len(t) for t in tokens])
        out: list[list[tuple[Span, float]]] = []
        for offsets, (path, alpha, beta, log_z, emit) in zip(tokens, decoded, strict=True):
            token_spans = tags_to_spans([self.tags_[i] for i in path], self.scheme)
            chars = to_char_spans(token_spans, offsets)
            out.append(sorted(
                (span, self.crf_.span_probability(path, ts.start, ts.end - 1, alpha, beta,
                                                  log_z, emit))
                for span, ts in zip(chars, token_spans, strict=True)))
        return out

    def predict_tagged(self, X: Sequence[str]) -> list[TaggedText]:
        """Per text, its word tokens, the best valid tag sequence, each token's tag
        marginals and the sequence's log-probability (``span_model.TaggedText``)."""
        check_is_fitted(self, "crf_")
        texts = span_texts(X)
        tokens = [word_tokens(text) for text in texts]
        decoded = self.crf_.decode(self._standardised(self._features(texts, tokens)),
                                   [len(t) for t in tokens])
        return [TaggedText(list(offsets), [self.tags_[i] for i in path], list(self.tags_),
                           self.crf_.marginals(alpha, beta, log_z),
                           self.crf_.path_log_probability(path, emit, log_z))
                for offsets, (path, alpha, beta, log_z, emit) in zip(tokens, decoded,
                                                                      strict=True)]

    def predict(self, X: Sequence[str]) -> list[list[Span]]:
        """Per text, the spans of its most probable valid tag sequence (code points), and
        the rules' where they are kept."""
        return [[span for span, _ in row] for row in self.predict_scored(X)]

    # -- state ----------------------------------------------------------------------------

    def export_state(self) -> State:
        check_is_fitted(self, "crf_")
        weights = self.crf_.weights
        assert weights is not None
        arrays = {**weights.arrays(), "mean": self.mean_, "scale": self.scale_}
        return arrays, {"encoder_id": self.encoder_id_, "tags": self.tags_,
                        "crf_labels": list(self.crf_labels_), "rules_kept": self.rules_kept_}

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> MiniLMCrf:
        """Refuses a model whose tags do not follow from its labels and scheme, or one
        trained on other token vectors than its encoder produces today."""
        model = cls(**params)
        learned = [str(label) for label in extra.get("crf_labels", classes)]  # older bundles
        rules = tag_rules(learned, model.scheme)
        if list(extra.get("tags", [])) != list(rules.tags):
            raise ValueError(f"tags {extra.get('tags')} do not match labels {learned} "
                             f"in {model.scheme}")
        now = model._token_encoder().model_id
        if extra.get("encoder_id") != now:
            raise IntegrityError(
                f"this span model was trained on {extra.get('encoder_id')} token vectors, but "
                f"{model.encoder!r} now produces {now}; its predictions would be skewed",
                hint="retrain it: textloop train --model minilm-crf")
        crf = LinearChainCrf(rules, model.context, model.l2, model.max_iter)
        crf.weights = CrfWeights(*(np.asarray(arrays[name], dtype=np.float64)
                                   for name in _WEIGHTS))
        if crf.weights.context != model.context:
            raise ValueError(f"weights for context {crf.weights.context}, params say "
                             f"{model.context}")
        model.mean_ = np.asarray(arrays["mean"], dtype=np.float32)
        model.scale_ = np.asarray(arrays["scale"], dtype=np.float32)
        model.tags_ = list(rules.tags)
        model.encoder_id_ = now
        model.crf_ = crf
        model.crf_labels_ = learned
        model.rule_model_ = fit_rules(model.use_rules, model.rules, model.labels)
        model.keep_rules(bool(extra.get("rules_kept", False)))
        if list(model.classes_) != [str(label) for label in classes]:
            raise ValueError(f"labels {list(classes)} do not match the model's "
                             f"{list(model.classes_)}")
        return model
