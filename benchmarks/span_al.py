"""Label savings of active learning on span corpora: the span strategies vs random sampling.

Claim (issue 17, part 1): on WNUT-17, BTC and BC5CDR, the default span strategy
(``span-default``: cold start on sentence embeddings, then MNLP) reaches 95% of the
full-data entity micro-F1 with at most half the labeled sentences random sampling needs
(ratio >= 2) on at least two of the three, and its area under the learning curve is never
below random's. The script reports whether each part held, per corpus.

Each corpus runs ``textloop simulate-al``'s library function for span files
(``simulate_span_texts``): pool = the corpus's training sentences, scored on its dev split
(never its test split): WNUT-17 train/dev, BC5CDR train/devel, and for BTC (sections, no
official split) sections a, b, e and g as the pool and section f as dev (h is kept as the
test section). The learner is ``minilm-crf`` with L-BFGS bounded to 50 iterations (the one
``textloop suggest`` fits), warm-started from round to round; token vectors are memoised for
the whole run.

The CPU is small (2 shared cores), so: each pool is capped at ``--pool`` sentences and each
dev split at ``--test`` sentences (seeded subsamples, the same for every strategy), the
labeled-sentence schedule grows (``--schedule``; a schedule past the pool ends at the pool
size, one below it leaves the strategies choosing until the end), and ``--seeds`` is 1
unless given. "Full-data entity F1" is the same model fitted on the whole (capped) pool to
convergence.

Run from the repository root, one corpus and group of strategies per process (a group
shares the token vectors and the reference; processes of one corpus compute the same
reference, which ``--summarize`` checks), then join them::

    for c in wnut17 bc5cdr btc; do
        python benchmarks/span_al.py --corpus $c --strategy random,span-default --seeds 3 \
            --pool 600 --test 300 --schedule 50,100,200,400 & done; wait
    python benchmarks/span_al.py --summarize

Results: benchmarks/results/span_al/<corpus>/<strategy>/ (curves, figure and table of that
run); ``--summarize`` scores the joined curves of each corpus with simulate-al's savings
table (``savings_rows``: labels to 95%/98%, ratio to random, AUC difference), writes
benchmarks/results/span_al.json and prints the BENCHMARKS.md table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from textloop.spans import Span
from textloop.stages.simulate import Plan, simulate_span_texts
from textloop.stages.simulate.features import EMBEDDER, embed_texts
from textloop.stages.simulate.loop import Curve, SpanPoint
from textloop.stages.simulate.savings import BASELINE, savings_rows, verdict
from textloop.stages.simulate.span_data import read_spans
from textloop.strategies.query import get_strategy

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info
from al_savings import target_check

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "spans"
CORPORA: dict[str, dict[str, list[str]]] = {
    "wnut17": {"pool": ["wnut17/train.conll"], "dev": ["wnut17/dev.conll"]},
    "bc5cdr": {"pool": ["bc5cdr/train.tsv"], "dev": ["bc5cdr/devel.tsv"]},
    "btc": {"pool": ["btc/a.conll", "btc/b.conll", "btc/e.conll", "btc/g.conll"],
            "dev": ["btc/f.conll"]},
}
DEFAULT = "span-default"
STRATEGIES = ("random", DEFAULT, "span-least-confidence", "span-token-entropy-mean",
              "span-cluster-mnlp", "span-mnlp", "span-token-entropy-max")
SCHEDULE = (50, 100, 200, 400, 600, 800, 1200, 1600)
TARGET_RATIO = 2.0


def read(files: list[str], cap: int, seed: int) -> tuple[list[str], list[list[Span]], int]:
    """The sentences of ``files`` (CoNLL, read as ``textloop import`` reads them), a seeded
    subsample of ``cap`` when there are more; and how many there were."""
    texts: list[str] = []
    spans: list[list[Span]] = []
    for name in files:
        data = read_spans(DATA / name, "conll")
        texts += data.texts
        spans += data.spans
    total = len(texts)
    if total > cap:
        keep = np.sort(np.random.default_rng(seed).choice(total, cap, replace=False))
        texts, spans = [texts[i] for i in keep], [spans[i] for i in keep]
    return texts, spans, total


def run_corpus(name: str, strategies: list[str], args: argparse.Namespace
               ) -> dict[str, dict[str, Any]]:
    started = time.perf_counter()
    load_before = os.getloadavg()
    files = CORPORA[name]
    pool_texts, pool_spans, pool_total = read(files["pool"], args.pool, 0)
    dev_texts, dev_spans, dev_total = read(files["dev"], args.test, 1)
    texts, spans = pool_texts + dev_texts, pool_spans + dev_spans
    is_test = np.arange(len(texts)) >= len(pool_texts)
    X = embed_texts(texts)
    schedule = [n for n in args.schedule if n < len(pool_texts)]
    if not schedule or schedule[-1] != args.schedule[-1]:  # the schedule outgrew the pool
        schedule.append(len(pool_texts))
    checked = Plan.make(strategies, args.seeds, schedule[-1], schedule[0], None,
                        schedule=schedule)
    # the strategies asked for only (``make`` adds random as the baseline; --summarize
    # joins the runs of a corpus)
    plan = Plan({s: get_strategy(s) for s in strategies}, checked.seeds, checked.budget,
                checked.batch, checked.initial, checked.schedule)
    source = {"files": files, "pool_sentences": pool_total, "dev_sentences": dev_total,
              "pool_used": len(pool_texts), "dev_used": len(dev_texts), "embedder": EMBEDDER,
              "title": f"{name} (pool {len(pool_texts)}, dev {len(dev_texts)})"}
    result = simulate_span_texts(texts, spans, is_test, plan, X=X,
                                 out_dir=args.out / "span_al" / name / "+".join(strategies),
                                 source=source)
    seconds = round(time.perf_counter() - started, 1)
    print(f"{name} {','.join(strategies)}: reference {result.reference_score:.3f} "
          f"({seconds:.0f}s)", flush=True)
    document = json.loads(result.curves_json.read_text(encoding="utf-8"))
    return {strategy: {"source": source, "schedule": schedule, "seeds": args.seeds,
                       "reference": document["reference"],
                       "curves": document["curves"][strategy], "seconds": seconds,
                       "machine": machine_info(),
                       "load_average": {"before": load_before, "after": os.getloadavg()}}
            for strategy in strategies}


def join(runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One corpus's runs (strategy -> run) scored together, as one simulation would be."""
    curves = {strategy: [Curve(strategy, c["seed"], [SpanPoint(**p) for p in c["points"]],
                               c["stop_at"], c["fit_seconds"], c["query_seconds"])
                         for c in run["curves"]]
              for strategy, run in sorted(runs.items(), key=lambda kv: kv[0] != BASELINE)}
    first = next(iter(runs.values()))
    reference = {int(seed): scores["entity_micro_f1"]
                 for seed, scores in first["reference"].items()}
    others = [{seed: scores["entity_micro_f1"] for seed, scores in r["reference"].items()}
              for r in runs.values()]
    assert all(r == {str(k): v for k, v in reference.items()} for r in others), \
        "runs disagree on the reference"
    budget = first["schedule"][-1]
    rows = savings_rows(curves, reference, budget)
    median = float(np.median(list(reference.values())))
    return {"source": first["source"], "schedule": first["schedule"], "seeds": first["seeds"],
            "reference_entity_micro_f1": median,
            "reference_lbfgs_iterations": [scores.get("lbfgs_iterations")
                                           for scores in first["reference"].values()],
            "verdict": verdict(rows, median, budget, "entity micro-F1"),
            "target": target_check(rows, DEFAULT, TARGET_RATIO),
            "rows": {row.strategy: asdict(row) for row in rows},
            "curves": {s: [[(p.labels, round(p.score, 4)) for p in c.points] for c in runs_]
                       for s, runs_ in curves.items()},
            "fit_seconds": {s: run["curves"][0]["fit_seconds"] for s, run in runs.items()},
            "query_seconds": {s: run["curves"][0]["query_seconds"] for s, run in runs.items()},
            "seconds": {s: run["seconds"] for s, run in runs.items()},
            "machine": first["machine"],
            "load_average": {s: run["load_average"] for s, run in runs.items()}}


def summarize(out: Path) -> None:
    found = {}
    for corpus in CORPORA:
        runs = {p.stem: json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((out / "span_al" / corpus).glob("*.json"))}
        if runs:
            found[corpus] = join(runs)
    (out / "span_al.json").write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    print("| corpus | pool / dev | full-data F1 | strategy | labels to 95% | × | "
          "labels to 98% | × | AUC | vs random |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, res in found.items():
        for strategy, row in res["rows"].items():
            cells = []
            for reach in row["reaches"]:
                ratio = reach["ratio"] if reach["ratio"] is not None else reach["ratio_at_least"]
                prefix = "≥" if reach["ratio"] is None and ratio is not None else ""
                cells += [str(reach["labels"] or "not reached"),
                          f"{prefix}{ratio:.2f}" if ratio is not None else "–"]
            diff = row["auc_vs_random"]
            print(f"| {name} | {res['source']['pool_used']} / {res['source']['dev_used']} | "
                  f"{res['reference_entity_micro_f1']:.3f} | {strategy} | " + " | ".join(cells)
                  + f" | {row['auc']:.3f} | " + ("–" if diff is None else f"{diff:+.3f}") + " |")
    met = sum(bool(r["target"].get("ratio_met")) for r in found.values())
    auc = all(r["target"].get("auc_met") for r in found.values())
    print(f"\nratio >= {TARGET_RATIO} on {met} of {len(found)}; AUC never below random: {auc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA))
    parser.add_argument("--summarize", action="store_true")
    parser.add_argument("--strategy", type=lambda s: s.split(","),
                        help=f"one or more of {', '.join(STRATEGIES)}, comma-separated: "
                             "one process shares the token vectors and the reference")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--pool", type=int, default=1600)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--schedule", type=lambda s: [int(n) for n in s.split(",")],
                        default=list(SCHEDULE))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    if args.summarize:
        summarize(args.out)
        return
    if args.corpus is None or args.strategy is None:
        parser.error("pass --corpus NAME --strategy NAME, or --summarize")
    if not (DATA / CORPORA[args.corpus]["pool"][0]).exists():
        raise SystemExit(f"{DATA}: {args.corpus} is not there")
    unknown = sorted(set(args.strategy) - set(STRATEGIES))
    if unknown:
        parser.error(f"--strategy {','.join(unknown)}: expected some of {', '.join(STRATEGIES)}")
    results = run_corpus(args.corpus, args.strategy, args)
    folder = args.out / "span_al" / args.corpus
    folder.mkdir(parents=True, exist_ok=True)
    for strategy, result in results.items():
        (folder / f"{strategy}.json").write_text(json.dumps(result, indent=1) + "\n",
                                                 encoding="utf-8")


if __name__ == "__main__":
    main()
