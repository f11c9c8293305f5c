"""Span label errors (``textloop clean`` on a span project) against injected noise.

Claim (issue 17, point 2): on the dev corpora's train splits with injected noise, ranking
sentences by worst-token label quality reaches AUROC ≥ 0.90, span-level findings reach
F1 ≥ 0.70, and retraining after accepting the suggested fixes recovers at least half of the
entity F1 the noise cost (scored on the development split).

**Noise.** Seeded; ``rate`` of all gold spans (10% and 20%) are corrupted, each by one of
three operations drawn uniformly: *drop* (the span is removed), *type swap* (another type of
the corpus) and *boundary shift* (one word token added to or taken from either end, kept
inside the text and off other spans; a span where no shift fits gets a type swap instead).

**Ranking.** A sentence is noisy when any of its spans was corrupted; its score is one
minus its worst-token quality (cleanlab's self-confidence, out of fold). AUROC against
random ranking (0.5 in expectation; a seeded permutation is measured too).

**Findings.** The method (``--method``, default ``span-confident``) flags some of the
candidate findings (every disagreement with the out-of-fold model) and ranks the rest; the
baseline ``span-cleanlab`` (every candidate covering a token cleanlab flags: the method
before ``span-confident``) is scored in the same run from the same candidates. A finding is
*right* when it names a corrupted span with the kind its
corruption calls for: a dropped span ↔ a ``missing_span`` finding on that sentence whose
suggested span overlaps the dropped one; a type swap ↔ a ``wrong_type`` finding whose given
span is the swapped span; a boundary shift ↔ a ``wrong_boundary`` finding whose given span
is the shifted span. Precision = right findings / span findings (``missing_span``,
``spurious_span``, ``wrong_type``, ``wrong_boundary``; ``inconsistent_type`` is counted
apart); recall = corrupted spans named by a right finding / corrupted spans.

**Retraining.** ``minilm-crf`` fitted on the clean train split, on the noisy one (the
no-fix baseline), and on the noisy one after accepting fixes, each scored on the dev split
(strict entity micro-F1). Two reviewers: *accept all* takes every flagged span finding's
fix (no person involved: a floor), *reviewer* takes the right findings' fixes only (a person who
accepts correct suggestions and keeps the rest). Recovery = (fixed − noisy) / (clean −
noisy). Fixes go through ``stages.review.span_fix.fixed_value``, as accepting in review
does; one whose given span is gone or whose result would overlap another span is skipped.

Defaults for 2 shared cores: train capped at 1,000 sentences and dev at 500 (``--train``,
``--dev``; 0 = all), 3 folds, one seed; token vectors are memoised for the whole run, so
each text is encoded once. BTC has no train/dev split: section ``a`` is used as train and
section ``b`` as dev. Set ``TEXTLOOP_TEST_DATA`` when the data is not at ``../shared/data``.

    PYTHONPATH=src python benchmarks/span_clean.py

Results: printed, and written to benchmarks/results/span_clean.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from textloop.errors import ConflictError
from textloop.measures.span_metrics import span_metrics
from textloop.models.embedders import token_states
from textloop.models.spans.estimator import MiniLMCrf
from textloop.spans import Span, SpanError, check_spans, decode_spans, encode_spans
from textloop.spans.conll import read_conll
from textloop.spans.matching import covered, word_tokens
from textloop.stages.clean.result import Finding
from textloop.stages.clean.span_issues import SpanRecords, evidence_of
from textloop.stages.clean.span_labels import span_label_errors
from textloop.stages.review.span_fix import fixed_value
from textloop.strategies.cleaning.span_rules import BASELINE_SPAN_METHOD, get_span_method
from textloop.tasks import SPANS

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "spans"
CORPORA = {"wnut17": ("wnut17/train.conll", "wnut17/dev.conll"),
           "bc5cdr": ("bc5cdr/train.tsv", "bc5cdr/devel.tsv"),
           "btc": ("btc/a.conll", "btc/b.conll")}
SPAN_KINDS = ("missing_span", "spurious_span", "wrong_type", "wrong_boundary")
RIGHT_KIND = {"drop": "missing_span", "swap": "wrong_type", "shift": "wrong_boundary"}


def load(name: str, limit: int) -> tuple[list[str], list[list[Span]]]:
    records = list(read_conll(DATA / name))
    if limit:
        records = records[:limit]
    return [r.text for r in records], [list(r.spans) for r in records]


def inject(texts: Sequence[str], spans: Sequence[Sequence[Span]], rate: float, seed: int
           ) -> tuple[list[list[Span]], list[dict[str, Any]]]:
    """(noisy spans per text, one truth row per corrupted span; see the module docstring)."""
    rng = random.Random(seed)
    types = sorted({s.label for row in spans for s in row})
    every = [(i, s) for i, row in enumerate(spans) for s in row]
    chosen = rng.sample(every, round(rate * len(every)))
    noisy = [list(row) for row in spans]
    truth = []
    for i, span in sorted(chosen):
        operation = rng.choice(("drop", "swap", "shift"))
        shifted = _shift(texts[i], noisy[i], span, rng) if operation == "shift" else None
        if operation == "shift" and shifted is None:
            operation = "swap"
        noisy[i].remove(span)
        if operation == "drop":
            truth.append({"record": i, "op": "drop", "original": span, "noisy": None})
            continue
        new = shifted or Span(span.start, span.end,
                              rng.choice([t for t in types if t != span.label]))
        noisy[i].append(new)
        truth.append({"record": i, "op": operation, "original": span, "noisy": new})
    return [sorted(row) for row in noisy], truth


def _shift(text: str, row: Sequence[Span], span: Span, rng: random.Random) -> Span | None:
    tokens = word_tokens(text)
    inside = list(covered(tokens, span))
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    taken = {t for other in row if other != span for t in covered(tokens, other)}
    options = []
    if first > 0 and first - 1 not in taken:
        options.append((first - 1, last))
    if last + 1 < len(tokens) and last + 1 not in taken:
        options.append((first, last + 1))
    if last > first:
        options += [(first + 1, last), (first, last - 1)]
    if not options:
        return None
    a, b = rng.choice(options)
    return Span(tokens[a][0], tokens[b][1], span.label)


def is_right(finding: Finding, fact: dict[str, Any], record_id: str) -> bool:
    if finding.record_id != record_id or finding.kind != RIGHT_KIND[fact["op"]]:
        return False
    given, suggested = finding.details.get("given"), finding.details.get("suggested")
    if fact["op"] == "drop":
        return suggested is not None and Span(suggested["start"], suggested["end"],
                                              suggested["label"]).overlaps(fact["original"])
    return given is not None and Span(given["start"], given["end"], given["label"]) \
        == fact["noisy"]


def accepted(texts: Sequence[str], noisy: Sequence[Sequence[Span]], found: Sequence[Finding],
             ) -> tuple[list[list[Span]], int]:
    """The noisy spans after accepting ``found``'s fixes in order (lowest score first);
    (spans, fixes applied)."""
    values = [encode_spans(row) for row in noisy]
    applied = 0
    for f in found:
        i = int(f.record_id)
        try:
            value = fixed_value(values[i], f.details, 0)
            check_spans(texts[i], decode_spans(value), None, overlapping=False)
        except (ConflictError, SpanError):
            continue
        values[i] = value
        applied += 1
    return [decode_spans(v) for v in values], applied


def dev_f1(texts: Sequence[str], spans: Sequence[Sequence[Span]], dev_texts: Sequence[str],
           dev_spans: Sequence[Sequence[Span]]) -> float:
    predicted = MiniLMCrf().fit(list(texts), [list(r) for r in spans]).predict(list(dev_texts))
    ids = [str(i) for i in range(len(dev_texts))]
    scores = span_metrics(dict(zip(ids, dev_spans, strict=True)),
                          dict(zip(ids, predicted, strict=True)),
                          dict(zip(ids, dev_texts, strict=True)))
    return round(float(scores["entity_micro_f1"]), 4)


def scored(found: Sequence[Finding], truth: Sequence[dict[str, Any]]
           ) -> tuple[list[Finding], dict[str, Any]]:
    """(right findings, precision / recall / F1 of ``found`` against ``truth``)."""
    right = [f for f in found if any(is_right(f, fact, str(fact["record"])) for fact in truth)]
    named = [fact for fact in truth if any(is_right(f, fact, str(fact["record"]))
                                           for f in found)]
    precision = len(right) / len(found) if found else 0.0
    recall = len(named) / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return right, {"findings": len(found), "right_findings": len(right),
                   "finding_precision": round(precision, 4),
                   "finding_recall": round(recall, 4), "finding_f1": round(f1, 4),
                   "findings_by_kind": {k: sum(f.kind == k for f in found) for k in SPAN_KINDS},
                   "by_op": {op: {"noised": sum(f["op"] == op for f in truth),
                                  "found": sum(f["op"] == op for f in named)}
                             for op in ("drop", "swap", "shift")}}


def run(corpus: str, rates: Sequence[float], train: int, dev: int, folds: int, seed: int,
        model: str = "minilm-crf", method: str = "span-confident") -> list[dict[str, Any]]:
    train_file, dev_file = CORPORA[corpus]
    texts, spans = load(train_file, train)
    dev_texts, dev_spans = load(dev_file, dev)
    types = sorted({s.label for row in spans for s in row})
    began = time.perf_counter()
    clean_f1 = dev_f1(texts, spans, dev_texts, dev_spans)
    clean_seconds = round(time.perf_counter() - began, 1)
    rows = []
    for rate in rates:
        noisy, truth = inject(texts, spans, rate, seed)
        records = SpanRecords([str(i) for i in range(len(texts))], list(texts), noisy, types)
        strata, _ = SPANS.strata([encode_spans(r) for r in noisy], types)
        began = time.perf_counter()
        errors = span_label_errors(records, strata, model=model, method=method, folds=folds,
                                   seed=seed)
        clean_time = round(time.perf_counter() - began, 1)
        noisy_sentence = np.zeros(len(texts), dtype=bool)
        for fact in truth:
            noisy_sentence[fact["record"]] = True
        score = 1.0 - errors.issues.sentence_quality
        permuted = np.random.default_rng(seed).permutation(len(texts))
        found = [f for f in errors.findings if f.kind in SPAN_KINDS]
        right, quality = scored(found, truth)
        baseline_rule = get_span_method(BASELINE_SPAN_METHOD)[1]
        candidates = sorted([*found, *errors.ranked], key=lambda f: f.score or 0.0)
        _, baseline = scored([f for f in candidates if baseline_rule.flags(evidence_of(f))],
                             truth)
        _, every = scored(candidates, truth)
        noisy_f1 = dev_f1(texts, noisy, dev_texts, dev_spans)
        fixed_all, n_all = accepted(texts, noisy, found)
        fixed_right, n_right = accepted(texts, noisy, right)
        all_f1 = dev_f1(texts, fixed_all, dev_texts, dev_spans)
        right_f1 = dev_f1(texts, fixed_right, dev_texts, dev_spans)
        lost = clean_f1 - noisy_f1
        row = {
            "corpus": corpus, "rate": rate, "seed": seed, "folds": folds,
            "train_sentences": len(texts), "dev_sentences": len(dev_texts),
            "spans": sum(len(r) for r in spans), "noised_spans": len(truth),
            "noisy_sentences": int(noisy_sentence.sum()),
            "auroc": round(float(roc_auc_score(noisy_sentence, score)), 4),
            "auroc_random": round(float(roc_auc_score(noisy_sentence, permuted)), 4),
            "model": errors.model, "method": errors.method, **quality,
            "baseline": {k: baseline[k] for k in ("findings", "right_findings",
                                                  "finding_precision", "finding_recall",
                                                  "finding_f1")},
            "every_candidate": {k: every[k] for k in ("findings", "finding_recall")},
            "inconsistent_type_findings": sum(f.kind == "inconsistent_type"
                                              for f in errors.findings),
            "dev_f1_clean": clean_f1, "dev_f1_noisy": noisy_f1,
            "dev_f1_accept_all": all_f1, "dev_f1_reviewer": right_f1,
            "fixes_applied_all": n_all, "fixes_applied_reviewer": n_right,
            "recovered_accept_all": round((all_f1 - noisy_f1) / lost, 3) if lost > 0 else None,
            "recovered_reviewer": round((right_f1 - noisy_f1) / lost, 3) if lost > 0 else None,
            "clean_seconds": clean_time, "fit_seconds_clean_model": clean_seconds,
            "clean_seconds_per_1000": round(1000 * clean_time / len(texts), 1),
        }
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="wnut17,bc5cdr,btc")
    parser.add_argument("--rates", default="0.1,0.2")
    parser.add_argument("--train", type=int, default=1000, help="train sentences (0: all)")
    parser.add_argument("--dev", type=int, default=500, help="dev sentences (0: all)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default="minilm-crf", help="the out-of-fold span view")
    parser.add_argument("--method", default="span-confident", help="the span method")
    parser.add_argument("--out", default="span_clean.json",
                        help="file under benchmarks/results/ (one per corpus when corpora "
                             "run as parallel processes)")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    out = Path(__file__).parent / "results" / args.out
    out.parent.mkdir(exist_ok=True)
    results: list[dict[str, Any]] = []
    with token_states.memo(4 << 30):
        for corpus in args.corpora.split(","):
            if not (DATA / CORPORA[corpus][0]).exists():
                print(f"{corpus}: not found under {DATA}, skipped", flush=True)
                continue
            results += run(corpus, rates, args.train, args.dev, args.folds, args.seed,
                           args.model, args.method)
            out.write_text(json.dumps({"machine": machine_info(), "args": vars(args),
                                       "results": results}, indent=2) + "\n",
                           encoding="utf-8")


if __name__ == "__main__":
    main()
