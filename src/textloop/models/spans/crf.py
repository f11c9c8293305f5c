"""A linear-chain CRF over dense token features, in NumPy, that only knows valid tag sequences.

Scores: a sequence of tags ``y`` over the tokens of a sentence scores
``start[y_0] + sum_t emit[t, y_t] + sum_t trans[y_(t-1), y_t] + end[y_last]`` with
``emit[t] = b + sum_d x_(t+d) W_d`` over the offsets ``d = -context..context`` (a token's own
features and its neighbours', zero past the sentence's edges). Transitions the scheme forbids
(``spans.schemes.tag_rules``: an ``I-X`` after ``O`` or after ``B-Y``...) score minus
infinity in training and decoding alike, so the model spends no weight on them and Viterbi
can only return sequences that read strictly into spans: the "constrained CRF" of AllenNLP
and of Lample et al. 2016's decoder.

Why our own and not python-crfsuite: CRFsuite cannot forbid transitions when it decodes
(its Viterbi may return ``O I-PER``), takes features as string-keyed attributes (384 dense
floats per token become 384 dictionary entries per token in its C data structures), and
returns per-token marginals rather than the probability of a whole span. Here the features
are one float32 matrix, the negative log-likelihood and its exact gradient are computed by a
batched forward-backward (sentences of similar length padded together), and SciPy's L-BFGS
fits it: a few thousand sentences take seconds to a minute on 2 cores. The learned state is
a handful of arrays (saved as ``.npy`` in a bundle, never pickled).

A span's score is the model's probability that exactly those tokens form exactly that span
(its tags, and for IOB2 that the next tag does not extend it), from the forward and backward
sums: a calibrated-by-construction confidence that per-type thresholds can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from textloop.spans.schemes import TagRules

FORBIDDEN = -1e30
"""The score of a forbidden transition: finite, so log-sum-exp never meets ``inf - inf``,
and so low that ``exp`` of it is exactly 0 in float64."""
CHUNK = 256
"""Sentences per padded batch of the forward-backward pass."""


@dataclass
class CrfWeights:
    """The learned parameters. ``W`` is [offsets, features, tags], offset ``i`` reading the
    token ``i - context`` places away."""

    W: np.ndarray
    b: np.ndarray
    trans: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @property
    def context(self) -> int:
        return (self.W.shape[0] - 1) // 2

    def arrays(self) -> dict[str, np.ndarray]:
        return {"W": self.W, "b": self.b, "trans": self.trans, "start": self.start,
                "end": self.end}


@dataclass(frozen=True)
class Layout:
    """Where each sentence's tokens sit in the flat feature matrix, and the padded batches."""

    lengths: np.ndarray
    offsets: np.ndarray
    """Row of each sentence's first token."""
    batches: list[tuple[np.ndarray, np.ndarray]]
    """(sentence indices, token rows [sentences, longest] with -1 for padding)."""

    @classmethod
    def of(cls, lengths: Sequence[int]) -> Layout:
        sizes = np.asarray(lengths, dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        order = np.argsort(sizes, kind="stable")
        order = order[sizes[order] > 0]
        batches = []
        for begin in range(0, len(order), CHUNK):
            chosen = order[begin:begin + CHUNK]
            width = int(sizes[chosen].max())
            steps = np.arange(width)
            rows = np.where(steps[None, :] < sizes[chosen, None],
                            offsets[chosen, None] + steps[None, :], -1)
            batches.append((chosen, rows))
        return cls(sizes, offsets, batches)


@dataclass(frozen=True)
class _Masks:
    trans: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @classmethod
    def of(cls, rules: TagRules) -> _Masks:
        return cls(np.asarray(rules.follows, dtype=bool), np.asarray(rules.start, dtype=bool),
                   np.asarray(rules.end, dtype=bool))


def _log_product(log_x: np.ndarray, gates: np.ndarray) -> np.ndarray:
    """``log(exp(log_x) @ gates)`` row by row, shifted by each row's maximum."""
    peak = log_x.max(axis=1, keepdims=True)
    return peak + np.log(np.exp(log_x - peak) @ gates)


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    peak = x.max(axis=axis, keepdims=True)
    return np.squeeze(peak, axis) + np.log(np.exp(x - peak).sum(axis=axis))


class LinearChainCrf:
    """Emission and transition scores over ``rules.tags``; fit by L-BFGS, decode by Viterbi."""

    def __init__(self, rules: TagRules, context: int = 1, l2: float = 1e-3,
                 max_iter: int = 100) -> None:
        self.rules = rules
        self.context = context
        self.l2 = l2
        self.max_iter = max_iter
        self.masks = _Masks.of(rules)
        self.weights: CrfWeights | None = None

    @property
    def n_tags(self) -> int:
        return len(self.rules.tags)

    # -- features to emissions ------------------------------------------------------------

    def _neighbours(self, layout: Layout, n_rows: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per offset: (rows that have that neighbour, the neighbour's row)."""
        sentence = np.repeat(np.arange(len(layout.lengths)), layout.lengths)
        position = np.arange(n_rows) - layout.offsets[sentence]
        out = []
        for d in range(-self.context, self.context + 1):
            inside = (position + d >= 0) & (position + d < layout.lengths[sentence])
            rows = np.flatnonzero(inside)
            out.append((rows, rows + d))
        return out

    def _emissions(self, X: np.ndarray, weights: CrfWeights,
                   neighbours: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        n_offsets, dim, k = weights.W.shape
        projected = (X @ weights.W.transpose(1, 0, 2).reshape(dim, n_offsets * k)
                     .astype(np.float32)).reshape(len(X), n_offsets, k)
        emit = np.broadcast_to(weights.b, (len(X), k)).astype(np.float64)
        for i, (rows, source) in enumerate(neighbours):
            emit[rows] += projected[source, i]
        return emit

    def _effective(self, weights: CrfWeights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m = self.masks
        return (np.where(m.trans, weights.trans, FORBIDDEN),
                np.where(m.start, weights.start, FORBIDDEN),
                np.where(m.end, weights.end, FORBIDDEN))

    # -- forward-backward -----------------------------------------------------------------

    def _forward_backward(self, emit: np.ndarray, lengths: np.ndarray,
                          weights: CrfWeights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """alpha, beta [B, T, K] (alpha includes the emission at t, beta does not) and
        log Z [B], for emissions padded to [B, T, K].

        Each step's log-sum-exp over the previous tag is one [B, K] x [K, K] product of
        exponentials shifted by the row's maximum (forbidden transitions: exp = 0), about
        ten times faster than a [B, K, K] log-sum-exp; unreachable tags get -inf.
        """
        trans, start, end = self._effective(weights)
        gates = np.exp(trans)
        b, t_max, _ = emit.shape
        alpha = np.empty_like(emit)
        alpha[:, 0] = start + emit[:, 0]
        with np.errstate(divide="ignore"):
            for t in range(1, t_max):
                alpha[:, t] = _log_product(alpha[:, t - 1], gates) + emit[:, t]
            last = lengths - 1
            log_z = _logsumexp(alpha[np.arange(b), last] + end, 1)
            beta = np.zeros_like(emit)
            for t in range(t_max - 1, -1, -1):
                step = beta[:, t]
                if t < t_max - 1:
                    step = _log_product(emit[:, t + 1] + beta[:, t + 1], gates.T)
                ends_here = np.equal(last, t)[:, None]
                beta[:, t] = np.where(ends_here, end,
                                      np.where(np.greater(last, t)[:, None], step, 0.0))
        return alpha, beta, log_z

    # -- fitting --------------------------------------------------------------------------

    def fit(self, X: np.ndarray, lengths: Sequence[int], tags: Sequence[int],
            init: CrfWeights | None = None) -> LinearChainCrf:
        """Learn from features [tokens, dim] (sentences one after the other), the sentence
        lengths and one tag index per token; every gold sequence must be valid.

        ``init``: weights to start L-BFGS from instead of zeros (a warm start: the previous
        round's model when a few more sentences were labeled, which L-BFGS then needs far
        fewer iterations to move to the new optimum); their shapes must be this CRF's."""
        objective, theta, unpack = self.objective(X, lengths, tags)
        if init is not None:
            start = np.concatenate([np.asarray(a, dtype=np.float64).ravel()
                                    for a in init.arrays().values()])
            if init.W.shape != (2 * self.context + 1, X.shape[1], self.n_tags) \
                    or start.shape != theta.shape:
                raise ValueError(f"warm-start weights of shape {init.W.shape} do not fit "
                                 f"{X.shape[1]} features and {self.n_tags} tags")
            theta = start
        result = minimize(objective, theta, jac=True, method="L-BFGS-B",
                          options={"maxiter": self.max_iter})
        self.weights = unpack(np.asarray(result.x, dtype=np.float64))
        self.n_iter_ = int(result.nit)
        return self

    def objective(self, X: np.ndarray, lengths: Sequence[int], tags: Sequence[int]
                  ) -> tuple[Callable[[np.ndarray], tuple[float, np.ndarray]], np.ndarray,
                             Callable[[np.ndarray], CrfWeights]]:
        """(loss and gradient of a flat parameter vector, the starting vector (zeros), and
        the vector as ``CrfWeights``): the mean negative log-likelihood per sentence plus
        ``l2 / 2`` times the squared emission weights."""
        layout = Layout.of(lengths)
        gold = np.asarray(tags, dtype=np.int64)
        neighbours = self._neighbours(layout, len(X))
        n_offsets, dim, k = 2 * self.context + 1, X.shape[1], self.n_tags
        shapes = [(n_offsets, dim, k), (k,), (k, k), (k,), (k,)]
        sizes = [int(np.prod(s)) for s in shapes]
        n_sentences = max(1, int((layout.lengths > 0).sum()))

        def unpack(theta: np.ndarray) -> CrfWeights:
            parts = np.split(theta, np.cumsum(sizes)[:-1])
            return CrfWeights(*(p.reshape(s) for p, s in zip(parts, shapes, strict=True)))

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            weights = unpack(theta)
            emit = self._emissions(X, weights, neighbours)
            loss, d_emit, d_trans, d_start, d_end = self._nll(emit, gold, layout, weights)
            grad_rows = np.zeros((len(X), n_offsets, k), dtype=np.float32)
            for i, (rows, source) in enumerate(neighbours):
                grad_rows[source, i] = d_emit[rows]
            d_w = (X.T @ grad_rows.reshape(len(X), n_offsets * k)).astype(np.float64)
            d_w = d_w.reshape(dim, n_offsets, k).transpose(1, 0, 2) / n_sentences
            loss = loss / n_sentences + 0.5 * self.l2 * float(np.sum(weights.W ** 2))
            d_w += self.l2 * weights.W
            grads = [d_w, d_emit.sum(0) / n_sentences, d_trans / n_sentences,
                     d_start / n_sentences, d_end / n_sentences]
            return loss, np.concatenate([g.ravel() for g in grads])

        return objective, np.zeros(sum(sizes), dtype=np.float64), unpack

    def _nll(self, emit: np.ndarray, gold: np.ndarray, layout: Layout, weights: CrfWeights
             ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Summed negative log-likelihood and its gradients (emissions, transitions,
        start, end)."""
        trans, _, _ = self._effective(weights)
        k = self.n_tags
        d_emit = np.zeros_like(emit)
        d_trans = np.zeros((k, k))
        d_start, d_end = np.zeros(k), np.zeros(k)
        loss = 0.0
        for chosen, rows in layout.batches:
            lengths = layout.lengths[chosen]
            pad = rows < 0
            padded = np.where(pad[..., None], 0.0, emit[np.maximum(rows, 0)])
            y = np.where(pad, 0, gold[np.maximum(rows, 0)])
            alpha, beta, log_z = self._forward_backward(padded, lengths, weights)
            b = np.arange(len(chosen))
            last = lengths - 1
            valid = ~pad
            pair = valid[:, 1:]
            gold_score = (weights.start[y[:, 0]] + weights.end[y[b, last]]
                          + np.where(valid, np.take_along_axis(padded, y[..., None], 2)[..., 0],
                                     0.0).sum(1)
                          + np.where(pair, weights.trans[y[:, :-1], y[:, 1:]], 0.0).sum(1))
            loss += float((log_z - gold_score).sum())
            marginal = np.where(valid[..., None],
                                np.exp(alpha + beta - log_z[:, None, None]), 0.0)
            onehot = np.zeros_like(marginal)
            np.put_along_axis(onehot, y[..., None], 1.0, 2)
            onehot[pad] = 0.0
            d_emit[rows[valid]] = (marginal - onehot)[valid]
            if padded.shape[1] > 1:
                d_trans += _expected_transitions(alpha[:, :-1][pair],
                                                 (padded[:, 1:] + beta[:, 1:])[pair],
                                                 log_z[np.nonzero(pair)[0]], trans)
                np.add.at(d_trans, (y[:, :-1][pair], y[:, 1:][pair]), -1.0)
            d_start += marginal[:, 0].sum(0)
            np.add.at(d_start, y[:, 0], -1.0)
            d_end += marginal[b, last].sum(0)
            np.add.at(d_end, y[b, last], -1.0)
        return loss, d_emit, d_trans, d_start, d_end

    # -- decoding -------------------------------------------------------------------------

    def decode(self, X: np.ndarray, lengths: Sequence[int]
               ) -> list[tuple[list[int], np.ndarray, np.ndarray, float, np.ndarray]]:
        """Per sentence: (best valid tag indices, alpha [T, K], beta [T, K], log Z,
        emissions [T, K]): the path and what a span's probability is computed from."""
        if self.weights is None:
            raise RuntimeError("the CRF is not fitted")
        weights = self.weights
        layout = Layout.of(lengths)
        emit = self._emissions(X, weights, self._neighbours(layout, len(X)))
        trans, start, end = self._effective(weights)
        k = self.n_tags
        out: list[tuple[list[int], np.ndarray, np.ndarray, float, np.ndarray]] = [
            ([], np.zeros((0, k)), np.zeros((0, k)), 0.0, np.zeros((0, k)))
            for _ in range(len(layout.lengths))]
        for chosen, rows in layout.batches:
            lengths_b = layout.lengths[chosen]
            pad = rows < 0
            padded = np.where(pad[..., None], 0.0, emit[np.maximum(rows, 0)])
            alpha, beta, log_z = self._forward_backward(padded, lengths_b, weights)
            paths = _viterbi(padded, lengths_b, trans, start, end)
            for i, sentence in enumerate(chosen):
                n = int(lengths_b[i])
                out[sentence] = (paths[i][:n], alpha[i, :n], beta[i, :n], float(log_z[i]),
                                 padded[i, :n])
        return out

    def path_log_probability(self, tags: Sequence[int], emit: np.ndarray,
                             log_z: float) -> float:
        """log P(the whole sequence carries exactly ``tags``): the sequence's score (start,
        emissions, transitions, end) minus log Z; 0.0 for an empty sequence."""
        assert self.weights is not None
        if not len(tags):
            return 0.0
        trans, start, end = self._effective(self.weights)
        score = start[tags[0]] + end[tags[-1]] + sum(emit[t, tag] for t, tag in enumerate(tags))
        score += sum(trans[tags[t - 1], tags[t]] for t in range(1, len(tags)))
        return float(min(0.0, score - log_z))

    @staticmethod
    def marginals(alpha: np.ndarray, beta: np.ndarray, log_z: float) -> np.ndarray:
        """float64 [T, K]: P(token t carries tag k), from one sentence's forward-backward
        (alpha holds the emission at t, beta does not, so their sum is the joint score)."""
        with np.errstate(under="ignore"):
            out = np.exp(alpha + beta - log_z)
        total = out.sum(axis=1, keepdims=True)
        return np.divide(out, total, out=np.zeros_like(out), where=total > 0)

    def span_probability(self, tags: Sequence[int], first: int, last: int,
                         alpha: np.ndarray, beta: np.ndarray, log_z: float,
                         emit: np.ndarray) -> float:
        """P(tokens first..last carry exactly ``tags[first..last]`` and the span ends there)."""
        assert self.weights is not None
        trans, _, _ = self._effective(self.weights)
        inner = sum(trans[tags[t - 1], tags[t]] + emit[t, tags[t]]
                    for t in range(first + 1, last + 1))
        head = alpha[first, tags[first]] + inner
        probability = np.exp(head + beta[last, tags[last]] - log_z)
        if last + 1 < len(emit):
            for j in self.rules.continues[tags[last]]:
                probability -= np.exp(head + trans[tags[last], j] + emit[last + 1, j]
                                      + beta[last + 1, j] - log_z)
        return float(min(1.0, max(0.0, probability)))


def _expected_transitions(before: np.ndarray, after: np.ndarray, log_z: np.ndarray,
                          trans: np.ndarray) -> np.ndarray:
    """Sum over token pairs of P(tag i, then tag j): ``exp(alpha_i + trans_ij + emit_j +
    beta_j - log Z)`` as one [K, pairs] x [pairs, K] product of row-shifted exponentials."""
    with np.errstate(divide="ignore"):
        left_peak = before.max(1, keepdims=True)
        right_peak = after.max(1, keepdims=True)
        weight = np.exp(left_peak + right_peak - log_z[:, None])
        left = np.exp(before - left_peak) * weight
        return np.exp(trans) * (left.T @ np.exp(after - right_peak))


def _viterbi(emit: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
             end: np.ndarray) -> list[list[int]]:
    """The best path of each padded sentence under the effective (masked) scores."""
    b, t_max, k = emit.shape
    score = start + emit[:, 0]
    back = np.zeros((b, t_max, k), dtype=np.int64)
    last = lengths - 1
    final = np.where((last == 0)[:, None], score + end, FORBIDDEN)
    for t in range(1, t_max):
        candidates = score[:, :, None] + trans[None]
        back[:, t] = candidates.argmax(1)
        score = candidates.max(1) + emit[:, t]
        final = np.where((last == t)[:, None], score + end, final)
    paths = []
    for i in range(b):
        tag = int(final[i].argmax())
        path = [tag]
        for t in range(int(last[i]), 0, -1):
            tag = int(back[i, t, tag])
            path.append(tag)
        paths.append(path[::-1])
    return paths


def constrained_paths(log_probs: Sequence[np.ndarray], rules: TagRules) -> list[list[int]]:
    """The best valid tag sequence of each sentence from per-token tag log-probabilities
    [tokens, tags] (a token classifier's softmax): Viterbi over the scheme's allowed starts,
    transitions and ends, each scoring 0, forbidden ones ``FORBIDDEN``. A sentence without
    tokens gets an empty path.

    This is the CRF's own decoder with no learned transition scores: the classifier's most
    probable tags wherever they already read strictly, and otherwise the most probable
    sequence that does (never ``O I-PER``).
    """
    masks = _Masks.of(rules)
    trans, start, end = (np.where(mask, 0.0, FORBIDDEN)
                         for mask in (masks.trans, masks.start, masks.end))
    lengths = np.asarray([len(row) for row in log_probs], dtype=np.int64)
    out: list[list[int]] = [[] for _ in log_probs]
    if not lengths.any():
        return out
    flat = np.concatenate([np.asarray(row, dtype=np.float64) for row in log_probs if len(row)])
    for chosen, rows in Layout.of(lengths.tolist()).batches:
        padded = np.where((rows < 0)[..., None], 0.0, flat[np.maximum(rows, 0)])
        for i, path in zip(chosen, _viterbi(padded, lengths[chosen], trans, start, end),
                           strict=True):
            out[i] = path
    return out
