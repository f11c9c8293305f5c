"""Label-issue detection against injected class-conditional noise, and the downstream effect.

Claim (issue targets, median over 5 seeds): on sms_spam, ag_news, banking77 and a
20,000-row sample of sst2, with 10% and 20% class-conditional label noise, the flagged set
of ``textloop clean``'s default method (``views-knn``) reaches F1 >= 0.80 against the
injected flips at 20% noise and >= 0.75 at 10%, and beats cleanlab's defaults (on the main
model's out-of-fold probabilities, same folds) on at least three of the four data sets.
Downstream: retraining on the 20%-noise pool with the flagged records relabeled to the
suggested label recovers at least half of the test macro-F1 lost to the noise.

Data. Each data set's *pool* is its non-test rows (distinct texts, read as ``textloop
import`` reads them); sst2's pool is 20,000 rows drawn once (seed 0) from its 67,349
non-test rows. Noise is injected into the pool only; the test split (the file's own, or a
fixed stratified 20% of sms_spam, which has none) is never noisy. Each pool is embedded
once per run with the project's MiniLM int8 embedder (persistent user embedding cache), and
its 10 nearest neighbours are computed once: only the labels change between seeds.

Noise. A flip matrix per data set (written to the results): every class sends its flips to
``--targets`` other classes (the only other class for a binary set) with shares 0.7 and
0.3. ``--flips random`` (default) draws the target classes at random once per data set
(seed 0), as confident learning's sparse noise matrices do; ``--flips confusable`` picks the
classes whose embedding centroids are nearest, the mistakes annotators actually make. In
each seed exactly round(rate * n_c) records of class c, drawn at random, are flipped.

Per seed and noise rate: out-of-fold probabilities of ``embed-lr`` and ``tfidf-lr`` (5
folds, fold seed = noise seed) through ``stages.clean.oof``, the neighbour label
distribution, then ``views-knn`` and ``cleanlab`` from the registry on the same inputs:
exactly what ``textloop clean`` runs. Precision, recall and F1 of each flagged set against
the flips. Downstream (20% noise), on the test split, with the main model (``embed-lr``)
F1_clean (clean pool), F1_noisy, F1_fixed with the flagged records
relabeled to the method's suggested label, and with them dropped; recovered =
(F1_fixed - F1_noisy) / (F1_clean - F1_noisy).

Every seed also scores ``views-knn-weighted`` (weights fitted to the given labels);
``--views finetune embed-lr tfidf-lr`` adds the fine-tuned view exactly as ``textloop clean
--model finetune`` computes it (``--tuned-folds`` folds, one epoch), ``--pool-rows`` caps
every pool for such a costly view, and each view's CPU seconds (all threads) per 10,000
records are written per seed. ``--min-precision`` also scores, in the same run, the estimate
read class by class without pooling (``pooling=0``: the baseline of the pooled estimate).
``--views-cache DIR`` keeps each seed's view probabilities and reuses them, so a change of
the flagging rules is measured again on the same views without refitting them.

Run from the repository root, all in one process, or split over processes by data set and
seed (each seed's result is its own file), then a final ``--merge`` writes the tables::

    python benchmarks/clean_noise.py --seeds 5
    python benchmarks/clean_noise.py --datasets banking77 --seed-list 3 4 &   # ...
    python benchmarks/clean_noise.py --datasets --merge

Results: benchmarks/results/clean_noise.json and clean_noise.md; each seed's result under
benchmarks/results/clean_noise/<data set>/seed-N.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from textloop.models.classifiers import make_model
from textloop.stages.clean.label_precision import flag_precision
from textloop.strategies.cleaning.precision import estimate_errors

sys.path.insert(0, str(Path(__file__).parent))
from _clean_data import METHODS, MODELS, Pool, detect, knn_index, load_pool, median, prf, views
from _machine import machine_info

DATASETS: dict[str, int | None] = {"sms_spam": None, "ag_news": None, "banking77": None,
                                   "sst2": 20_000}
RATES = (0.1, 0.2)
SHARES = (0.7, 0.3)
TARGET_F1 = {0.1: 0.75, 0.2: 0.80}
PRECISION_TOLERANCE = 0.05
"""Issue target: measured precision within this of the declared ``--min-precision``."""
DOWNSTREAM_MODELS = ("embed-lr",)  # the clean stage's main model


def flip_matrix(pool: Pool, kind: str, targets: int) -> np.ndarray:
    """[k, k] row-stochastic over the *other* classes: where a flipped record of c goes."""
    k = len(pool.classes)
    m = np.zeros((k, k))
    if k == 2:
        return np.array([[0.0, 1.0], [1.0, 0.0]])
    t = min(targets, k - 1)
    shares = np.asarray(SHARES[:t] if t <= len(SHARES) else [1.0 / t] * t, dtype=np.float64)
    shares = shares / shares.sum()
    rng = np.random.default_rng(0)
    if kind == "confusable":
        centroids = np.stack([pool.x[pool.y == c].mean(axis=0) for c in range(k)])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        sim = centroids @ centroids.T
        np.fill_diagonal(sim, -np.inf)
    for c in range(k):
        if kind == "confusable":
            to = np.argsort(-sim[c])[:t]
        else:
            to = rng.choice([o for o in range(k) if o != c], t, replace=False)
        m[c, to] = shares
    return m


def inject(y: np.ndarray, rate: float, matrix: np.ndarray, rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray]:
    """(noisy labels, is_flipped): exactly round(rate * n_c) flips per class c."""
    noisy = y.copy()
    for c in range(matrix.shape[0]):
        members = np.flatnonzero(y == c)
        picked = rng.choice(members, round(rate * len(members)), replace=False)
        noisy[picked] = rng.choice(matrix.shape[0], len(picked), p=matrix[c])
    return noisy, noisy != y


def test_f1(pool: Pool, model: str, rows: np.ndarray, y: np.ndarray) -> float:
    """Macro-F1 on the clean test split of ``model`` trained on pool ``rows`` with labels y."""
    _, estimator = make_model(model)
    x_train: Any = pool.x[rows] if model == "embed-lr" else [pool.texts[i] for i in rows]
    x_test: Any = pool.test_x if model == "embed-lr" else pool.test_texts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(x_train, [pool.classes[i] for i in y[rows]])
    predicted = estimator.predict(x_test)
    truth = [pool.classes[i] for i in pool.test_y]
    return float(f1_score(truth, list(predicted), average="macro", labels=pool.classes))


def run_dataset(name: str, rows: int | None, seeds: list[int], flips: str, targets: int,
                downstream: bool, folder: Path, models: tuple[str, ...] = MODELS,
                tuned_folds: int = 3, rates: tuple[float, ...] = RATES,
                min_precisions: tuple[float, ...] = (), views_cache: Path | None = None
                ) -> None:
    """Run the seeds of one data set; each seed's result goes to ``folder/seed-N.json``."""
    pool = load_pool(name, rows)
    pool.knn_index = knn_index(pool.x)
    matrix = flip_matrix(pool, flips, targets)
    everyone = np.arange(len(pool.y))
    clean_f1 = ({m: test_f1(pool, m, everyone, pool.y) for m in DOWNSTREAM_MODELS}
                if downstream else {})
    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        started = time.perf_counter()
        load_before = [round(v, 2) for v in os.getloadavg()]
        entry: dict[str, Any] = {"seed": seed}
        for r, rate in enumerate(RATES):
            if rate not in rates:
                continue
            rng = np.random.default_rng([seed, r, 7])
            noisy, flipped = inject(pool.y, rate, matrix, rng)
            t0 = time.perf_counter()
            probas, knn, cost = cached_views(pool, noisy, seed, rate, models, tuned_folds,
                                             views_cache)
            found = detect(noisy, probas, knn)
            cell: dict[str, Any] = {"flips": int(flipped.sum()),
                                    "views_seconds": round(time.perf_counter() - t0, 1),
                                    "views": list(models),
                                    "cpu_seconds_per_10k": cost,
                                    "weights": found["views-knn-weighted"].weights}
            cell.update(precision_cells(pool, noisy, flipped, found, min_precisions))
            for method in METHODS:
                issues = found[method]
                cell[method] = prf(issues.flagged, flipped)
                suggested = issues.proba.argmax(axis=1)
                hit = issues.flagged & flipped
                cell[method]["suggestion_correct"] = (
                    float(np.mean(suggested[hit] == pool.y[hit])) if hit.any() else None)
            if downstream and rate == 0.2:
                cell["downstream"] = downstream_cell(pool, noisy, found)
            entry[f"{rate:.2f}"] = cell
            print(f"{name} seed {seed} noise {rate:.0%}: "
                  + "  ".join(f"{m} F1 {cell[m]['f1']:.3f} (P {cell[m]['precision']:.3f} "
                              f"R {cell[m]['recall']:.3f})" for m in METHODS)
                  + f"  [{cell['views_seconds']:.0f}s]", flush=True)
        entry["seconds"] = round(time.perf_counter() - started, 1)
        entry["load_average"] = {"before": load_before,
                                 "after": [round(v, 2) for v in os.getloadavg()]}
        (folder / f"seed-{seed}.json").write_text(json.dumps({
            "machine": machine_info(), "source": pool.source,
            "flip_matrix": matrix_doc(pool, matrix), "clean_f1": clean_f1, "entry": entry},
            indent=1) + "\n")


def cached_views(pool: Pool, noisy: np.ndarray, seed: int, rate: float,
                 models: tuple[str, ...], tuned_folds: int, cache: Path | None
                 ) -> tuple[list[np.ndarray], np.ndarray | None, dict[str, float]]:
    """The views' out-of-fold probabilities, neighbour labels and CPU cost, read from
    ``cache`` when an earlier run of the same pool, noise and views left them there. The
    views are the costly part and do not depend on how the flags are judged afterwards, so
    a change to the flagging rules is measured again on exactly the same views."""
    path = None
    if cache is not None:
        key = f"{pool.name}-{len(pool.y)}-{rate:.2f}-seed{seed}-{'-'.join(models)}"
        path = cache / f"{key}-t{tuned_folds}.npz"
        if path.exists():
            with np.load(path) as saved:
                if np.array_equal(saved["noisy"], noisy):
                    probas = [saved[f"view{i}"] for i in range(len(models))]
                    knn = saved["knn"] if saved["knn"].size else None
                    return probas, knn, json.loads(str(saved["cost"]))
    cost: dict[str, float] = {}
    probas, knn = views(pool, noisy, seed, models, tuned_folds, cost)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, noisy=noisy, cost=json.dumps(cost),
                            knn=np.empty(0) if knn is None else knn,
                            **{f"view{i}": p for i, p in enumerate(probas)})
    return probas, knn, cost


def precision_cells(pool: Pool, noisy: np.ndarray, flipped: np.ndarray,
                    found: dict[str, Any], min_precisions: tuple[float, ...]
                    ) -> dict[str, Any]:
    """What ``textloop clean`` flags after judging views-knn's proposal by its estimated
    precision (``stages.clean.label_precision``, the same code): by default (which replaces
    ``found["views-knn"]``, so every figure below it is the default flagging), and at each
    ``--min-precision`` target, with the estimates against the truth of the injected flips."""
    ids = [str(i) for i in range(len(noisy))]
    proposed = found["views-knn"]
    default = flag_precision(proposed, noisy, ids, None)
    found["views-knn"] = default.issues
    estimates = default.estimates
    model_wrong = proposed.proba.argmax(axis=1) != pool.y
    out: dict[str, Any] = {
        "views-knn proposed": prf(proposed.flagged, flipped),
        "estimates": {"noise_rate": round(estimates.overall_noise_rate, 4),
                      "noise_rate_actual": round(float(flipped.mean()), 4),
                      "model_error": round(estimates.overall_model_error, 4),
                      "model_error_actual": round(float(model_wrong.mean()), 4),
                      "model_as_noisy": estimates.model_as_noisy,
                      "default_estimated_precision": default.details["expected_precision"]}}
    unpooled = estimate_errors(noisy, proposed.proba, pooling=0.0)
    everyone = np.ones(len(noisy), dtype=bool)
    for target in min_precisions:
        judged = flag_precision(proposed, noisy, ids, target)
        out[f"min_precision {target:g}"] = {
            **prf(judged.issues.flagged, flipped),
            "estimated_precision": judged.details["expected_precision"]}
        # the baseline in the same run: each class's noise read on its own anchors only
        alone = unpooled.reaching(everyone, target)
        out[f"min_precision {target:g} unpooled"] = {
            **prf(alone, flipped), "estimated_precision": unpooled.precision(alone)}
    return out


def collect(folder: Path, downstream: bool) -> dict[str, Any] | None:
    """One data set's result from every seed file written so far (any invocation)."""
    files = sorted(folder.glob("seed-*.json"))
    if not files:
        return None
    parts = [json.loads(f.read_text()) for f in files]
    per_seed = sorted((p["entry"] for p in parts), key=lambda e: e["seed"])
    result = {"source": parts[0]["source"], "flip_matrix": parts[0]["flip_matrix"],
              "clean_f1": parts[0]["clean_f1"], "seeds": [e["seed"] for e in per_seed],
              "per_seed": per_seed, "medians": medians(per_seed, downstream),
              "commands": sorted({p["machine"]["command"] for p in parts}),
              "dates": sorted(p["machine"]["date"] for p in parts),
              "seconds_per_seed": [e.get("seconds") for e in per_seed],
              "load_average_per_seed": [e.get("load_average") for e in per_seed]}
    if downstream:
        for m in DOWNSTREAM_MODELS:
            result["medians"]["downstream"][m]["clean"] = result["clean_f1"][m]
    return result


def downstream_cell(pool: Pool, noisy: np.ndarray, found: dict[str, Any]) -> dict[str, Any]:
    everyone = np.arange(len(noisy))
    out: dict[str, Any] = {}
    for model in DOWNSTREAM_MODELS:
        cell = {"noisy": test_f1(pool, model, everyone, noisy)}
        for method in METHODS:
            issues = found[method]
            relabeled = noisy.copy()
            relabeled[issues.flagged] = issues.proba.argmax(axis=1)[issues.flagged]
            cell[f"relabel/{method}"] = test_f1(pool, model, everyone, relabeled)
            cell[f"drop/{method}"] = test_f1(pool, model, everyone[~issues.flagged], noisy)
        out[model] = cell
    return out


def medians(per_seed: list[dict[str, Any]], downstream: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for rate in RATES:
        key = f"{rate:.2f}"
        if any(key not in e for e in per_seed):
            continue
        for name in sorted({k for e in per_seed for k in e[key]
                            if k.startswith("min_precision ")}):
            cells = [e[key][name] for e in per_seed if name in e[key]]
            out.setdefault(f"{key} precision", {})[name] = {
                s: median([c[s] for c in cells if c[s] is not None] or [float("nan")])
                for s in ("precision", "recall", "f1", "flagged", "estimated_precision")}
        if all("estimates" in e[key] for e in per_seed):
            out.setdefault(f"{key} precision", {})["estimates"] = {
                s: median([e[key]["estimates"][s] for e in per_seed])
                for s in ("noise_rate", "noise_rate_actual", "model_error",
                          "model_error_actual")}
            out[f"{key} precision"]["proposed"] = {
                s: median([e[key]["views-knn proposed"][s] for e in per_seed])
                for s in ("precision", "recall", "f1", "flagged")}
        out[key] = {m: {s: median([e[key][m][s] for e in per_seed])
                        for s in ("precision", "recall", "f1", "flagged")}
                    for m in METHODS}
        out[key]["flips"] = median([e[key]["flips"] for e in per_seed])
        out[key]["f1_gain_per_seed"] = [round(e[key]["views-knn"]["f1"]
                                              - e[key]["cleanlab"]["f1"], 4) for e in per_seed]
    if downstream:
        out["downstream"] = {}
        for model in DOWNSTREAM_MODELS:
            cells = [e["0.20"]["downstream"][model] for e in per_seed]
            out["downstream"][model] = {k: median([c[k] for c in cells]) for k in cells[0]}
    return out


def matrix_doc(pool: Pool, matrix: np.ndarray) -> dict[str, dict[str, float]]:
    return {pool.classes[c]: {pool.classes[o]: round(float(matrix[c, o]), 3)
                              for o in np.flatnonzero(matrix[c])}
            for c in range(len(pool.classes))}


def recovered(clean: float, noisy: float, fixed: float) -> float | None:
    lost = clean - noisy
    return None if lost <= 0 else (fixed - noisy) / lost


def markdown(summary: dict[str, Any]) -> str:
    m = summary["machine"]
    lines = [f"# Label issues vs injected class-conditional noise ({summary['flips']} flips)",
             "", f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python "
             f"{m['python']}. Date: {m['date']}. Command: `{m['command']}`. Load average "
             f"at start {summary['load_average']['before']}, at end "
             f"{summary['load_average']['after']} (per seed: in the JSON). Medians over the "
             "seeds listed per data set. "
             "Baseline: cleanlab's defaults on the `embed-lr` out-of-fold probabilities "
             "(same folds); ratio = views-knn F1 / cleanlab F1.", "",
             "| data set | seeds | pool | noise | flips | cleanlab P / R / F1 "
             "| views-knn P / R / F1 | F1 ratio | target F1 | met | views-knn > cleanlab (seeds) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, res in summary["datasets"].items():
        for rate in [r for r in RATES if f"{r:.2f}" in res["medians"]]:
            cell = res["medians"][f"{rate:.2f}"]
            b, v = cell["cleanlab"], cell["views-knn"]
            wins = sum(g > 0 for g in cell["f1_gain_per_seed"])
            lines.append(
                f"| {name} | {len(res['seeds'])} | {res['source']['pool']:,} | {rate:.0%} | "
                f"{cell['flips']:,.0f} | "
                f"{b['precision']:.3f} / {b['recall']:.3f} / {b['f1']:.3f} | "
                f"{v['precision']:.3f} / {v['recall']:.3f} / {v['f1']:.3f} | "
                f"{v['f1'] / b['f1']:.3f} | {TARGET_F1[rate]:.2f} | "
                f"{'yes' if v['f1'] >= TARGET_F1[rate] else 'no'} | "
                f"{wins}/{len(cell['f1_gain_per_seed'])} |")
    lines += precision_markdown(summary)
    if summary["downstream"]:
        lines += ["", "## Downstream: test macro-F1 after accepting the fixes (20% noise)", "",
                  "recovered = (F1_fixed − F1_noisy) / (F1_clean − F1_noisy); target ≥ 0.5. "
                  "relabel: flagged records get the suggested label; drop: they are left out. "
                  "Each F1 is the median over seeds; recovered is computed from the medians.",
                  "", "| data set | model | F1_clean | F1_noisy | fix | F1_fixed | recovered |",
                  "|---|---|---|---|---|---|---|"]
        for name, res in summary["datasets"].items():
            for model, d in res["medians"]["downstream"].items():
                for key in [k for k in d if "/" in k]:
                    rec = recovered(d["clean"], d["noisy"], d[key])
                    lines.append(f"| {name} | {model} | {d['clean']:.4f} | {d['noisy']:.4f} | "
                                 f"{key} | {d[key]:.4f} | "
                                 f"{'n/a' if rec is None else f'{rec:.2f}'} |")
    lines += ["", "## Flip matrices", ""]
    for name, res in summary["datasets"].items():
        fm = res["flip_matrix"]
        shown = list(fm.items())[:6]
        text = "; ".join(f"{c} → " + ", ".join(f"{o} {p:g}" for o, p in to.items())
                         for c, to in shown)
        more = f" (… {len(fm) - len(shown)} more classes in the JSON)" if len(fm) > 6 else ""
        lines.append(f"- {name}: {text}{more}")
    return "\n".join(lines) + "\n"


def precision_markdown(summary: dict[str, Any]) -> list[str]:
    """The estimates against the truth, and the flags at each declared precision."""
    rows = []
    for name, res in summary["datasets"].items():
        for rate in RATES:
            block = res["medians"].get(f"{rate:.2f} precision")
            if not block or "estimates" not in block:
                continue
            est, pro = block["estimates"], block["proposed"]
            rows.append(f"| {name} | {rate:.0%} | default | {est['noise_rate']:.3f} / "
                        f"{est['noise_rate_actual']:.3f} | {est['model_error']:.3f} / "
                        f"{est['model_error_actual']:.3f} | {pro['flagged']:,.0f} flagged by "
                        f"views-knn, P {pro['precision']:.3f} | | | |")
            for key, cell in block.items():
                if not key.startswith("min_precision "):
                    continue
                target = float(key.split()[1])
                within = abs(cell["precision"] - target) <= PRECISION_TOLERANCE
                rows.append(f"| {name} | {rate:.0%} | {key.split(' ', 1)[1]} | | | "
                            f"{cell['flagged']:,.0f} flagged, P {cell['precision']:.3f} "
                            f"(estimated {cell['estimated_precision']:.3f}) | "
                            f"{cell['recall']:.3f} | {cell['f1']:.3f} | "
                            f"{'yes' if within else '**no**'} |")
    if not rows:
        return []
    return ["", "## Flags at a declared precision (`--min-precision`)", "",
            "Estimates (from the noisy labels alone) / actual (from the injected flips); "
            "model error = share of records whose views-knn prediction is not the true "
            f"class. Target met: measured precision within {PRECISION_TOLERANCE} of the "
            "declared one.", "",
            "| data set | noise | min precision | noise rate est. / actual "
            "| model error est. / actual | flags | recall | F1 | within target |",
            "|---|---|---|---|---|---|---|---|---|", *rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--seed-list", type=int, nargs="+",
                        help="run these seeds instead of 0..seeds-1 (to split a data set "
                             "over processes)")
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--flips", choices=("random", "confusable"), default="random")
    parser.add_argument("--targets", type=int, default=2,
                        help="classes each class's flips go to (multi-class sets)")
    parser.add_argument("--no-downstream", action="store_true")
    parser.add_argument("--min-precision", type=float, nargs="*", default=[],
                        help="also flag at these declared precisions (textloop clean "
                             "--min-precision) and measure the precision reached")
    parser.add_argument("--merge", action="store_true",
                        help="report every data set with seed results, from any invocation")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--views", nargs="+", default=list(MODELS),
                        help="cleaning views, as `textloop clean --model` (e.g. finetune "
                             "embed-lr tfidf-lr); results go under clean_noise_<views>")
    parser.add_argument("--tuned-folds", type=int, default=3)
    parser.add_argument("--rates", type=float, nargs="+", default=list(RATES), choices=RATES)
    parser.add_argument("--views-cache", type=Path,
                        help="keep each seed's view probabilities here and reuse them when "
                             "the same pool, noise and views come again (to measure a change "
                             "of the flagging rules on the same views)")
    parser.add_argument("--pool-rows", type=int,
                        help="cap every pool at this many rows (seed 0), for a costly view")
    args = parser.parse_args()
    load_before = os.getloadavg()
    seeds = args.seed_list if args.seed_list else list(range(args.seeds))
    stem = "clean_noise" if args.flips == "random" else f"clean_noise_{args.flips}"
    if tuple(args.views) != MODELS:
        stem += "_" + "-".join(args.views)
    if args.pool_rows:
        stem += f"_pool{args.pool_rows}"
    downstream = not args.no_downstream
    for name in args.datasets:
        rows = DATASETS[name] if not args.pool_rows else min(args.pool_rows,
                                                              DATASETS[name] or args.pool_rows)
        run_dataset(name, rows, seeds, args.flips, args.targets, downstream,
                    args.out / stem / name, tuple(args.views), args.tuned_folds,
                    tuple(args.rates), tuple(args.min_precision), args.views_cache)
    summary: dict[str, Any] = {"machine": machine_info(), "flips": args.flips,
                               "targets": args.targets, "downstream": downstream,
                               "datasets": {}}
    for name in DATASETS if args.merge else args.datasets:
        found = collect(args.out / stem / name, downstream)
        if found is not None:
            summary["datasets"][name] = found
    summary["load_average"] = {"before": [round(v, 2) for v in load_before],
                               "after": [round(v, 2) for v in os.getloadavg()]}
    summary["verdict"] = verdict(summary)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stem}.json").write_text(json.dumps(summary, indent=2) + "\n")
    text = markdown(summary) + "\n" + json.dumps(summary["verdict"], indent=2) + "\n"
    (args.out / f"{stem}.md").write_text(text)
    print(text)


def verdict(summary: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    wins = 0
    for name, res in summary["datasets"].items():
        med = res["medians"]
        row: dict[str, Any] = {f"f1_{k}_met": med[k]["views-knn"]["f1"] >= TARGET_F1[float(k)]
                               for k in ("0.10", "0.20") if k in med}
        for k in ("0.10", "0.20"):
            if k in med:
                row[f"beats_cleanlab_at_{k[2:]}"] = (med[k]["views-knn"]["f1"]
                                                     > med[k]["cleanlab"]["f1"])
            for key, cell in med.get(f"{k} precision", {}).items():
                if key.startswith("min_precision "):
                    row[f"{key.replace(' ', '_')}_within_at_{k[2:]}"] = bool(
                        abs(cell["precision"] - float(key.split()[1])) <= PRECISION_TOLERANCE)
        wins += bool(row.get("beats_cleanlab_at_20"))
        if summary["downstream"]:
            d = med["downstream"]["embed-lr"]
            row["recovered_relabel_views_knn"] = recovered(d["clean"], d["noisy"],
                                                           d["relabel/views-knn"])
        out[name] = row
    out["beats_cleanlab_on_at_least_3_at_20"] = wins >= 3
    return out


if __name__ == "__main__":
    main()
