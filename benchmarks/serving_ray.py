"""Serving on Ray Serve: one ``textloop serve`` (uvicorn, 1 process) against ``textloop serve
--ray --replicas 2`` (Ray Serve's proxy and 2 replicas, a local Ray runtime on loopback), in
the same run on the same machine.

Both serve the same ``embed-lr`` run (``serving_latency.make_project``: sms_spam rows, the
int8 MiniLM embedder) pinned with ``--run``, on free loopback ports; both are started before
the first phase and stay up, and the phases alternate (uvicorn, ray, uvicorn, ray, ...), so
other work on the machine weighs on both alike. A phase is 32 clients, each sending one short
text per request as soon as its previous answer came (``_serving_load.drive``), for
``--seconds``; recorded per phase: requests/s, p50 and p99 latency, errors by kind, and the
load average. After the last phase each server is stopped gracefully and its prediction log
counted: rows stored = texts answered.

The clients share the machine's cores with the servers (2 here), as in serving_latency.py.

Run from the repository root (needs the ``ray`` and ``train`` extras and
../shared/data/sms_spam.jsonl.gz)::

    nice -n 5 python benchmarks/serving_ray.py --seconds 20 --runs 3

Results go to benchmarks/results/serving_ray.json (or --out PATH).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info
from _serving_load import (
    Outcomes,
    drive,
    launch,
    load_average,
    load_rows,
    make_project,
    rss_mib,
    serve_command,
    stop,
    stored_rows,
)
from serving_latency import SHORT

CLIENTS = 32
SERVERS = {"uvicorn (1 process)": (),
           "Ray Serve (2 replicas)": ("--ray", "--replicas", "2")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=2000, help="training rows (sms_spam)")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "serving_ray.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="textloop-bench-ray-") as tmp:
        root, run = make_project(Path(tmp), load_rows(args.rows))
        # the ray server has its own copy: two servers on one SQLite file would make the
        # log count of each meaningless
        ray_root = Path(tmp) / "ray-proj"
        shutil.copytree(root, ray_root)
        roots = dict(zip(SERVERS, (root, ray_root), strict=True))
        servers = {}
        for name, options in SERVERS.items():
            began = time.perf_counter()
            servers[name] = launch(serve_command(roots[name], run, *options))
            print(f"{name}: ready in {time.perf_counter() - began:.1f} s at "
                  f"{servers[name].url}", flush=True)
        phases: dict[str, list[dict[str, Any]]] = {name: [] for name in SERVERS}
        answered = dict.fromkeys(SERVERS, 0)
        try:
            for i in range(args.runs):
                for name, server in servers.items():
                    out = Outcomes()
                    load = load_average()
                    took = asyncio.run(drive(server.url, CLIENTS, args.seconds,
                                             lambda _rng: {"text": SHORT}, out, seed=i))
                    summary = {**out.summary(took), "load_average_before": load,
                               "load_average_after": load_average()}
                    phases[name].append(summary)
                    answered[name] += summary["texts_answered"]
                    print(f"run {i + 1} {name}: {summary}", flush=True)
            memory = {name: rss_mib(server.process.pid) for name, server in servers.items()}
        finally:
            stopped = {name: stop(server) for name, server in servers.items()}
        stored = {name: stored_rows(roots[name]) for name in SERVERS}

    result = {
        "benchmark": "serving_ray", "machine": machine_info(), "clients": CLIENTS,
        "seconds_per_phase": args.seconds, "runs": args.runs, "model": "embed-lr",
        "phases": phases,
        "median": {name: {key: statistics.median(p[key] for p in runs)
                          for key in ("requests_per_s", "p50_ms", "p99_ms")}
                   for name, runs in phases.items()},
        "log": {name: {"texts_answered": answered[name], "rows_stored": stored[name],
                       "exit_status": stopped[name]["exit_status"],
                       "shutdown_s": stopped[name]["shutdown_s"]} for name in SERVERS},
        "rss_mib_with_children": memory,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({"median": result["median"], "log": result["log"]}, indent=2))


if __name__ == "__main__":
    main()
