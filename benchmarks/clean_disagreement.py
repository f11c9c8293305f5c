"""Label quality scores against real annotator disagreement (davidson_hate_offensive).

Each tweet of davidson_hate_offensive carries the votes of its annotators (``votes_*``
columns); 7,301 of 24,783 rows are not unanimous. Nothing is injected here: the question is
whether ``textloop clean``'s label quality score ranks the records people disagreed on
first. Measured: AUROC of (1 - label quality) for "not unanimous", and average precision,
for ``views-knn`` (the default) and cleanlab's defaults on the main model's out-of-fold
probabilities (the baseline), both from the same folds, plus the precision / recall of each
flagged set against "not unanimous". Reference point without the given label: 1 - the
largest out-of-fold probability (plain model uncertainty). Median over 5 fold seeds.

Every distinct text with a label is used (read as ``textloop import`` reads it; votes joined
by text); embeddings come from the project's embedder through the persistent user cache.

Run from the repository root::

    python benchmarks/clean_disagreement.py --seeds 5

Results: benchmarks/results/clean_disagreement.json and clean_disagreement.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).parent))
from _clean_data import DATA, MODELS, Pool, detect, knn_index, median, prf, views
from _machine import machine_info

from textloop.stages.simulate.data import read_labeled
from textloop.stages.simulate.features import EMBEDDER, embed_texts

NAME = "davidson_hate_offensive"
VOTES = ("votes_hate_speech", "votes_offensive_language", "votes_neither")


def load() -> tuple[Pool, np.ndarray]:
    path = DATA / f"{NAME}.jsonl.gz"
    data = read_labeled(path)
    votes: dict[str, tuple[int, int]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            counts = [int(row[v]) for v in VOTES]
            votes.setdefault(row["text"].strip(), (max(counts), int(row["annotators"])))
    keys = [t.strip() for t in data.texts]
    missing = sum(k not in votes for k in keys)
    if missing:
        raise SystemExit(f"{missing} texts could not be joined to their votes")
    disagree = np.array([votes[k][0] < votes[k][1] for k in keys], dtype=bool)
    started = time.perf_counter()
    x = np.ascontiguousarray(embed_texts(data.texts), dtype=np.float32)
    classes = sorted(set(data.labels))
    y = np.array([classes.index(label) for label in data.labels], dtype=np.int64)
    source = {"path": str(path), "sha256": data.sha256, "rows": len(data.texts),
              "not_unanimous": int(disagree.sum()), "classes": len(classes),
              "embedder": EMBEDDER, "embed_seconds": round(time.perf_counter() - started, 1)}
    empty = np.zeros((0, x.shape[1]), dtype=np.float32)
    return Pool(NAME, data.texts, y, x, [], np.zeros(0, dtype=np.int64), empty, classes,
                source), disagree


def score(name: str, suspicion: np.ndarray, disagree: np.ndarray) -> dict[str, float]:
    return {"auroc": float(roc_auc_score(disagree, suspicion)),
            "average_precision": float(average_precision_score(disagree, suspicion))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    load_before = [round(v, 2) for v in os.getloadavg()]
    started = time.perf_counter()
    pool, disagree = load()
    pool.knn_index = knn_index(pool.x)
    per_seed = []
    for seed in range(args.seeds):
        probas, knn = views(pool, pool.y, seed)
        found = detect(pool.y, probas, knn)
        entry: dict[str, Any] = {"seed": seed}
        for method, issues in found.items():
            entry[method] = {**score(method, 1 - issues.quality, disagree),
                             **prf(issues.flagged, disagree)}
        entry["uncertainty"] = score("uncertainty", 1 - probas[0].max(axis=1), disagree)
        per_seed.append(entry)
        print(f"seed {seed}: " + "  ".join(
            f"{k} AUROC {v['auroc']:.4f}" for k, v in entry.items() if k != "seed"), flush=True)
    rows = ("views-knn", "cleanlab", "uncertainty")
    medians = {r: {k: median([e[r][k] for e in per_seed]) for k in per_seed[0][r]}
               for r in rows}
    summary = {"machine": machine_info(), "source": pool.source, "models": list(MODELS),
               "seeds": args.seeds, "per_seed": per_seed, "medians": medians,
               "seconds": round(time.perf_counter() - started, 1),
               "load_average": {"before": load_before,
                                "after": [round(v, 2) for v in os.getloadavg()]}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "clean_disagreement.json").write_text(json.dumps(summary, indent=2) + "\n")
    text = markdown(summary)
    (args.out / "clean_disagreement.md").write_text(text)
    print(text)


def markdown(s: dict[str, Any]) -> str:
    m, src, med = s["machine"], s["source"], s["medians"]
    base = med["cleanlab"]["auroc"]
    lines = [f"# Label quality vs annotator disagreement ({NAME})", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python "
             f"{m['python']}. Date: {m['date']}. Command: `{m['command']}`. Load average at "
             f"start {s['load_average']['before']}, at end {s['load_average']['after']}. "
             f"{src['rows']:,} distinct texts, {src['not_unanimous']:,} not unanimous "
             f"({src['not_unanimous'] / src['rows']:.1%}). Medians over {s['seeds']} fold "
             "seeds. Ratio: AUROC / cleanlab defaults' AUROC (same folds).", "",
             "| score | AUROC (not unanimous) | average precision | ratio to cleanlab | "
             "flagged | P / R of flagged vs not unanimous |", "|---|---|---|---|---|---|"]
    names = {"views-knn": "views-knn label quality (default)",
             "cleanlab": "cleanlab defaults label quality (embed-lr)",
             "uncertainty": "1 − max probability (embed-lr, ignores the label)"}
    for key, label in names.items():
        r = med[key]
        flagged = (f"{r['flagged']:,.0f} | {r['precision']:.3f} / {r['recall']:.3f}"
                   if "flagged" in r else "– | –")
        lines.append(f"| {label} | {r['auroc']:.4f} | {r['average_precision']:.4f} | "
                     f"{r['auroc'] / base:.3f} | {flagged} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
