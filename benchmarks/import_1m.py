"""`textloop import` of 1,000,000 rows (target: <= 60 s and <= 2 GiB peak RSS on 2 cores).

The input is built by resampling the real texts and labels of ../shared/data/*.jsonl.gz
(about 155,000 texts from seven corpora, 75 characters on average) with a fixed seed:

* ``unique`` (the claim): the k-th reuse of a text gets `` [k]`` appended, so every row is a
  new record and annotation. Real imports are mostly distinct texts; a plain resample of
  155k texts to 1M rows would make 85% of the rows repeats, which skip the insert path and
  flatter the importer.
* ``repeated`` (``--variant repeated``): the plain resample, for comparison: the same
  parsing, validation and hashing, but only ~155k rows reach the database.

Each run imports the file into a fresh project as a child process (``textloop --project P
import FILE --add-labels``): wall time from start to exit, and the child's own peak RSS
(``os.wait4``). Building the file and creating the project are not timed.

Baseline, measured in the same run on the same file: ``_import_floor.py`` (csv + sha256 +
one sqlite3 executemany into a bare table): the cost of the raw work, without validation,
error locations, provenance, annotations or the import log.

    python benchmarks/import_1m.py --runs 3
    python benchmarks/import_1m.py --variant repeated --rows 200000
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TARGET_SECONDS = 60
TARGET_RSS_MIB = 2048
SEED = 7


def load_texts(data: Path) -> list[tuple[str, str]]:
    pairs = []
    for path in sorted(data.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            pairs.extend((row["text"], str(row["label"])) for row in map(json.loads, handle))
    if not pairs:
        sys.exit(f"no *.jsonl.gz files in {data}")
    return pairs


def build_file(path: Path, pairs: list[tuple[str, str]], rows: int, variant: str) -> None:
    rng = random.Random(SEED)
    uses: dict[str, int] = {}  # by stripped text: some texts occur in several corpora
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["text", "label"])
        for _ in range(rows):
            index = rng.randrange(len(pairs))
            text, label = pairs[index]
            if variant == "unique":
                key = text.strip()
                reuse = uses.get(key, 0)
                uses[key] = reuse + 1
                text = text if reuse == 0 else f"{key} [{reuse}]"
            out.writerow([text, label])


def textloop_command() -> list[str]:
    script = Path(sys.executable).parent / "textloop"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from textloop.cli.main import main; main()"]


def timed(command: list[str], log: Path) -> tuple[float, float]:
    """Wall seconds and the child's peak RSS in MiB."""
    with log.open("w") as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{command[0]} failed:\n{log.read_text()}")
    return elapsed, usage.ru_maxrss / 1024


def run_floor(folder: Path, data_file: Path) -> float:
    floor = Path(__file__).with_name("_import_floor.py")
    seconds, _ = timed([sys.executable, str(floor), str(data_file), str(folder / "floor.db")],
                       folder / "floor.log")
    return seconds


def run_once(folder: Path, data_file: Path) -> dict[str, float | str]:
    project = folder / "project"
    subprocess.run([*textloop_command(), "init", str(project)], check=True,
                   capture_output=True)
    command = [*textloop_command(), "--project", str(project), "import", str(data_file),
               "--add-labels"]
    log = folder / "import.log"
    elapsed, peak = timed(command, log)
    summary = next((line for line in log.read_text().splitlines() if "rows read" in line), "")
    return {"seconds": elapsed, "peak_rss_mib": peak, "summary": summary,
            "command": " ".join([*command[:-2], "FILE", "--add-labels"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variant", choices=("unique", "repeated"), default="unique")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/import_1m.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_file = Path(tmp) / "rows.csv"
        build_file(data_file, load_texts(args.data), args.rows, args.variant)
        size_mib = data_file.stat().st_size / 2**20
        runs, floors = [], []
        for number in range(args.runs):  # interleaved, so drift hits both alike
            folder = Path(tmp) / f"run{number}"
            folder.mkdir()
            runs.append(run_once(folder, data_file))
            floors.append(run_floor(folder, data_file))
            print(f"run {number + 1}: {runs[-1]['seconds']:.1f} s, "
                  f"{runs[-1]['peak_rss_mib']:.0f} MiB (floor {floors[-1]:.1f} s)  "
                  f"{runs[-1]['summary']}", flush=True)
    seconds = [float(r["seconds"]) for r in runs]
    peak = max(float(r["peak_rss_mib"]) for r in runs)
    result = {
        "benchmark": "import_1m", "variant": args.variant, "rows": args.rows,
        "file_mib": round(size_mib, 1), "machine": machine_info(),
        "import_command": runs[0]["command"], "summary": runs[0]["summary"],
        "runs_seconds": [round(s, 2) for s in seconds],
        "median_seconds": round(statistics.median(seconds), 2),
        "rows_per_second": round(args.rows / statistics.median(seconds)),
        "baseline": "csv + sha256 + sqlite3 executemany into a bare table (_import_floor.py)",
        "baseline_runs_seconds": [round(s, 2) for s in floors],
        "baseline_median_seconds": round(statistics.median(floors), 2),
        "ratio_to_baseline": round(statistics.median(seconds) / statistics.median(floors), 2),
        "peak_rss_mib": round(peak), "target_seconds": TARGET_SECONDS,
        "target_rss_mib": TARGET_RSS_MIB,
        "meets_target": statistics.median(seconds) <= TARGET_SECONDS and peak <= TARGET_RSS_MIB,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
