"""The constrained linear-chain CRF: exact against brute-force enumeration, a gradient that
matches finite differences, decoding that only ever returns valid tag sequences, and a fit
that learns what is plainly learnable."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textloop.models.spans.crf import CrfWeights, Layout, LinearChainCrf, constrained_paths
from textloop.spans.schemes import TagError, tag_rules, tags_to_spans


def _random_crf(scheme: str, seed: int, dim: int = 3, context: int = 1,
                scale: float = 1.0) -> LinearChainCrf:
    rules = tag_rules(["A", "B"], scheme)
    k = len(rules.tags)
    rng = np.random.default_rng(seed)
    crf = LinearChainCrf(rules, context=context)
    crf.weights = CrfWeights(rng.normal(size=(2 * context + 1, dim, k)) * scale,
                             rng.normal(size=k) * scale, rng.normal(size=(k, k)) * scale,
                             rng.normal(size=k) * scale, rng.normal(size=k) * scale)
    return crf


def _valid(rules, seq) -> bool:
    return (rules.start[seq[0]] and rules.end[seq[-1]]
            and all(rules.follows[a][b] for a, b in itertools.pairwise(seq)))


@pytest.mark.parametrize("scheme", ["IOB2", "BILOU"])
def test_log_z_viterbi_and_span_probability_match_brute_force(scheme: str) -> None:
    crf = _random_crf(scheme, seed=1)
    rules, w = crf.rules, crf.weights
    lengths = [4, 1, 3]
    X = np.random.default_rng(2).normal(size=(sum(lengths), 3)).astype(np.float32)
    decoded = crf.decode(X, lengths)
    emit = crf._emissions(X, w, crf._neighbours(Layout.of(lengths), len(X)))
    offset = 0
    for n, (path, alpha, beta, log_z, em) in zip(lengths, decoded, strict=True):
        e = emit[offset:offset + n]
        offset += n
        scored = {seq: w.start[seq[0]] + w.end[seq[-1]] + sum(e[t, seq[t]] for t in range(n))
                  + sum(w.trans[a, b] for a, b in itertools.pairwise(seq))
                  for seq in itertools.product(range(len(rules.tags)), repeat=n)
                  if _valid(rules, seq)}
        true_log_z = np.log(sum(np.exp(v) for v in scored.values()))
        assert log_z == pytest.approx(true_log_z, abs=1e-9)
        assert tuple(path) == max(scored, key=scored.__getitem__)
        # the probability of every span of the best path, against the sequences holding it
        names = [rules.tags[i] for i in path]
        for span in tags_to_spans(names, scheme):
            expected = sum(np.exp(v - true_log_z) for seq, v in scored.items()
                           if span in tags_to_spans([rules.tags[i] for i in seq],
                                                               scheme))
            got = crf.span_probability(path, span.start, span.end - 1, alpha, beta, log_z, em)
            assert got == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("scheme", ["IOB2", "BILOU"])
def test_token_marginals_and_path_probability_match_brute_force(scheme: str) -> None:
    crf = _random_crf(scheme, seed=5)
    rules, w = crf.rules, crf.weights
    lengths = [3, 1, 4]
    X = np.random.default_rng(6).normal(size=(sum(lengths), 3)).astype(np.float32)
    decoded = crf.decode(X, lengths)
    offset = 0
    for n, (path, alpha, beta, log_z, em) in zip(lengths, decoded, strict=True):
        offset += n
        scored = {seq: w.start[seq[0]] + w.end[seq[-1]] + sum(em[t, seq[t]] for t in range(n))
                  + sum(w.trans[a, b] for a, b in itertools.pairwise(seq))
                  for seq in itertools.product(range(len(rules.tags)), repeat=n)
                  if _valid(rules, seq)}
        true_log_z = np.log(sum(np.exp(v) for v in scored.values()))
        expected = np.zeros((n, len(rules.tags)))
        for seq, v in scored.items():
            for t, tag in enumerate(seq):
                expected[t, tag] += np.exp(v - true_log_z)
        got = crf.marginals(alpha, beta, log_z)
        np.testing.assert_allclose(got, expected, atol=1e-9)
        np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-9)
        assert crf.path_log_probability(path, em, log_z) == pytest.approx(
            scored[tuple(path)] - true_log_z, abs=1e-9)


def test_the_gradient_matches_finite_differences() -> None:
    rules = tag_rules(["A", "B"], "IOB2")
    crf = LinearChainCrf(rules, context=1, l2=0.1)
    rng = np.random.default_rng(0)
    lengths = [3, 5, 1]
    X = rng.normal(size=(sum(lengths), 2)).astype(np.float32)
    tags = [rules.tags.index(t) for t in
            ["B-A", "I-A", "O", "O", "B-B", "O", "B-A", "I-A", "B-B"]]
    objective, theta, _ = crf.objective(X, lengths, tags)
    theta = rng.normal(size=theta.shape) * 0.3
    analytic = objective(theta)[1]
    step = 1e-4  # central differences; emissions are float32 products, so not smaller
    numeric = np.array([(objective(theta + step * e)[0] - objective(theta - step * e)[0])
                        / (2 * step) for e in np.eye(len(theta))])
    np.testing.assert_allclose(analytic, numeric, atol=5e-4)
    assert np.abs(analytic).max() > 0.1  # not vacuously zero


@settings(max_examples=60, deadline=None)
@given(scheme=st.sampled_from(["IOB2", "IOBES", "BILOU"]), seed=st.integers(0, 10_000),
       lengths=st.lists(st.integers(1, 9), min_size=1, max_size=5),
       scale=st.sampled_from([1.0, 30.0]))
def test_decoding_never_yields_an_invalid_sequence(scheme, seed, lengths, scale) -> None:
    """Whatever the weights (even ones that favour ``O I-A``), the path reads strictly."""
    crf = _random_crf(scheme, seed, scale=scale)
    weights = crf.weights
    inside = [i for i, tag in enumerate(crf.rules.tags) if tag.startswith("I-")]
    weights.trans[0, inside] = 50.0  # O -> I-*: forbidden, and made very attractive
    weights.start[inside] = 50.0
    X = np.random.default_rng(seed).normal(size=(sum(lengths), 3)).astype(np.float32)
    for n, (path, *_) in zip(lengths, crf.decode(X, lengths), strict=True):
        assert len(path) == n
        names = [crf.rules.tags[i] for i in path]
        try:
            tags_to_spans(names, scheme)
        except TagError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"invalid sequence {names}: {exc}")


def _learnable(n: int, seed: int, noise: float = 0.3
               ) -> tuple[np.ndarray, list[int], list[int]]:
    """Features, lengths and IOB2 tags of ``n`` sentences where feature 0 marks the first
    token of an A span and feature 1 its continuation (with noise)."""
    rules = tag_rules(["A"], "IOB2")
    rng = np.random.default_rng(seed)
    tag_of = {(1, 0): "B-A", (0, 1): "I-A", (0, 0): "O"}
    sentences = []
    for _ in range(n):
        length = int(rng.integers(3, 8))
        flags = [(0, 0)] * length
        start = int(rng.integers(0, length - 1))
        flags[start], flags[start + 1] = (1, 0), (0, 1)
        sentences.append(flags)
    X = np.array([f for s in sentences for f in s], dtype=np.float32)
    X = X + rng.normal(scale=noise, size=X.shape).astype(np.float32)
    return X, [len(s) for s in sentences], [rules.tags.index(tag_of[f])
                                            for s in sentences for f in s]


def test_a_tiny_fit_learns_a_plainly_learnable_pattern() -> None:
    """Feature 0 marks the first token of an A span, feature 1 its continuation."""
    rules = tag_rules(["A"], "IOB2")
    X, lengths, tags = _learnable(40, seed=0, noise=0.05)
    crf = LinearChainCrf(rules, context=0, l2=1e-4, max_iter=200).fit(X, lengths, tags)
    test = np.array([[0, 0], [1, 0], [0, 1], [0, 0], [0, 0]], dtype=np.float32)
    path = crf.decode(test, [5])[0][0]
    assert [rules.tags[i] for i in path] == ["O", "B-A", "I-A", "O", "O"]


@settings(max_examples=60, deadline=None)
@given(scheme=st.sampled_from(["IOB2", "IOBES", "BILOU"]), seed=st.integers(0, 10_000),
       lengths=st.lists(st.integers(0, 9), min_size=1, max_size=5))
def test_a_classifier_s_tags_decode_to_the_best_valid_sequence(scheme, seed, lengths) -> None:
    """``constrained_paths`` (a token classifier's decoder): per-token log-probabilities that
    favour inside tags everywhere still decode to a valid sequence, and that sequence is the
    most probable valid one (checked against every sequence of a short sentence)."""
    rules = tag_rules(["A", "B"], scheme)
    rng = np.random.default_rng(seed)
    inside = [i for i, tag in enumerate(rules.tags) if tag.startswith("I-")]
    log_probs = []
    for n in lengths:
        scores = rng.normal(size=(n, len(rules.tags)))
        scores[:, inside] += 3.0
        log_probs.append(scores - np.log(np.exp(scores).sum(1, keepdims=True)))
    paths = constrained_paths(log_probs, rules)
    for n, path, rows in zip(lengths, paths, log_probs, strict=True):
        assert len(path) == n
        names = [rules.tags[i] for i in path]
        tags_to_spans(names, scheme)  # raises TagError for an invalid sequence
        if 0 < n <= 3:
            valid = []
            for candidate in itertools.product(range(len(rules.tags)), repeat=n):
                try:
                    tags_to_spans([rules.tags[i] for i in candidate], scheme)
                except TagError:
                    continue
                valid.append(rows[np.arange(n), list(candidate)].sum())
            assert rows[np.arange(n), path].sum() == pytest.approx(max(valid))


def test_a_warm_start_from_the_optimum_stays_there_in_a_few_iterations() -> None:
    """Active learning refits after every batch: started from the last weights, L-BFGS has
    little left to do; from zeros it redoes the whole descent."""
    rules = tag_rules(["A"], "IOB2")
    X, lengths, tags = _learnable(60, seed=3)
    cold = LinearChainCrf(rules, context=1, l2=1e-3, max_iter=500).fit(X, lengths, tags)
    assert cold.weights is not None and cold.n_iter_ > 10
    warm = LinearChainCrf(rules, context=1, l2=1e-3, max_iter=500).fit(
        X, lengths, tags, init=cold.weights)
    assert warm.n_iter_ <= 3
    assert warm.weights is not None
    np.testing.assert_allclose(warm.weights.W, cold.weights.W, atol=1e-3)
    # a few more sentences: the warm fit reaches the new optimum in fewer iterations
    X2, lengths2, tags2 = _learnable(80, seed=3)
    again = LinearChainCrf(rules, context=1, l2=1e-3, max_iter=500)
    assert again.fit(X2, lengths2, tags2, init=cold.weights).n_iter_ < \
        LinearChainCrf(rules, context=1, l2=1e-3, max_iter=500).fit(X2, lengths2, tags2).n_iter_


def test_warm_start_weights_of_another_shape_are_refused() -> None:
    rules = tag_rules(["A"], "IOB2")
    X, lengths, tags = _learnable(10, seed=4)
    other = _random_crf("IOB2", seed=1, dim=2)  # two labels: five tags, not three
    assert other.weights is not None
    with pytest.raises(ValueError, match="do not fit 2 features and 3 tags"):
        LinearChainCrf(rules, context=1).fit(X, lengths, tags, init=other.weights)
