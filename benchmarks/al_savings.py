"""Label savings of active learning on four real datasets: the default vs random sampling.

Claim (issue 18): the default strategy (``default``, version 3: margin with diverse batches
and noise down-weighting when the most contradicted class says so) reaches 98% of the
full-data macro-F1 with at most half the labels random sampling needs on sms_spam, ag_news
and banking77; on davidson_hate_offensive (crowd-voted labels) it never needs more labels
than random to 95% or 98%; and its area under the learning curve is not below random's on
any of the four. The previous default (``textloop.query.default.v2``: the noise switch on
the overall contradicted share) runs beside it in the same run. The script reports
whether each part held, per dataset.

Each dataset runs ``textloop simulate-al``'s library function (``simulate_vectors``) with
every strategy, median over 5 seeds. Random sampling labels a random first batch (labeling
without active learning); the default and cold start begin with the seed's cold-start batch,
and the strategies that need a model start from that same batch. The test set is the file's
own test split (ag_news, banking77) or a stratified 20% drawn per seed and shared by every
strategy of the seed (sms_spam, davidson_hate_offensive). "Full-data macro-F1" is the same
logistic regression trained on the whole pool. Budgets are set so random sampling reaches
95% within them (the output says whether it did); batches are small enough that the label
counts are resolved finely where the curves cross 95%.

Embeddings: MiniLM int8 through the persistent user cache, and a per-file copy of the
vectors in ``~/.cache/textloop-bench`` (``--cache``), keyed by the file's sha256, so a
re-run skips reading and embedding. Pools above ``--max-pool`` rows are subsampled once
(fixed seed) before embedding, so a capped run embeds only what it uses.

Run from the repository root (datasets two at a time, one core each)::

    python benchmarks/al_savings.py --seeds 5
    python benchmarks/al_savings.py \\
        --strategies random,default,margin,entropy,least-confidence,cluster-margin,qbc

``--scale 0.5`` halves every budget (a quicker, coarser run on a busy machine).

Results: benchmarks/results/al_savings.json and al_savings.md, plus each dataset's curves,
figure and table under benchmarks/results/al_savings/<dataset>/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from textloop.stages.simulate import Plan, simulate_vectors
from textloop.stages.simulate.data import read_labeled
from textloop.stages.simulate.features import EMBEDDER, embed_texts
from textloop.stages.simulate.savings import BASELINE, LEVELS

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data")
DEFAULT = "default"
PREVIOUS = "textloop.query.default.v2"
STRATEGIES = ("random", PREVIOUS, DEFAULT)
DATASETS: dict[str, dict[str, int]] = {  # random reaches 95% within the budget (checked)
    "sms_spam": {"budget": 600, "batch": 25},
    "ag_news": {"budget": 1000, "batch": 25},
    "banking77": {"budget": 4000, "batch": 100},
    "davidson_hate_offensive": {"budget": 3000, "batch": 50},
}
TARGET_RATIO = 2.0
"""Random's labels / the default's, to 98% of the full-data macro-F1."""
NOISY = ("davidson_hate_offensive",)
"""Crowd-voted labels: the target there is never needing more labels than random."""


def load_vectors(name: str, cache: Path, max_pool: int) -> tuple[np.ndarray, list[str],
                                                                 np.ndarray | None, dict]:
    """(X, labels, is_test, source facts) for a development set, cached per file and pool cap.

    The pool is subsampled (fixed seed) before embedding, so a capped run embeds only the
    rows it uses; the rows chosen are the same as subsampling after embedding would pick.
    """
    path = DATA / f"{name}.jsonl.gz"
    cache.mkdir(parents=True, exist_ok=True)
    stamp = f"{path.stat().st_size}-{int(path.stat().st_mtime)}"
    whole = cache / f"{name}-{EMBEDDER}-{stamp}.npz"  # every row (earlier runs)
    cached = cache / f"{name}-{EMBEDDER}-{stamp}-pool{max_pool}.npz"
    if whole.exists():
        with np.load(whole, allow_pickle=False) as z:
            X, labels, is_test, sha = z["X"], z["labels"].tolist(), z["is_test"], str(z["sha256"])
        n_all = X.shape[0]
        rows = _capped_rows(n_all, is_test if is_test.shape[0] else None, max_pool)
        X, labels = X[rows], [labels[i] for i in rows]
        is_test = is_test[rows] if is_test.shape[0] else is_test
    elif cached.exists():
        with np.load(cached, allow_pickle=False) as z:
            X, labels, is_test = z["X"], z["labels"].tolist(), z["is_test"]
            sha, n_all = str(z["sha256"]), int(z["n_all"])
    else:
        data = read_labeled(path)
        labels, sha, n_all = data.labels, data.sha256, len(data.texts)
        test = data.is_test
        rows = _capped_rows(n_all, test, max_pool)
        X = embed_texts([data.texts[i] for i in rows]).astype(np.float32)
        labels = [labels[i] for i in rows]
        is_test = test[rows] if test is not None else np.zeros(0, dtype=bool)
        np.savez(cached, X=X, labels=np.asarray(labels), is_test=is_test, sha256=sha,
                 n_all=n_all)
    source = {"path": str(path), "sha256": sha, "rows_used": int(X.shape[0]),
              "subsampled_from": n_all if X.shape[0] < n_all else None,
              "embedder": EMBEDDER, "title": path.name}
    return X, labels, (is_test if is_test.shape[0] else None), source


def _capped_rows(n_all: int, test: np.ndarray | None, max_pool: int) -> np.ndarray:
    """Every row, or the test split whole and a seeded sample of ``max_pool`` pool rows (of
    ``max_pool / 0.8`` rows when each seed holds out its own 20%)."""
    rows = np.arange(n_all)
    pool_rows = rows if test is None else rows[~test]
    pool_limit = max_pool if test is not None else int(max_pool / 0.8)
    if pool_rows.shape[0] <= pool_limit:
        return rows
    keep = np.random.default_rng(0).choice(pool_rows, size=pool_limit, replace=False)
    return np.sort(np.concatenate([keep, rows[test]]) if test is not None else keep)


def run_dataset(name: str, settings: dict[str, int], strategies: list[str], seeds: int,
                out: Path, cache: Path, max_pool: int) -> dict[str, Any]:
    started = time.perf_counter()
    load_before = os.getloadavg()
    X, labels, is_test, source = load_vectors(name, cache, max_pool)
    plan = Plan.make(strategies, seeds, settings["budget"], settings["batch"], None)
    result = simulate_vectors(X, labels, is_test, plan, out_dir=out / name, source=source)
    rows = {row.strategy: asdict(row) for row in result.rows}
    seconds = round(time.perf_counter() - started, 1)
    print(f"{name}: {result.verdict} ({seconds:.0f}s)", flush=True)
    return {"settings": {**settings, "seeds": seeds, "initial": settings["batch"]},
            "classes": result.settings["classes"], "pool": result.settings["pool"],
            "test": result.settings["test"], "test_set": result.settings["test_set"],
            "reference_macro_f1": result.reference_macro_f1, "verdict": result.verdict,
            "target": savings_target(result.rows, noisy=name in NOISY), "rows": rows,
            "seconds": seconds,
            "load_average": {"before": load_before, "after": os.getloadavg()}}


def target_check(rows: list[Any], default_name: str = DEFAULT,
                 target_ratio: float = 3.0) -> dict[str, Any]:
    """Did the default need <= 1/``target_ratio`` of random's labels to 95%, with an AUC not
    below random's? (benchmarks/span_al.py asks this of the span default.)"""
    by_name = {r.strategy: r for r in rows}
    default, base = by_name.get(default_name), by_name.get(BASELINE)
    if default is None or base is None:
        return {}
    reach = default.reach(LEVELS[0])
    ratio = reach.ratio if reach.ratio is not None else reach.ratio_at_least
    return {"ratio_95": ratio, "ratio_met": ratio is not None and ratio >= target_ratio,
            "auc_vs_random": default.auc_vs_random,
            "auc_met": default.auc_vs_random is not None and default.auc_vs_random >= 0.0}


def savings_target(rows: list[Any], noisy: bool = False) -> dict[str, Any]:
    """Issue 18's target for the default: <= 1/``TARGET_RATIO`` of random's labels to 98%
    (on noisy data: never more than random's to 95% or 98%; both unreached is a tie), with
    an AUC not below random's."""
    by_name = {r.strategy: r for r in rows}
    default, base = by_name.get(DEFAULT), by_name.get(BASELINE)
    if default is None or base is None:
        return {}
    ratios = {}
    for level in LEVELS:
        reach = default.reach(level)
        ratios[level] = reach.ratio if reach.ratio is not None else reach.ratio_at_least
    if noisy:
        met = all((ratios[level] is None and base.reach(level).labels is None)
                  or (ratios[level] is not None and ratios[level] >= 1.0) for level in LEVELS)
    else:
        met = ratios[LEVELS[-1]] is not None and ratios[LEVELS[-1]] >= TARGET_RATIO
    return {"ratio_95": ratios[LEVELS[0]], "ratio_98": ratios[LEVELS[-1]],
            "ratio_target": "never above random's labels" if noisy else
                            f">= {TARGET_RATIO:g}x fewer to 98%",
            "ratio_met": met, "auc_vs_random": default.auc_vs_random,
            "auc_met": default.auc_vs_random is not None and default.auc_vs_random >= 0.0}


def cell(reach: dict[str, Any]) -> str:
    labels = "not reached" if reach["labels"] is None else f"{reach['labels']:,}"
    if reach["ratio"] is not None:
        return f"{labels} ({reach['ratio']:.2f}×)"
    if reach["ratio_at_least"] is not None:
        return f"{labels} (≥{reach['ratio_at_least']:.2f}×)"
    return labels


def markdown(summary: dict[str, Any]) -> str:
    m = summary["machine"]
    lines = ["# Active learning: label savings vs random sampling", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python "
             f"{m['python']}. Date: {m['date']}. Command: `{m['command']}`. "
             f"Medians over {summary['seeds']} seeds; × = random's labels / the strategy's "
             "(≥: random did not reach the level within the budget). AUC: mean macro-F1 "
             "over the session; Δ AUC: median per-seed difference to random.", ""]
    for name, res in summary["datasets"].items():
        s = res["settings"]
        t = res["target"]
        lines += [f"## {name}", "",
                  f"{res['classes']} classes, pool {res['pool']:,}, test {res['test']:,} "
                  f"({res['test_set']}); budget {s['budget']:,}, batch {s['batch']} "
                  f"(first batch {s['initial']}); full-data macro-F1 "
                  f"{res['reference_macro_f1']:.3f}; {res['seconds']:.0f}s.", "",
                  "| strategy | labels to 95% | labels to 98% | AUC | Δ AUC | stop at "
                  "| flat from |", "|---|---|---|---|---|---|---|"]
        for strategy, row in res["rows"].items():
            r95, r98 = row["reaches"]
            diff = "–" if row["auc_vs_random"] is None else f"{row['auc_vs_random']:+.3f}"
            stop = "–" if row["stop_at"] is None else f"{row['stop_at']:,}"
            flat = "–" if row.get("plateau_at") is None else (
                f"{row['plateau_at']:,}" + (" (early)" if row.get("plateau_early") else ""))
            lines.append(f"| {strategy} | {cell(r95)} | {cell(r98)} | {row['auc']:.3f} | "
                         f"{diff} | {stop} | {flat} |")
        if t:
            ratio = "–" if t["ratio_98"] is None else f"{t['ratio_98']:.2f}×"
            lines += ["", f"Target (default: {t['ratio_target']}; AUC not below random's): "
                          f"ratio to 98% {ratio} {'met' if t['ratio_met'] else 'missed'}; AUC "
                          f"{'met' if t['auc_met'] else 'missed'}."]
        lines += ["", f"Verdict: {res['verdict']}", ""]
    return "\n".join(lines)


def scaled(settings: dict[str, int], scale: float) -> dict[str, int]:
    """The dataset's budget times ``scale``, in whole batches (at least two)."""
    batch = settings["batch"]
    return {**settings, "budget": max(2, round(settings["budget"] * scale / batch)) * batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--jobs", type=int, default=2,
                        help="datasets simulated at the same time (one core each)")
    parser.add_argument("--max-pool", type=int, default=20_000)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every budget (batches stay): 0.5 for a quicker run")
    parser.add_argument("--cache", type=Path,
                        default=Path.home() / ".cache" / "textloop-bench")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--name", default="al_savings",
                        help="file stem of the results (al_savings.json, al_savings.md)")
    args = parser.parse_args()
    strategies = [s for s in args.strategies.split(",") if s]
    started = time.perf_counter()
    names = [name for name in args.datasets.split(",") if name]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {name: pool.submit(run_dataset, name, scaled(DATASETS[name], args.scale),
                                     strategies, args.seeds, args.out / "al_savings",
                                     args.cache, args.max_pool)
                   for name in names}
        results = {name: future.result() for name, future in futures.items()}
    summary = {"claim": f"default strategy reaches 98% of full-data macro-F1 with <= "
                        f"1/{TARGET_RATIO:g} of random's labels (on {', '.join(NOISY)}: never "
                        "more than random's); AUC not below random's",
               "scale": args.scale,
               "machine": machine_info(), "strategies": strategies, "seeds": args.seeds,
               "max_pool": args.max_pool, "datasets": results,
               "seconds": round(time.perf_counter() - started, 1)}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{args.name}.json"
    path.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    table = markdown(summary)
    (args.out / f"{args.name}.md").write_text(table, encoding="utf-8")
    print(table)
    print(f"written to {path} ({summary['seconds']:.0f}s)")


if __name__ == "__main__":
    main()
