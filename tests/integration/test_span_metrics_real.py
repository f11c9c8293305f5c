"""Entity scores on the real dev corpora agree with seqeval's strict IOB2 report.

Gold spans come from the corpora as read by ``textloop.spans.conll``; the predictions are
the gold spans perturbed deterministically (dropped, boundaries moved left or right, types
changed, spurious spans added), so every kind of mistake occurs. Our strict micro, macro and
per-type precision, recall, F1 and support must match
``seqeval.metrics.classification_report(mode="strict", scheme=IOB2)`` to 1e-9.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.conftest import shared_data
from textloop.measures.span_errors import KINDS, span_errors
from textloop.measures.span_metrics import span_metrics
from textloop.spans import Span
from textloop.spans.conll import read_conll
from textloop.spans.records import Record
from textloop.spans.schemes import spans_to_tags
from textloop.spans.tokens import to_char_spans, to_token_spans

seqeval_metrics = pytest.importorskip("seqeval.metrics")
seqeval_scheme = pytest.importorskip("seqeval.scheme")

pytestmark = pytest.mark.integration

DEV = ["wnut17/dev.conll", "btc/e.conll", "bc5cdr/devel.tsv"]


def perturbed(gold: list[Span], n_tokens: int, types: list[str], k: int) -> list[Span]:
    """Token spans made wrong on purpose, by the span's running number ``k``: one in seven
    dropped, the others widened right, retyped, widened left, retyped and widened, or kept;
    every fourth sentence gets a spurious span on its first free token. Overlaps are
    resolved by keeping the first."""
    out: list[Span] = []
    for i, span in enumerate(gold):
        rule = (k + i) % 7
        other = types[(types.index(span.label) + 1) % len(types)]
        if rule == 0:
            continue
        if rule == 1 and span.end < n_tokens:
            span = Span(span.start, span.end + 1, span.label)
        elif rule == 2:
            span = Span(span.start, span.end, other)
        elif rule == 3 and span.start > 0:
            span = Span(span.start - 1, span.end, span.label)
        elif rule == 4 and span.end < n_tokens:
            span = Span(span.start, span.end + 1, other)
        out.append(span)
    covered = {t for s in gold for t in range(s.start, s.end)}
    free = [t for t in range(n_tokens) if t not in covered]
    if k % 4 == 0 and free:
        out.append(Span(free[0], free[0] + 1, types[k % len(types)]))
    kept: list[Span] = []
    for span in sorted(out):
        if not kept or kept[-1].end <= span.start:
            kept.append(span)
    return kept


def corpus(name: str) -> tuple[dict[str, str], dict[str, list[Span]], dict[str, list[Span]],
                               list[list[str]], list[list[str]]]:
    """Texts, gold and predicted character spans by record, and the IOB2 tag sequences of
    both for seqeval."""
    records: list[Record] = list(read_conll(shared_data("spans", name)))
    types = sorted({s.label for r in records for s in r.spans})
    texts, gold, pred = {}, {}, {}
    true_tags, pred_tags = [], []
    k = 0
    for index, record in enumerate(records):
        offsets = record.meta["tokens"]
        token_gold = to_token_spans(record.text, record.spans, offsets)
        token_pred = [s for s in perturbed(token_gold, len(offsets), types, k)
                      if offsets[s.end - 1][1] > offsets[s.start][0]]  # no empty span
        k += len(token_gold) + 1
        rid = f"{name}:{index}"
        texts[rid] = record.text
        gold[rid] = record.spans
        pred[rid] = to_char_spans(token_pred, offsets)
        assert to_char_spans(token_gold, offsets) == sorted(record.spans)
        true_tags.append(spans_to_tags(token_gold, len(offsets), "IOB2"))
        pred_tags.append(spans_to_tags(token_pred, len(offsets), "IOB2"))
    return texts, gold, pred, true_tags, pred_tags


def seqeval_report(true_tags: list[list[str]], pred_tags: list[list[str]]) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seqeval warns on its zero divisions
        return seqeval_metrics.classification_report(
            true_tags, pred_tags, mode="strict", scheme=seqeval_scheme.IOB2, output_dict=True)


@pytest.mark.parametrize("name", DEV)
def test_strict_scores_agree_with_seqeval(name: str) -> None:
    texts, gold, pred, true_tags, pred_tags = corpus(name)
    ours = span_metrics(gold, pred, texts)
    theirs = seqeval_report(true_tags, pred_tags)
    averages = {"micro avg", "macro avg", "weighted avg"}
    assert set(ours["per_type"]) == set(theirs) - averages
    for label, row in ours["per_type"].items():
        for key in ("precision", "recall"):
            assert row[key] == pytest.approx(float(theirs[label][key]), abs=1e-9)
        assert row["f1"] == pytest.approx(float(theirs[label]["f1-score"]), abs=1e-9)
        assert row["support"] == int(theirs[label]["support"])
    for average in ("micro", "macro"):
        for key, their_key in (("precision", "precision"), ("recall", "recall"),
                               ("f1", "f1-score")):
            assert ours[f"entity_{average}_{key}"] == pytest.approx(
                float(theirs[f"{average} avg"][their_key]), abs=1e-9)
    # the comparison means something: the predictions are far from perfect and every kind
    # of mistake occurs
    assert 0.2 < ours["entity_micro_f1"] < 0.9
    errors = span_errors(gold, pred, texts)
    assert all(errors.counts[kind] > 0 for kind in KINDS), errors.counts
