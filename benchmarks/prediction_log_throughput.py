"""Prediction log at full throughput: every answered prediction is stored, or counted as
dropped, and how large ``serving.log_queue`` must be.

A real ``textloop serve`` (an ``embed-lr`` run as ``serving_latency.py`` builds it) gets 32
clients (``--clients``) posting batches of 8 short dev-set texts (``--texts-per-request``)
as fast as it answers, for ``--seconds``. Then the server is stopped gracefully (SIGTERM)
and the rows in the store's ``predictions`` table are counted against the texts answered
with status 200 and ``textloop_prediction_log_dropped_total`` scraped just before the stop.
Four scenarios, each on a fresh copy of the project:

* the documented queue (``log_queue: 10000``, the default), store free;
* the documented queue while another writer holds the store for ``--stall`` seconds (5),
  from a third of the way in (as ``textloop import`` does for a whole file: one transaction);
* a deliberately small queue (``--small-queue``, 100 rows), store free;
* the small queue with the same stall.

The claim: stored + dropped == answered in every run, nothing dropped with the documented
queue, and the requests' latency does not wait for the store. Besides, in this process, the
writer's own capacity (rows per second in the batches the writer makes, and its slowest
batch) and the memory a queued row takes: the numbers the queue sizing in
docs/serving.md rests on.

Run from the repository root (needs the ``train`` extra and ../shared/data)::

    python benchmarks/prediction_log_throughput.py --runs 3

Results go to benchmarks/results/prediction_log_throughput.json and .md (``--out`` folder).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import _serving_load as bench
from _dev_sets import machine_line, write_results
from _machine import machine_info

from textloop.config import find_project
from textloop.stages.predict.prediction import Prediction
from textloop.stages.serving.prediction_log import log_row
from textloop.storage import Store, predictions

DOCUMENTED_QUEUE = 10_000
WRITER_BATCH = 500  # PredictionLog's default batch


def scenario_project(template: Path, queue: int) -> Path:
    """A fresh copy of the served project with ``serving.log_queue`` set."""
    root = Path(shutil.copytree(template, Path(tempfile.mkdtemp(prefix="plog-")) / "proj"))
    project = find_project(root)
    project.spec.serving.log_queue = queue
    project.save()
    return root


def hold_store(root: Path, after: float, seconds: float) -> threading.Thread:
    """Another writer: a write transaction on the store held for ``seconds`` (the log's
    writer waits for it, up to the busy timeout), from ``after`` seconds on."""
    def hold() -> None:
        time.sleep(after)
        with Store.for_project(find_project(root)) as store, store.write():
            time.sleep(seconds)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


def one_run(template: Path, run: str, texts: list[str], queue: int, stall: float,
            args: argparse.Namespace) -> dict[str, Any]:
    root = scenario_project(template, queue)
    server = bench.launch(bench.serve_command(root, run))
    out = bench.Outcomes()

    def body(rng: random.Random) -> dict[str, Any]:
        return {"texts": rng.sample(texts, args.texts_per_request)}

    try:
        holder = hold_store(root, args.seconds / 3, stall) if stall else None
        took = asyncio.run(bench.drive(server.url, args.clients, args.seconds, body, out))
        if holder is not None:
            holder.join()
        scrape = httpx.get(f"{server.url}/metrics", timeout=30).text
        dropped = int(bench.metric(scrape, "textloop_prediction_log_dropped_total"))
    finally:
        shutdown = bench.stop(server)
    summary = out.summary(took)
    stored = bench.stored_rows(root)
    shutil.rmtree(root.parent, ignore_errors=True)
    return {"log_queue": queue, "stall_s": stall, **summary, "stored": stored,
            "dropped": dropped, "shutdown": shutdown,
            "balanced": stored + dropped == summary["texts_answered"]}


def writer_capacity(template: Path, run: str, texts: list[str], batches: int
                    ) -> dict[str, Any]:
    """Rows per second the writer's unit of work sustains (one transaction, one executemany
    of ``WRITER_BATCH`` rows), its slowest batch, and the memory of one queued row."""
    root = scenario_project(template, DOCUMENTED_QUEUE)
    rng = random.Random(0)

    def rows(n: int) -> list[dict[str, Any]]:
        return [log_row(Prediction(text=rng.choice(texts), label="spam",
                                   probabilities={"ham": 0.2, "spam": 0.8}, score=0.8,
                                   band="block", model=run),
                        request_id=f"{rng.getrandbits(128):032x}", idx=0, version=1,
                        api_key=None, latency_ms=12.5, log_texts="full") for _ in range(n)]

    tracemalloc.start()
    held = rows(10_000)
    row_bytes = tracemalloc.get_traced_memory()[0] / len(held)
    tracemalloc.stop()
    del held
    seconds = []
    with Store.for_project(find_project(root)) as store:
        for _ in range(batches):
            batch = rows(WRITER_BATCH)
            began = time.perf_counter()
            with store.write() as conn:
                predictions.insert_many(conn, batch)
            seconds.append(time.perf_counter() - began)
    shutil.rmtree(root.parent, ignore_errors=True)
    return {"rows": batches * WRITER_BATCH, "rows_per_s": round(batches * WRITER_BATCH
                                                               / sum(seconds)),
            "batch_ms_median": round(statistics.median(seconds) * 1000, 1),
            "batch_ms_max": round(max(seconds) * 1000, 1),
            "bytes_per_queued_row": round(row_bytes)}


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs if r[key] is not None)


def table(report: dict[str, Any]) -> str:
    lines = ["| log_queue | store held | texts answered/s | p50 / p99 ms | answered | "
             "stored | dropped | stored + dropped = answered | errors |",
             "|---|---|---|---|---|---|---|---|---|"]
    for scenario in report["scenarios"]:
        runs = scenario["runs"]
        lines.append(
            f"| {scenario['log_queue']:,} | {scenario['stall_s']:g} s | "
            f"{median_of(runs, 'texts_per_s')} | {median_of(runs, 'p50_ms')} / "
            f"{median_of(runs, 'p99_ms')} | {median_of(runs, 'texts_answered'):,.0f} | "
            f"{median_of(runs, 'stored'):,.0f} | {median_of(runs, 'dropped'):,.0f} "
            f"({', '.join(str(r['dropped']) for r in runs)}) | "
            f"{sum(r['balanced'] for r in runs)} of {len(runs)} runs | "
            f"{sum(sum(r['errors'].values()) for r in runs)} |")
    w = report["writer"]
    lines += ["", f"Writer: {w['rows_per_s']:,} rows/s in batches of {WRITER_BATCH} "
              f"(median batch {w['batch_ms_median']} ms, slowest {w['batch_ms_max']} ms over "
              f"{w['rows']:,} rows); a queued row holds about {w['bytes_per_queued_row']:,} "
              "bytes.", "", machine_line(report["machine"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="Load per scenario run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--texts-per-request", type=int, default=8)
    parser.add_argument("--small-queue", type=int, default=100)
    parser.add_argument("--stall", type=float, default=5.0,
                        help="Seconds another writer holds the store")
    parser.add_argument("--writer-batches", type=int, default=200)
    parser.add_argument("--rows", type=int, default=600, help="Training rows")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    texts = bench.short_texts(5000)
    template, run = bench.make_project(Path(tempfile.mkdtemp(prefix="plog-template-")),
                                       bench.load_rows(args.rows))
    load_before = bench.load_average()
    plan = [(DOCUMENTED_QUEUE, 0.0), (DOCUMENTED_QUEUE, args.stall),
            (args.small_queue, 0.0), (args.small_queue, args.stall)]
    scenarios = [{"log_queue": q, "stall_s": s, "runs": []} for q, s in plan]
    for i in range(args.runs):  # interleaved: a busy spell on the machine hits every scenario
        for scenario in scenarios:
            result = one_run(template, run, texts, scenario["log_queue"],
                             scenario["stall_s"], args)
            scenario["runs"].append(result)
            print(f"run {i + 1}: queue {result['log_queue']}, stall {result['stall_s']} s: "
                  f"{result['texts_answered']} answered, {result['stored']} stored, "
                  f"{result['dropped']} dropped, errors {result['errors']}", flush=True)
    report = {"seconds": args.seconds, "clients": args.clients,
              "texts_per_request": args.texts_per_request, "run": run,
              "scenarios": scenarios,
              "writer": writer_capacity(template, run, texts, args.writer_batches),
              "load_average": {"before": load_before, "after": bench.load_average()},
              "machine": machine_info()}
    write_results(args.out, "prediction_log_throughput", report, table(report))


if __name__ == "__main__":
    main()
