"""CPU cost of the fine-tuned cleaning view (``textloop clean --model finetune``), in pieces.

Claim (BENCHMARKS.md, "Cleaning: stronger views"): the view's cost is a fixed cost per fold
fit plus a cost per training row, both measured as ``--budget-minutes`` estimates them
(two fits of ``tuned_view.PROBE_ROWS`` rows, at the sequence length chosen from the
texts), here in process CPU seconds (all threads) as well as wall seconds. The total for a
pool is then a model: folds x (fixed + per-row x training rows) + per scored row x rows.

    python benchmarks/clean_tuned_cost.py --dataset sst2

Result: benchmarks/results/clean_tuned_cost.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from textloop.models.classifiers import make_model
from textloop.stages.clean.tuned_view import PROBE_ROWS, TUNED_DEFAULT, cleaning_params

sys.path.insert(0, str(Path(__file__).parent))
from _clean_data import DATA
from _machine import machine_info

from textloop.stages.simulate.data import read_labeled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="sst2")
    parser.add_argument("--sample", type=int, default=2000,
                        help="texts the sequence length is chosen from (seed 0)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    data = read_labeled(DATA / f"{args.dataset}.jsonl.gz")
    rng = np.random.default_rng(0)
    pool = np.flatnonzero(~data.is_test) if data.is_test is not None else np.arange(
        len(data.texts))
    picked = rng.choice(pool, min(args.sample, len(pool)), replace=False)
    texts = [data.texts[i] for i in picked]
    labels = [data.labels[i] for i in picked]
    params = cleaning_params(texts)
    points = []
    for size in PROBE_ROWS:
        rows = rng.choice(len(texts), size, replace=False)
        _, model = make_model(TUNED_DEFAULT, params)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        model.fit([texts[i] for i in rows], [labels[i] for i in rows])
        cpu1, wall1 = time.process_time(), time.perf_counter()
        model.predict_proba([texts[i] for i in rows])
        points.append({"rows": size, "fit_cpu_s": cpu1 - cpu0, "fit_wall_s": wall1 - wall0,
                       "predict_cpu_s": time.process_time() - cpu1,
                       "predict_wall_s": time.perf_counter() - wall1,
                       "load_average": os.getloadavg()})
        print(points[-1], flush=True)
    (a, b) = points
    per_row = (b["fit_cpu_s"] - a["fit_cpu_s"]) / (b["rows"] - a["rows"])
    summary = {"machine": machine_info(), "dataset": args.dataset, "params": params,
               "points": points, "fit_cpu_s_per_row": per_row,
               "fit_cpu_s_fixed": a["fit_cpu_s"] - per_row * a["rows"],
               "predict_cpu_s_per_row": (b["predict_cpu_s"] - a["predict_cpu_s"])
               / (b["rows"] - a["rows"])}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "clean_tuned_cost.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
