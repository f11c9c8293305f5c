"""Synthetic span data at 50 labeled sentences: does the gated batch help, and is the kept
result ever below the baseline? Also the zero-/few-shot start: entity F1 of pre-annotations
from rules (a gazetteer from the labeled sentences) before any model is trained.

Claim (issue 17, points 3 and 4). Per corpus and seed, 50 sentences are drawn (seeded) from
the train split and are all the labels there are:

- **baseline**: ``minilm-crf`` (``--max-iter`` L-BFGS iterations) fitted on the 50;
- **synthesis**: ``mention-swap`` and ``span-context`` make up to ``--per-type`` items per
  span type each from those 50 (the stage's own seeds rule is not used: every one of the 50
  may be a seed), and the real gate runs on them (``run_gate`` with the span checks:
  spans valid, type agreement with the baseline model, lexical near-duplicates of the 50
  and contamination against the test rows, diversity); no embedder, to save CPU;
- **decision**: the existing rule (``evaluate.judge`` with ``synth.evaluate``'s defaults:
  entity micro-F1 must rise by at least 0.005 and no type lose more than 0.01 F1) reads
  the with/without comparison (what ``spans.compare_spans`` measures: the same scores,
  from the two models fitted once, as ``minilm-crf`` has no seed to vary) on ``--dev``
  rows of the corpus's dev
  split, standing for the release's own test split; the **final** model is the one with the
  batch when the rule accepts it, else the baseline;
- everything is **scored** on ``--test`` rows of the corpus's test split, which neither the
  gate's contamination check (text only) nor the decision reads scores from.

Token vectors are memoised over the run (``token_states.memo``), so the test rows are
encoded once per corpus. The zero-/few-shot part scores, on the same test rows, the span
rules built from the 50 sentences (every mention string as a case-sensitive phrase of its
most frequent type; with 0 sentences there are no rules, so nothing is suggested) with the
``span-rules`` model, and the ``minilm-crf`` baseline beside it. The LLM pre-annotator needs
a real model: this machine has none (see BENCHMARKS.md).

Corpora: WNUT-17 (train → dev, test), BC5CDR (train → devel, test), BTC (sections a, b, e
→ f, h). Set ``TEXTLOOP_TEST_DATA`` when the data is not at ``../shared/data``.

    PYTHONPATH=src python benchmarks/span_synth.py --seeds 5
    PYTHONPATH=src python benchmarks/span_synth.py --few-shot   # rules only, seconds

Results: printed, and written to benchmarks/results/span_synth.json (span_few_shot.json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from textloop.config import SynthEvaluation
from textloop.measures.span_metrics import span_metrics
from textloop.models.embedders.token_states import memo
from textloop.models.span_rules import SpanRulesModel
from textloop.models.spans.estimator import MiniLMCrf
from textloop.progress import NULL_PROGRESS
from textloop.spans import Span, decode_spans, encode_spans
from textloop.spans.conll import read_conll
from textloop.stages.synthesize.ablation import Inputs, summarise
from textloop.stages.synthesize.evaluate import judge
from textloop.stages.synthesize.gate import GateSettings, RealCorpus, SpanChecks, run_gate
from textloop.stages.synthesize.spans import METRIC, as_class_scores
from textloop.strategies.synth import Brief, Request, Seed, make_generator
from textloop.tasks.spans import by_record

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "spans"
CORPORA = {"wnut17": (["wnut17/train.conll"], "wnut17/dev.conll", "wnut17/test.conll"),
           "bc5cdr": (["bc5cdr/train.tsv"], "bc5cdr/devel.tsv", "bc5cdr/test.tsv"),
           "btc": (["btc/a.conll", "btc/b.conll", "btc/e.conll"], "btc/f.conll",
                   "btc/h.conll")}
GENERATORS = ("mention-swap", "span-context")


def load(paths: list[str]) -> list[tuple[str, list[Span]]]:
    return [(r.text, list(r.spans)) for path in paths for r in read_conll(DATA / path)
            if r.text.strip()]


def sample(rows: list[Any], n: int, seed: int) -> list[Any]:
    return random.Random(seed).sample(rows, min(n, len(rows))) if n else list(rows)


def scores(model: Any, rows: Inputs, labels: list[str]) -> dict[str, Any]:
    texts = list(rows.x)
    return span_metrics(by_record([decode_spans(v) for v in rows.y]),
                        by_record(model.predict(texts)), by_record(texts), labels=labels)


def f1(model: Any, rows: list[tuple[str, list[Span]]], labels: list[str]) -> float:
    found = scores(model, Inputs([t for t, _ in rows], [encode_spans(s) for _, s in rows]),
                   labels)
    return round(float(found[METRIC]), 4)


def gazetteer(rows: list[tuple[str, list[Span]]], labels: list[str]) -> SpanRulesModel:
    """Span rules from labeled rows: each mention string, case-sensitive, as a phrase of
    the type it carries most often."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for text, spans in rows:
        for span in spans:
            seen[span.text_of(text)][span.label] += 1
    phrases: dict[str, list[str]] = defaultdict(list)
    for string, types in sorted(seen.items()):
        phrases[types.most_common(1)[0][0]].append(string)
    rules = [{"name": f"gazetteer-{label}", "label": label, "phrases": phrases[label],
              "case_sensitive": True} for label in labels if phrases[label]]
    return SpanRulesModel(rules=rules, labels=labels).fit([])


def synthesize(train: list[tuple[str, list[Span]]], test: list[tuple[str, list[Span]]],
               labels: list[str], baseline: Any, per_type: int, seed: int
               ) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """The gated batch made from ``train``: (text, stored spans) of each accepted item,
    and the gate's counts."""
    seeds = [Seed(f"r{i}", text, tuple(spans)) for i, (text, spans) in enumerate(train)]
    mentions: dict[str, dict[str, None]] = defaultdict(dict)
    for text, spans in train:
        for span in spans:
            mentions[span.label][span.text_of(text)] = None
    made = []
    for name in GENERATORS:
        generator = make_generator(name)
        for label in labels:
            shown = tuple(s for s in seeds if any(x.label == label for x in s.spans))
            if not shown:
                continue
            brief = Brief(label, "", shown, mentions={k: tuple(v) for k, v in mentions.items()})
            made += generator.generate(Request(brief, per_type, seed), NULL_PROGRESS)
    real = RealCorpus([s.record_id for s in seeds] + [f"t{i}" for i in range(len(test))],
                      [t for t, _ in train] + [t for t, _ in test],
                      [encode_spans(s) for _, s in train] + [encode_spans(s) for _, s in test],
                      [False] * len(train) + [True] * len(test))
    result = run_gate(made, real, GateSettings(seed_variants=True),
                      spans=SpanChecks(labels, False, predict=baseline.predict))
    kept = [(v.candidate.text, v.candidate.value) for v in result.accepted()]
    return kept, {"generated": len(made), **result.counts()}


def run(corpus: str, seeds: int, n: int, dev_n: int, test_n: int, per_type: int,
        max_iter: int) -> dict[str, Any]:
    train_paths, dev_path, test_path = CORPORA[corpus]
    pool, dev, test = load(train_paths), load([dev_path]), load([test_path])
    dev, test = sample(dev, dev_n, 1), sample(test, test_n, 2)
    labels = sorted({s.label for _, spans in pool for s in spans})
    rule = SynthEvaluation()
    runs = []
    for seed in range(seeds):
        began = time.perf_counter()
        train = sample(pool, n, 100 + seed)
        model = MiniLMCrf(max_iter=max_iter)
        baseline = model.fit([t for t, _ in train], [s for _, s in train])
        base_f1 = f1(baseline, test, labels)
        kept, gate = synthesize(train, test, labels, baseline, per_type, seed)
        inputs = Inputs([t for t, _ in train], [encode_spans(s) for _, s in train])
        extra = Inputs([t for t, _ in kept], [v for _, v in kept])
        held = Inputs([t for t, _ in dev], [encode_spans(s) for _, s in dev])
        with_batch = MiniLMCrf(max_iter=max_iter).fit(
            [*inputs.x, *extra.x], [decode_spans(v) for v in [*inputs.y, *extra.y]])
        # what compare_spans measures on the dev rows, from the two models fitted here
        # (minilm-crf has no seed: refitting them there would give the same models)
        comparison = summarise([0], {arm: [as_class_scores(scores(fitted, held, labels),
                                                           labels)]
                                     for arm, fitted in (("without", baseline),
                                                         ("with", with_batch))}, labels)
        comparison.metric = METRIC
        decision, reason = judge(comparison, rule, len(kept))
        with_f1 = f1(with_batch, test, labels)
        final = with_f1 if decision == "accepted" else base_f1
        gazetteer_f1 = f1(gazetteer(train, labels), test, labels)
        row = {"seed": seed, "baseline": base_f1, "with_synth": with_f1, "final": final,
               "decision": decision, "reason": reason, "kept_items": len(kept), "gate": gate,
               "dev_delta": comparison.macro_f1.get("delta"), "gazetteer_rules": gazetteer_f1,
               "seconds": round(time.perf_counter() - began, 1)}
        print(json.dumps({"corpus": corpus, **row}), flush=True)
        runs.append(row)

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 4)

    return {"corpus": corpus, "train_sentences": n, "dev_rows": len(dev), "test_rows": len(test),
            "types": labels, "seeds": seeds, "per_type": per_type, "max_iter": max_iter,
            "median": {key: median(key) for key in ("baseline", "with_synth", "final",
                                                   "gazetteer_rules")},
            "accepted": sum(r["decision"] == "accepted" for r in runs),
            "final_below_baseline": sum(r["final"] < r["baseline"] for r in runs),
            "zero_shot_rules": 0.0, "runs": runs}


def few_shot(corpus: str, seeds: int, test_n: int) -> dict[str, Any]:
    """Entity F1 of rule pre-annotations on the test rows: a gazetteer from 0 labeled
    sentences (no rules: nothing suggested), from 50 (median over seeds, the same draws as
    ``run``), and from the whole train split (what a large gazetteer in ``span_rules``
    gives). No encoder is read."""
    train_paths, _, test_path = CORPORA[corpus]
    pool, test = load(train_paths), sample(load([test_path]), test_n, 2)
    labels = sorted({s.label for _, spans in pool for s in spans})
    at_50 = [f1(gazetteer(sample(pool, 50, 100 + seed), labels), test, labels)
             for seed in range(seeds)]
    seen = {s.text_of(t) for t, spans in pool for s in spans}
    mentions = [s.text_of(t) for t, spans in test for s in spans]
    return {"corpus": corpus, "test_rows": len(test), "rules_0": 0.0,
            "rules_50_median": round(statistics.median(at_50), 4), "rules_50": at_50,
            "rules_full_train": f1(gazetteer(pool, labels), test, labels),
            "test_mentions_seen_in_train": round(sum(m in seen for m in mentions)
                                                 / max(1, len(mentions)), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="wnut17,bc5cdr,btc")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--train", type=int, default=50)
    parser.add_argument("--dev", type=int, default=300)
    parser.add_argument("--test", type=int, default=600)
    parser.add_argument("--per-type", type=int, default=15)
    parser.add_argument("--max-iter", type=int, default=50)
    parser.add_argument("--few-shot", action="store_true",
                        help="only the rule pre-annotation figures (no encoder)")
    args = parser.parse_args()
    if args.few_shot:
        rows = [few_shot(c, args.seeds, args.test) for c in args.corpora.split(",")]
        for row in rows:
            print(json.dumps(row))
        out = Path(__file__).parent / "results" / "span_few_shot.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps({"machine": machine_info(), "args": vars(args),
                                   "results": rows}, indent=2) + "\n", encoding="utf-8")
        return
    results = []
    with memo():
        for corpus in args.corpora.split(","):
            results.append(run(corpus, args.seeds, args.train, args.dev, args.test,
                               args.per_type, args.max_iter))
    for row in results:
        print(json.dumps({k: v for k, v in row.items() if k != "runs"}))
    out = Path(__file__).parent / "results" / "span_synth.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": machine_info(), "args": vars(args),
                               "results": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
