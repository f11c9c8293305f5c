"""Choose the span finding rule's cuts on data the span-clean benchmark never reports on.

``benchmarks/span_clean.py`` reports on the first sentences of WNUT-17 ``train.conll``, BTC
section ``a`` and BC5CDR ``train.tsv``. This script runs the same stage code
(``span_label_errors``) with the same injected noise (10% and 20% of spans, seeded) on other
sentences: the *last* ``--n`` sentences of WNUT-17 and BC5CDR train (disjoint from the
report pools as long as those hold fewer than train's size minus ``--n``) and BTC section
``h`` (the report uses ``a`` and ``b``). It writes every candidate finding (all disagreements
between the given spans and the out-of-fold model's, flagged or not) with the evidence the
rule reads and whether it is right (``span_clean.is_right``); ``choose`` then grid-searches
the cuts of ``strategies.cleaning.span_rules.SpanConfident`` (one per finding kind, and
whether cleanlab must flag a covered token) that maximise finding F1 pooled over the
selection runs.

    PYTHONPATH=src python benchmarks/span_clean_select.py run --corpus btc --n 500
    PYTHONPATH=src python benchmarks/span_clean_select.py choose results/select_*.json

Results go to benchmarks/results/select_CORPUS_MODEL.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info
from span_clean import DATA, SPAN_KINDS, inject, is_right

from textloop.models.embedders import token_states
from textloop.spans import encode_spans
from textloop.spans.conll import read_conll
from textloop.stages.clean.span_issues import SpanRecords
from textloop.stages.clean.span_labels import span_label_errors
from textloop.strategies.cleaning.span_rules import NEVER, SpanConfident, SpanEvidence
from textloop.tasks import SPANS

SELECTION = {"wnut17": "wnut17/train.conll", "bc5cdr": "bc5cdr/train.tsv", "btc": "btc/h.conll"}


def run(corpus: str, n: int, model: str, folds: int, seed: int) -> dict[str, Any]:
    records = list(read_conll(DATA / SELECTION[corpus]))
    records = records[-n:] if corpus != "btc" else records[:n]
    texts, spans = [r.text for r in records], [list(r.spans) for r in records]
    types = sorted({s.label for row in spans for s in row})
    out: dict[str, Any] = {"corpus": corpus, "file": SELECTION[corpus], "n": len(texts),
                           "model": model, "machine": machine_info(), "runs": []}
    for rate in (0.1, 0.2):
        noisy, truth = inject(texts, spans, rate, seed)
        data = SpanRecords([str(i) for i in range(len(texts))], texts, noisy, types)
        strata, _ = SPANS.strata([encode_spans(r) for r in noisy], types)
        began = time.perf_counter()
        errors = span_label_errors(data, strata, model=model, folds=folds, seed=seed)
        seconds = round(time.perf_counter() - began, 1)
        candidates = [f for f in [*errors.findings, *errors.ranked] if f.kind in SPAN_KINDS]
        rows = [{"kind": f.kind, "evidence": f.details["evidence"], "record": f.record_id,
                 "right": any(is_right(f, fact, str(fact["record"])) for fact in truth)}
                for f in candidates]
        out["runs"].append({"rate": rate, "corrupted": len(truth), "seconds": seconds,
                            "candidates": rows})
        print(corpus, rate, len(truth), len(rows), seconds, flush=True)
    return out


GRID = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, NEVER)


def counts(runs: list[dict[str, Any]], kind: str, rule: tuple[float, float], token_flag: bool
           ) -> tuple[int, int]:
    """(findings, right findings) of ``kind`` that ``SpanConfident`` with this kind's
    ``rule`` (cut, supported cut) flags (with or without cleanlab's token flag), pooled over
    ``runs``."""
    method = SpanConfident(cuts={kind: rule[0]}, supported_cuts={kind: rule[1]},
                           require_token_flag=token_flag)
    found = right = 0
    for r in runs:
        for c in r["candidates"]:
            e = c["evidence"]
            if c["kind"] == kind and method.flags(SpanEvidence(
                    kind, e["p_suggested"], e["token_flagged"], e["support"])):
                found += 1
                right += c["right"]
    return found, right


def f1(found: int, right: int, corrupted: int) -> tuple[float, float, float]:
    """(precision, recall, F1); recall counts right findings against corrupted spans."""
    p = right / found if found else 0.0
    r = right / corrupted if corrupted else 0.0
    return round(p, 4), round(r, 4), round(2 * p * r / (p + r) if p + r else 0.0, 4)


def choose(paths: list[str]) -> dict[str, Any]:
    """Per kind, the (cut, supported cut) pair, and whether cleanlab must flag a token, with
    the best pooled F1: coordinate ascent over the kinds (each kind's pair chosen with the
    others fixed, three rounds), from every kind off."""
    runs = [r for p in paths for r in json.loads(Path(p).read_text())["runs"]]
    corrupted = sum(r["corrupted"] for r in runs)
    out: dict[str, Any] = {"runs": len(runs), "corrupted": corrupted,
                           "files": [Path(p).name for p in paths]}
    pairs = [(c, sc) for c in GRID for sc in GRID if sc <= c]
    for token_flag in (True, False):
        table = {(k, pair): counts(runs, k, pair, token_flag) for k in SPAN_KINDS
                 for pair in pairs}
        chosen = dict.fromkeys(SPAN_KINDS, (NEVER, NEVER))

        def total(rules: dict[str, tuple[float, float]],
                  table: dict[Any, tuple[int, int]] = table) -> tuple[float, float, float]:
            found = sum(table[k, rules[k]][0] for k in SPAN_KINDS)
            right = sum(table[k, rules[k]][1] for k in SPAN_KINDS)
            return f1(found, right, corrupted)
        for _ in range(3):
            for kind in SPAN_KINDS:
                chosen[kind] = max(pairs, key=lambda pair, k=kind: (
                    total({**chosen, k: pair})[2], pair))
        out[f"token_flag={token_flag}"] = {
            "cuts": {k: v[0] for k, v in chosen.items()},
            "supported_cuts": {k: v[1] for k, v in chosen.items()},
            "per_kind": {k: table[k, chosen[k]] for k in SPAN_KINDS},
            "p_r_f1": total(chosen)}
    every = [counts(runs, k, (0.0, 0.0), True) for k in SPAN_KINDS]
    out["baseline (span-cleanlab)"] = f1(sum(n for n, _ in every), sum(r for _, r in every),
                                         corrupted)
    print(json.dumps(out, indent=1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run")
    one.add_argument("--corpus", choices=sorted(SELECTION), required=True)
    one.add_argument("--n", type=int, default=500)
    one.add_argument("--model", default="minilm-crf")
    one.add_argument("--folds", type=int, default=3)
    one.add_argument("--seed", type=int, default=1)
    pick = sub.add_parser("choose")
    pick.add_argument("paths", nargs="+")
    args = parser.parse_args()
    if args.command == "choose":
        choose(args.paths)
        return
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    with token_states.memo(4 << 30):
        out = run(args.corpus, args.n, args.model, args.folds, args.seed)
    name = args.model.replace(":", "_").replace("=", "-")
    (results / f"select_{args.corpus}_{name}.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
