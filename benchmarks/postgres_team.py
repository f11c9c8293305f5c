"""A team on one PostgreSQL store: 20 annotators answering for 2 minutes while a server logs
200 predictions a second (issue 20, point 5).

A throwaway PostgreSQL server is started in a temporary folder, on a unix socket only
(``tests/pg_server.py``'s ``running_server``, with durable settings: fsync on). The project
(``label_roundtrip.build_project``: records imported and all queued, overlap 1) lives in it.
The labeling app runs under uvicorn in this process on a loopback port, as ``textloop
label`` runs it (retraining off, so a model fit does not share the cores with the
measurement); each annotator is a thread with its own httpx client that signs in like a
browser and answers record after record (``POST /label/answer``, which stores the answer,
closes the assignment, claims the next record and renders its panel) until the time is up.

Beside it, in a process of its own, a server's prediction log (``PredictionLog``, the
writer ``textloop serve`` uses, with its own pool) is offered ``--rate`` rows a second in
20 ms ticks; the rows are made as the server makes them (``log_row``) from a fixed
prediction, since what is measured here is the store, not a model.

Counted afterwards from the store: answers stored (human annotations) against answers the
app confirmed (HTTP 200), and prediction rows stored against rows offered; and the round
trip of every answer (p50/p95/p99). Every non-200 answer is counted by status.

``--store sqlite`` runs the same on the default SQLite store (writers queue on the file's
lock), for comparison.

    nice -n 5 python benchmarks/postgres_team.py
    nice -n 5 python benchmarks/postgres_team.py --store sqlite
    python benchmarks/postgres_team.py --annotators 4 --seconds 10 --records 2000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _machine import machine_info
from label_roundtrip import CSRF, LABELS, PANEL_ID, Server, build_project, percentiles
from tests.pg_server import running_server


def log_predictions(url: str, folder: str, rate: int, seconds: float,
                    out: multiprocessing.Queue) -> None:
    """The serving process's side: offer ``rate`` rows a second to a prediction log."""
    from textloop.stages.predict.prediction import Prediction
    from textloop.stages.serving.prediction_log import PredictionLog, log_row
    from textloop.storage import Store

    prediction = Prediction(text="claim your free prize now", label="spam",
                            probabilities={"spam": 0.93, "ham": 0.07}, score=0.93,
                            band="block", model="bench-1")
    tick = 0.02
    with Store(url, Path(folder)) as store:
        log = PredictionLog(store).start()
        offered, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            due = int(elapsed * rate) - offered
            rows = [log_row(prediction, request_id=f"p{offered + i}", idx=0, version=1,
                            api_key=None, latency_ms=1.0, log_texts="full")
                    for i in range(due)]
            log.offer(rows)
            offered += len(rows)
            time.sleep(tick)
        log.close(timeout=120)
        out.put({"offered": offered, "written": log.written, "dropped": log.dropped,
                 "seconds": round(time.perf_counter() - started, 1)})


def annotate(url: str, name: str, token: str, deadline: float, seed: int) -> dict[str, Any]:
    """One annotator answering until ``deadline``: round trips and outcomes."""
    import httpx

    rng = random.Random(seed)
    times: list[float] = []
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=url, timeout=60) as client:
        signed = client.post("/login", data={"name": name, "token": token},
                             follow_redirects=True)
        found = CSRF.search(signed.text)
        assert found, f"{name}: sign-in failed ({signed.status_code})"
        headers = {"X-CSRF-Token": found.group(1), "HX-Request": "true"}
        panel = PANEL_ID.search(client.get("/label").text)
        while panel is not None and time.monotonic() < deadline:
            started = time.perf_counter()
            response = client.post("/label/answer", headers=headers,
                                   data={"record_id": panel.group(1),
                                         "label": rng.choice(LABELS)})
            times.append((time.perf_counter() - started) * 1000)
            statuses[response.status_code] += 1
            panel = PANEL_ID.search(response.text) if response.status_code == 200 else (
                PANEL_ID.search(client.get("/label").text))
    return {"times": times, "statuses": statuses}


@contextmanager
def store_url(kind: str) -> Iterator[str | None]:
    """A fresh database on a throwaway PostgreSQL server, or None for the project's SQLite."""
    if kind == "sqlite":
        yield None
        return
    with running_server() as server:
        yield server.fresh_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--rate", type=int, default=200, help="predictions logged a second")
    parser.add_argument("--records", type=int, default=20_000, help="records queued")
    parser.add_argument("--store", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--out", type=Path,
                        help="default: benchmarks/results/postgres_team[_sqlite].json")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from textloop.stages.label.annotators import add_annotator
    from textloop.storage.schema import annotations_table, predictions
    from textloop.web.app import create_app
    from textloop.web.settings import WebSettings

    load_before = os.getloadavg()
    with store_url(args.store) as url, tempfile.TemporaryDirectory() as tmp:
        os.environ.pop("TEXTLOOP_STORE_URL", None)
        if url is not None:
            os.environ["TEXTLOOP_STORE_URL"] = url
        started = time.perf_counter()
        project, store, _ = build_project(Path(tmp), args.records)
        tokens = {f"a{i}": add_annotator(store, f"a{i}") for i in range(args.annotators)}
        setup_s = time.perf_counter() - started
        app = Server(create_app(project, store, WebSettings(retrain=False)))
        spawn = multiprocessing.get_context("spawn")
        logged: multiprocessing.Queue = spawn.Queue()
        logger = spawn.Process(target=log_predictions,
                               args=(store.url, str(project.store_dir), args.rate, args.seconds,
                                     logged))
        results: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + args.seconds

        def run(name: str, seed: int) -> None:
            results[name] = annotate(app.url, name, tokens[name], deadline, seed)

        threads = [threading.Thread(target=run, args=(name, i))
                   for i, name in enumerate(tokens)]
        try:
            logger.start()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            log = logged.get(timeout=300)
            logger.join(60)
        finally:
            app.stop()
        with store.read() as conn:
            stored_answers = conn.execute(select(func.count()).select_from(annotations_table)
                                          .where(annotations_table.c.kind == "human")
                                          ).scalar_one()
            stored_predictions = conn.execute(select(func.count()).select_from(predictions)
                                              ).scalar_one()
        store.close()
    load_after = os.getloadavg()
    times = [t for r in results.values() for t in r["times"]]
    statuses = sum((r["statuses"] for r in results.values()), Counter())
    sent = statuses.get(200, 0)
    result = {
        "benchmark": "postgres_team", "store": args.store, "machine": machine_info(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "annotators": args.annotators, "seconds": args.seconds, "records_queued": args.records,
        "setup_seconds": round(setup_s, 1),
        "answers_confirmed": sent, "answers_stored": stored_answers,
        "answers_lost": sent - stored_answers,
        "answer_statuses": {str(k): v for k, v in sorted(statuses.items())},
        "answers_per_second": round(sent / args.seconds, 1),
        "round_trip_ms": percentiles(times) if times else None,
        "prediction_log": log, "predictions_stored": stored_predictions,
        "predictions_lost": log["offered"] - stored_predictions,
        "prediction_rate_per_second": round(stored_predictions / args.seconds, 1),
    }
    out = args.out or Path("benchmarks/results/postgres_team"
                           f"{'' if args.store == 'postgres' else '_sqlite'}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
