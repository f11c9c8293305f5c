"""CoNLL span import speed: tokens per second read into ``(text, spans, meta)`` records.

Claim: ``textloop.spans.conll.read_conll`` parses at least 200,000 tokens/s: lines split
into tokens and tags, the scheme detected, every sentence's tags checked strictly (IOB2)
and turned into character spans over the joined text with each token's offsets.

The input is the shared span corpora (WNUT-17, BTC, BC5CDR: every file, in a fixed order)
concatenated and repeated up to ``--tokens`` (default 1,000,000) into one temporary file,
so the test is on real token lengths, tag mixes and sentence lengths. Baseline in the same
run: the bare floor, reading the same file and splitting each line on its tab, with no
records built. Median of ``--runs`` (default 3), each on a warm page cache.

Run from the repository root, on a quiet machine (check ``uptime``)::

    PYTHONPATH=src python benchmarks/span_import_speed.py

Results: benchmarks/results/span_import_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textloop.spans.conll import read_conll

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "spans"
FILES = ["wnut17/train.conll", "wnut17/dev.conll", "wnut17/test.conll", "btc/a.conll",
         "btc/b.conll", "btc/e.conll", "btc/f.conll", "btc/g.conll", "btc/h.conll",
         "bc5cdr/train.tsv", "bc5cdr/devel.tsv", "bc5cdr/test.tsv"]
TARGET = 200_000


def build(path: Path, tokens: int) -> int:
    """Write the corpora, repeated, until ``tokens`` token lines; returns how many."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < tokens:
            for name in FILES:
                content = (DATA / name).read_text(encoding="utf-8")
                out.write(content.rstrip("\n") + "\n\n")
                written += sum(1 for line in content.split("\n") if line.strip())
                if written >= tokens:
                    break
    return written


def floor(path: Path) -> int:
    count = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                line.rstrip("\n").split("\t")
                count += 1
    return count


def timed(function: object, path: Path) -> float:
    start = time.perf_counter()
    function(path)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpora.conll"
        tokens = build(path, args.tokens)
        read_seconds, floor_seconds = [], []
        for _ in range(args.runs):  # interleaved, so load affects both alike
            floor_seconds.append(timed(floor, path))
            read_seconds.append(timed(lambda p: list(read_conll(p)), path))
    read_median, floor_median = statistics.median(read_seconds), statistics.median(floor_seconds)
    result = {
        "tokens": tokens, "runs": args.runs,
        "read_seconds": read_seconds, "floor_seconds": floor_seconds,
        "tokens_per_second": round(tokens / read_median),
        "floor_tokens_per_second": round(tokens / floor_median),
        "ratio_to_floor": round(read_median / floor_median, 2),
        "target": TARGET, "met": tokens / read_median >= TARGET,
        "load_average": os.getloadavg(), "machine": machine_info(),
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "span_import_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))


if __name__ == "__main__":
    main()
