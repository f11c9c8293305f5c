"""`textloop export release` writers on 1,000,000 rows, each against writing the same rows
with the plain library alone (target: within 2x of it), measured in the same run.

The rows are a release table as `textloop release` writes it (``id``, ``text``, ``label``,
a metadata column, provenance), built by resampling the real texts and labels of
../shared/data/*.jsonl.gz with a fixed seed, the k-th reuse of a text getting `` [k]``
appended (as ``import_1m.py`` does), so every row is distinct. Building the table is not
timed; each writer writes one file from the in-memory table:

| format | textloop writer (``stages/export/tables.py``) | baseline, same rows |
|---|---|---|
| jsonl | ``write_jsonl`` | ``json.dumps`` per row dict + ``writelines`` |
| csv | ``write_csv`` (formula guard per cell) | ``csv.writer.writerows`` |
| parquet | ``write_parquet`` | ``pyarrow.parquet.write_table`` (zstd) |
| hf | ``write_hf`` (``datasets`` folder, ClassLabel) | ``pyarrow`` Arrow IPC stream file |
| tfrecord | ``write_tfrecord`` (Examples, CRC-32C) | ``json.dumps`` per row, no checksums |

Writers and baselines are interleaved per run; the median of ``--runs`` is reported.

    python benchmarks/export_speed.py --runs 3
    python benchmarks/export_speed.py --rows 100000 --formats csv,tfrecord
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from _machine import machine_info

from textloop.stages.export.tables import WRITERS, export_table
from textloop.texts import content_hash, record_id

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data")
SEED = 7
TARGET_RATIO = 2.0


def build_table(rows: int) -> tuple[pa.Table, list[str]]:
    pairs = []
    for path in sorted(DATA.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            pairs.extend((row["text"], str(row["label"]), path.name.split(".")[0])
                         for row in map(json.loads, handle))
    if not pairs:
        sys.exit(f"no *.jsonl.gz files in {DATA}")
    rng = random.Random(SEED)
    uses: dict[str, int] = {}
    ids, texts, labels, corpora = [], [], [], []
    for _ in range(rows):
        text, label, corpus = pairs[rng.randrange(len(pairs))]
        key = text.strip()
        reuse = uses.get(key, 0)
        uses[key] = reuse + 1
        text = key if reuse == 0 else f"{key} [{reuse}]"
        ids.append(record_id(content_hash(text)))
        texts.append(text)
        labels.append(label)
        corpora.append(corpus)
    names = sorted(set(labels))
    table = pa.table({"id": ids, "text": texts, "label": labels, "corpus": corpora,
                      "source_kind": ["file"] * rows, "source_ref": ["rows.csv"] * rows,
                      "label_kind": ["import"] * rows})
    return table, names


def baseline_json(table: pa.Table, path: Path) -> None:
    names = table.schema.names
    with path.open("w", encoding="utf-8") as handle:
        for batch in table.to_batches(65_536):
            columns = [c.to_pylist() for c in batch.columns]
            handle.writelines(json.dumps(dict(zip(names, row, strict=True)),
                                         ensure_ascii=False) + "\n"
                              for row in zip(*columns, strict=True))


def baseline_csv(table: pa.Table, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.schema.names)
        for batch in table.to_batches(65_536):
            writer.writerows(zip(*(c.to_pylist() for c in batch.columns), strict=True))


def baseline_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd")


def baseline_arrow(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)


BASELINES: dict[str, tuple[str, Callable[[pa.Table, Path], None]]] = {
    "jsonl": ("json alone", baseline_json), "csv": ("csv module alone", baseline_csv),
    "parquet": ("pyarrow alone", baseline_parquet), "hf": ("pyarrow IPC alone", baseline_arrow),
    "tfrecord": ("json alone", baseline_json)}


def timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="jsonl,csv,parquet,hf,tfrecord")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    table, labels = build_table(args.rows)
    table = export_table(table)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            write, suffix = WRITERS[f"table-{fmt}"]
            name, baseline = BASELINES[fmt]
            ours, base = [], []
            for run in range(args.runs):
                target = Path(tmp) / f"{fmt}-{run}{suffix}"
                ours.append(timed(lambda target=target, write=write: write(table, target, labels)))
                base.append(timed(lambda run=run, baseline=baseline: baseline(
                    table, Path(tmp) / f"base-{run}")))
                size = (sum(p.stat().st_size for p in target.rglob("*")) if target.is_dir()
                        else target.stat().st_size)
                print(f"{fmt} run {run + 1}: textloop {ours[-1]:.2f} s, {name} "
                      f"{base[-1]:.2f} s, {size / 2**20:.1f} MiB", flush=True)
            ratio = statistics.median(ours) / statistics.median(base)
            results[fmt] = {"textloop_s": ours, "baseline": name, "baseline_s": base,
                            "median_s": statistics.median(ours),
                            "baseline_median_s": statistics.median(base), "ratio": ratio,
                            "met": ratio <= TARGET_RATIO, "bytes": size}
            print(f"{fmt}: median {statistics.median(ours):.2f} s vs {name} "
                  f"{statistics.median(base):.2f} s = {ratio:.2f}x "
                  f"({'met' if ratio <= TARGET_RATIO else 'missed'})", flush=True)
    report = {"benchmark": "export_speed", "rows": args.rows, "runs": args.runs,
              "load_average": os.getloadavg(), "machine": machine_info(), "results": results}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"export_speed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=1))
    print(f"load average {os.getloadavg()}; written {path}")


if __name__ == "__main__":
    main()
