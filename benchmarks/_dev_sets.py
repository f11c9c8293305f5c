"""The five development sets as the model benchmarks read them: rows, vectors, release splits.

Texts are read with the importer's reader (``read_labeled``), so each text is the same string,
and so has the same cached embedding, as after ``textloop import``. MiniLM int8 vectors go
through the persistent user embedding cache, plus a per-file copy in
``~/.cache/textloop-bench`` (shared by calibration.py, model_comparison.py and al_savings.py).
Files above ``max_rows`` distinct texts (sst2, davidson_hate_offensive) are subsampled once
with seed 0. Each seed splits the rows exactly as ``textloop release`` does (``plan_split``:
stratified, near-duplicates grouped, 80/10/10), so the seed varies the split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from textloop.stages.release.split import plan_split
from textloop.stages.simulate.data import read_labeled
from textloop.stages.simulate.features import EMBEDDER, embed_texts

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data")
DATASETS = ("sms_spam", "ag_news", "banking77", "davidson_hate_offensive", "sst2")
FRACTIONS = (0.8, 0.1, 0.1)
BENCH_CACHE = Path.home() / ".cache" / "textloop-bench"
MAX_ROWS = 20_000


def load(name: str, cache: Path = BENCH_CACHE, max_rows: int = MAX_ROWS
         ) -> tuple[list[str], list[str], np.ndarray, dict[str, Any]]:
    """Texts, labels and vectors of a development set (vectors cached per file)."""
    path = DATA / f"{name}.jsonl.gz"
    data = read_labeled(path)
    stamp = f"{path.stat().st_size}-{int(path.stat().st_mtime)}"
    cached = cache / f"{name}-{EMBEDDER}-{stamp}.npz"
    keep = np.arange(len(data.texts))
    if len(keep) > max_rows:
        keep = np.sort(np.random.default_rng(0).choice(keep, max_rows, replace=False))
        cached = cache / f"{name}-{EMBEDDER}-{stamp}-rows{max_rows}.npz"
    texts = [data.texts[i] for i in keep]
    labels = [data.labels[i] for i in keep]
    if cached.exists():
        with np.load(cached, allow_pickle=False) as z:
            vectors = z["X"]
    else:
        vectors = embed_texts(texts).astype(np.float32)
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(cached, X=vectors, labels=np.asarray(labels),
                 is_test=np.zeros(0, dtype=bool), sha256=data.sha256)
    if vectors.shape[0] != len(texts):
        raise SystemExit(f"{cached}: {vectors.shape[0]} vectors for {len(texts)} texts")
    source = {"path": str(path), "sha256": data.sha256, "distinct_texts": len(data.texts),
              "rows_used": len(texts), "classes": len(set(labels)), "embedder": EMBEDDER}
    return texts, labels, vectors, source


def split(texts: list[str], labels: list[str], seed: int) -> list[np.ndarray]:
    """Row indices of train, validation and test, as a release with this seed makes them."""
    classes = sorted(set(labels))
    index = {c: i for i, c in enumerate(classes)}
    ids = [hashlib.sha256(t.encode("utf-8")).hexdigest()[:16] for t in texts]
    plan = plan_split(ids, texts, [index[y] for y in labels], n_labels=len(classes),
                      fractions=FRACTIONS, seed=seed)
    return [np.flatnonzero(plan.split == i) for i in range(3)]


def spread(values: list[float]) -> dict[str, float]:
    """Median, min and max over seeds."""
    array = np.asarray(values, dtype=np.float64)
    return {"median": float(np.median(array)), "min": float(array.min()),
            "max": float(array.max())}


def machine_line(machine: dict[str, Any]) -> str:
    """The line under a results table saying where and how it was measured."""
    return (f"{machine['date']}, {machine['cpu']}, {machine['cores']} cores, "
            f"Python {machine['python']}; `{machine['command']}`")


def arguments(doc: str, datasets: Sequence[str] = DATASETS) -> argparse.ArgumentParser:
    """A parser with the options every dev-set benchmark takes (the first paragraph of
    ``doc`` describes it): --datasets, --max-rows, --cache and --out."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(datasets))
    parser.add_argument("--max-rows", type=int, default=MAX_ROWS)
    parser.add_argument("--cache", type=Path, default=BENCH_CACHE)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    return parser


def write_results(out: Path, stem: str, report: dict[str, Any], table: str) -> None:
    """``STEM.json`` (everything) and ``STEM.md`` (the table) under ``out``; prints the table."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / f"{stem}.md").write_text(table)
    print(table)
