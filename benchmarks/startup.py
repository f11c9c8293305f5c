"""Start-up time of the CLI (targets: `textloop --help` <= 0.3 s, `textloop status` on a
project with a trained model <= 1 s, on 2 cores).

Each command runs in a fresh subprocess and is timed on the wall clock, start to exit; the
figure is the median of ``--runs``. Measured: `textloop --help`, `textloop status` on a
project, and `python -c "import textloop"`. The project is made by the checkout being
measured (init, import of the first rows of ../shared/data/sms_spam.jsonl.gz, or of
$TEXTLOOP_TEST_DATA/sms_spam.jsonl.gz, release,
train tfidf-lr), so its store has the schema that checkout expects.

``--baseline SRC`` times a second checkout's ``src`` folder (e.g. main in a worktree:
``git worktree add --detach /tmp/startup-base main``) in the same run, alternating the two
run by run, so load from other work on the machine falls on both alike. Byte-code is
written and reused (``PYTHONDONTWRITEBYTECODE`` is dropped), as it is for an installed
package; one unmeasured round warms it and the file cache.

    python benchmarks/startup.py --runs 9
    python benchmarks/startup.py --runs 9 --baseline /tmp/startup-base/src
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA") or ROOT.parent / "shared" / "data"
            ) / "sms_spam.jsonl.gz"
CLI = "from textloop.cli.main import main; main()"
TARGETS = {"help": 0.3, "status": 1.0}


def run(src: Path, args: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one command in a fresh interpreter importing
    textloop from ``src``. CPU time (user + system of the child) is kept beside the wall
    clock because it moves far less when other work loads the machine."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # byte-code cached, as in an installed package
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def make_project(src: Path, folder: Path, data: Path, rows: int) -> Path:
    """A project with ``rows`` SMS texts imported, released and a tfidf-lr model trained."""
    folder.mkdir(parents=True)
    sample = folder / "sms.jsonl"
    with gzip.open(data, "rt", encoding="utf-8") as handle:
        sample.write_text("".join(itertools.islice(handle, rows)), encoding="utf-8")
    run(src, ["-c", CLI, "init", "proj", "--labels", "spam,ham", "--score-labels", "spam"],
        folder)
    project = folder / "proj"
    for step in (["import", str(sample)], ["release"], ["train", "--model", "tfidf-lr"]):
        run(src, ["-c", CLI, *step], project)
    return project


def commands(project: Path) -> dict[str, list[str]]:
    return {"help": ["-c", CLI, "--help"],
            "status": ["-c", CLI, "--project", str(project), "status"],
            "import textloop": ["-c", "import textloop"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout's src folder, timed in the same run")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/startup.json")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} not found: pass --data with sms_spam.jsonl.gz")
    sides = {"measured": args.src.resolve()}
    if args.baseline is not None:
        sides["baseline"] = args.baseline.resolve()
    times: dict[str, dict[str, list[float]]] = {side: {} for side in sides}
    cpu: dict[str, dict[str, list[float]]] = {side: {} for side in sides}
    with tempfile.TemporaryDirectory() as tmp:
        projects = {side: make_project(src, Path(tmp) / side, args.data, args.rows)
                    for side, src in sides.items()}
        for side, src in sides.items():  # warm the file cache and byte-code once
            for argv in commands(projects[side]).values():
                run(src, argv, Path(tmp))
        for _ in range(args.runs):
            for side, src in sides.items():
                for name, argv in commands(projects[side]).items():
                    wall, used = run(src, argv, Path(tmp))
                    times[side].setdefault(name, []).append(wall)
                    cpu[side].setdefault(name, []).append(used)
    medians, cpu_medians = ({side: {name: round(statistics.median(values), 3)
                                    for name, values in runs.items()}
                             for side, runs in table.items()} for table in (times, cpu))
    result = {"benchmark": "startup", "machine": machine_info(),
              "load_average": os.getloadavg(), "runs": args.runs, "rows": args.rows,
              "sources": {side: str(src) for side, src in sides.items()},
              "median_seconds": medians, "median_cpu_seconds": cpu_medians,
              "targets_seconds": TARGETS,
              "runs_seconds": {side: {name: [round(v, 3) for v in values]
                                      for name, values in runs.items()}
                               for side, runs in times.items()}}
    if "baseline" in medians:
        result["ratio_baseline_to_measured"] = {
            name: round(medians["baseline"][name] / medians["measured"][name], 2)
            for name in medians["measured"]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps({key: result[key] for key in result if key != "runs_seconds"}, indent=2))


if __name__ == "__main__":
    main()
