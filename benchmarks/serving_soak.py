"""Serving soak: a real ``textloop serve`` under steady concurrent load for 5 minutes.

32 clients (``--clients``) post to /v1/classify on loopback for ``--seconds`` (300), each
sending its next request as soon as its answer came: a quarter of the requests carry a batch
of 2 to 16 texts, the rest one text. Texts are short (at most 280 characters) real rows of
the five development sets (``_dev_sets.DATASETS``), drawn with a fixed seed. The server
serves an ``embed-lr`` run (600 sms_spam rows, int8 MiniLM) as ``serving_latency.py`` builds
it, in its own process, with its default settings.

Recorded: requests sent, errors by kind (HTTP status, connection errors, timeouts at 30 s),
p50/p99 latency, requests and texts per second in every minute (a server that degrades shows
a falling rate or a rising p99), the server's RSS at the start and at the end (sampled every
5 s: memory growth), the prediction-log rows dropped (``/metrics``), and after a graceful
shutdown, how many prediction rows the store holds against the texts answered. The load
generator shares the machine's cores with the server, so rates are floors.

Run from the repository root (needs the ``train`` extra and ../shared/data)::

    python benchmarks/serving_soak.py                 # 300 s
    python benchmarks/serving_soak.py --seconds 60    # a shorter check

Results go to benchmarks/results/serving_soak.json and .md (``--out`` folder).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import _serving_load as bench
from _dev_sets import machine_line, write_results
from _machine import machine_info

BATCH_SHARE = 0.25
BATCH_SIZES = (2, 16)


def request_mix(texts: list[str]) -> bench.Body:
    """One request body: a batch of 2-16 texts a quarter of the time, else one text."""
    def body(rng: random.Random) -> dict[str, Any]:
        if rng.random() < BATCH_SHARE:
            return {"texts": rng.sample(texts, rng.randint(*BATCH_SIZES))}
        return {"text": rng.choice(texts)}
    return body


async def every(seconds: float, action: Callable[[], None], done: asyncio.Event) -> None:
    """Call ``action`` every ``seconds`` until ``done`` is set."""
    while True:
        try:
            await asyncio.wait_for(done.wait(), seconds)
            return
        except TimeoutError:
            action()


Samples = list[tuple[float, float]]


async def soak(server: bench.Server, clients: int, seconds: float, texts: list[str],
               out: bench.Outcomes) -> tuple[float, Samples, list[list[float]]]:
    """The load; the server's RSS before, every 5 s and after it; the load average at the
    end of every minute."""
    began = time.perf_counter()
    rss: Samples = []
    loads: list[list[float]] = []

    def sample() -> None:
        rss.append((round(time.perf_counter() - began, 1), bench.rss_mib(server.process.pid)))

    sample()
    done = asyncio.Event()
    watchers = [asyncio.create_task(every(5.0, sample, done)),
                asyncio.create_task(every(60.0, lambda: loads.append(bench.load_average()),
                                          done))]
    took = await bench.drive(server.url, clients, seconds, request_mix(texts), out)
    done.set()
    await asyncio.gather(*watchers)
    sample()
    return took, rss, loads


def per_minute(out: bench.Outcomes, took: float, loads: list[list[float]]
               ) -> list[dict[str, Any]]:
    """The summary of each minute, with the machine's load average as it ended."""
    ended = np.array(out.ended)
    minutes = []
    for i, start in enumerate(np.arange(0.0, took, 60.0)):
        end = min(start + 60.0, took)
        if end - start < 10.0:  # only the requests that ended after the deadline
            continue
        row = out.summary(end - start, (ended >= start) & (ended < end))
        minutes.append({"minute": i + 1, **row,
                        "load_average": loads[i] if i < len(loads) else bench.load_average()})
    return minutes


def table(report: dict[str, Any]) -> str:
    total = report["total"]
    lines = ["| minute | requests | req/s | texts/s | p50 ms | p99 ms | errors | load avg |",
             "|---|---|---|---|---|---|---|---|"]
    for row in report["minutes"]:
        lines.append(f"| {row['minute']} | {row['requests']:,} | {row['requests_per_s']} | "
                     f"{row['texts_per_s']} | {row['p50_ms']} | {row['p99_ms']} | "
                     f"{sum(row['errors'].values())} | {row['load_average'][0]} |")
    lines.append(f"| all | {total['requests']:,} | {total['requests_per_s']} | "
                 f"{total['texts_per_s']} | {total['p50_ms']} | {total['p99_ms']} | "
                 f"{sum(total['errors'].values())} | |")
    rss = report["server_rss_mib"]
    log = report["prediction_log"]
    lines += ["", f"Errors by kind: {total['errors'] or 'none'}. Server RSS: "
              f"{rss['start']} MiB at the start, {rss['end']} MiB at the end (peak "
              f"{rss['peak']} MiB). Prediction log: {log['stored']:,} rows stored for "
              f"{log['texts_answered']:,} texts answered, {log['dropped']:g} dropped; "
              f"shutdown {report['shutdown']['shutdown_s']} s, exit status "
              f"{report['shutdown']['exit_status']}.", "",
              machine_line(report["machine"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="Length of the soak")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rows", type=int, default=600, help="Training rows")
    parser.add_argument("--texts", type=int, default=5000, help="Distinct texts sent")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    texts = bench.short_texts(args.texts)
    root, run = bench.make_project(Path(tempfile.mkdtemp(prefix="serving-soak-")),
                                   bench.load_rows(args.rows))
    server = bench.launch(bench.serve_command(root, run))
    out = bench.Outcomes()
    load_before = bench.load_average()
    try:
        took, rss, loads = asyncio.run(soak(server, args.clients, args.seconds, texts, out))
        metrics = httpx.get(f"{server.url}/metrics", timeout=30).text
    finally:
        shutdown = bench.stop(server)
    total = out.summary(took)
    report = {
        "seconds": args.seconds, "clients": args.clients, "run": run,
        "request_mix": {"batch_share": BATCH_SHARE, "batch_sizes": BATCH_SIZES,
                        "distinct_texts": len(texts), "max_chars": 280},
        "total": total, "minutes": per_minute(out, took, loads),
        "server_rss_mib": {"start": rss[0][1], "end": rss[-1][1],
                           "peak": max(r for _, r in rss), "samples": rss},
        "prediction_log": {"texts_answered": total["texts_answered"],
                           "stored": bench.stored_rows(root),
                           "dropped": bench.metric(metrics,
                                             "textloop_prediction_log_dropped_total")},
        "shutdown": shutdown,
        "load_average": {"before": load_before, "after": bench.load_average()},
        "machine": machine_info(),
    }
    write_results(args.out, "serving_soak", report, table(report))


if __name__ == "__main__":
    main()
