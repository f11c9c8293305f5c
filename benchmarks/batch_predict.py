"""Batch prediction of a file (``textloop predict RUN --input FILE --output FILE``): local
vs Ray with 1 and 2 workers, in one run, and a scaling model from what was measured.

Claim (issue 20): the same job runs locally and on Ray with byte-identical output; on one
2-core machine Ray buys nothing (there are no more cores to use) and costs its overhead,
which this measures honestly; beyond one machine throughput grows with the cores scoring,
up to what the one process that reads and writes the file can feed.

Setup: an ``embed-lr`` run trained on the first ``--train-rows`` texts of sms_spam (as
``serving_latency.py`` does), and a CSV of ``--rows`` rows (default 1,000,000) made of the
real sms_spam texts repeated in order, each with an id. Each configuration runs in its own
process (``--child``), so each peak RSS is that configuration's alone:

- ``local``: ``predict_file`` with the local executor (ONNX Runtime on every core);
- ``ray-1``, ``ray-2``: a Ray runtime started by the child on 127.0.0.1 (2 CPUs, an 80 MB
  object store, no dashboard, no usage statistics), and ``predict_file`` with 1 or 2 actors.

Reported per configuration: rows/s of the job (Ray start-up timed apart), the driver's peak
RSS (``VmHWM``), each actor's peak RSS (sampled every 0.2 s from /proc through psutil),
the driver's CPU seconds per row (what bounds the driver), and that the output is the same
bytes as local's. The scaling model: ``rows/s(N nodes of c cores) = min(N * c * r, D)``
where ``r`` is ray-1's rows/s (one actor) and ``D`` the rows/s one driver can read and
write (1 / its CPU seconds per row); it is a model, not a measurement.

Run from the repository root, niced on the shared machine::

    nice -n 5 python benchmarks/batch_predict.py --rows 4000

Results: benchmarks/results/batch_predict.json.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info
from serving_latency import DATA, load_rows, make_project

CONFIGS = ("local", "ray-1", "ray-2")
OBJECT_STORE_BYTES = 80 * 2**20


def write_input(path: Path, rows: int) -> None:
    """``rows`` rows of real sms_spam texts, repeated in file order, with ids."""
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        writer.writerows((f"r{i}", texts[i % len(texts)]) for i in range(rows))


def peak_rss_kib() -> int:
    """This process's peak RSS (``VmHWM``). Not ``ru_maxrss``: Linux keeps that across
    ``exec``, so a child would report the parent's peak (the model it trained)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class ActorMemory:
    """Peak RSS of every Ray actor process (our descendants scoring the job)."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ActorMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.2):
            for child in me.children(recursive=True):
                try:
                    if "_Worker" in " ".join(child.cmdline()):
                        rss = child.memory_info().rss
                        self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), rss)
                except psutil.Error:  # a process that just ended
                    continue


def child(config: str, root: Path, run: str, data: Path, out: Path) -> dict[str, Any]:
    """One configuration in this process; prints its result as JSON."""
    from textloop.config import find_project
    from textloop.executors import LocalExecutor, executor_for
    from textloop.stages.predict import predict_file
    from textloop.storage import Store

    project = find_project(root)
    start_seconds = 0.0
    if config == "local":
        executor: Any = LocalExecutor()
    else:
        os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
        os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
        import ray

        started = time.perf_counter()
        ray.init(num_cpus=2, object_store_memory=OBJECT_STORE_BYTES, include_dashboard=False,
                 log_to_driver=False, _node_ip_address="127.0.0.1")
        executor = executor_for("ray", workers=int(config.split("-")[1]))
        start_seconds = time.perf_counter() - started
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    with Store.for_project(project) as store, ActorMemory() as actors:
        done = predict_file(store, project, run, data, out, executor=executor)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    executor.close()
    if config != "local":
        import ray

        ray.shutdown()  # the runtime this child started, and only it
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {"config": config, "rows": done.rows, "seconds": round(done.seconds, 2),
            "rows_per_s": round(done.rows_per_second, 1),
            "ray_start_seconds": round(start_seconds, 2),
            "driver_peak_rss_mib": round(peak_rss_kib() / 1024, 1),
            "actor_peak_rss_mib": sorted(round(v / 2**20, 1) for v in actors.peaks.values()),
            "driver_cpu_s_per_row": cpu / done.rows, "workers": done.workers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--train-rows", type=int, default=2000)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "batch_predict.json")
    parser.add_argument("--child", nargs=5, metavar=("CONFIG", "ROOT", "RUN", "DATA", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        config, root, run, data, out = args.child
        print(json.dumps(child(config, Path(root), run, Path(data), Path(out))), flush=True)
        return
    report: dict[str, Any] = {"machine": machine_info(), "rows": args.rows,
                              "load_average_before": [round(v, 2) for v in os.getloadavg()]}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        root, run = make_project(folder, load_rows(args.train_rows))
        data = folder / "day.csv"
        write_input(data, args.rows)
        report["input_bytes"] = data.stat().st_size
        results = []
        for config in args.configs.split(","):
            out = folder / f"{config}.csv"
            command = [sys.executable, __file__, "--child", config, str(root), run, str(data),
                       str(out)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:  # once more: a Ray start can time out on a busy machine
                print(f"{config} failed, trying once more:\n{done.stderr[-3000:]}", flush=True)
                done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{config} failed:\n{done.stderr[-3000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result["load_average"] = [round(v, 2) for v in os.getloadavg()]
            result["same_bytes_as_local"] = (out.read_bytes() == (folder / "local.csv")
                                             .read_bytes()) if (folder / "local.csv").exists() \
                else None
            print(json.dumps(result), flush=True)
            results.append(result)
        report["results"] = results
    ray1 = next((r for r in results if r["config"] == "ray-1"), None)
    if ray1 is not None:
        per_core = ray1["rows_per_s"]
        driver = 1 / ray1["driver_cpu_s_per_row"]
        report["scaling_model"] = {
            "formula": "rows/s(N nodes x c cores) = min(N * c * r, D)",
            "r_rows_per_s_per_actor": per_core, "D_driver_rows_per_s": round(driver),
            "predicted": {f"{n} nodes x 2 cores": round(min(n * 2 * per_core, driver))
                          for n in (1, 2, 4, 8, 16, 32)}}
    report["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report.get("scaling_model"), indent=2))


if __name__ == "__main__":
    main()
