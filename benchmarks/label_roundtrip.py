"""Labeling round trip over HTTP: POST /label/answer -> next record panel (target: p95 <= 100 ms).

A project with 100,000 imported records, every one of them in the labeling queue (the
worst case for the queue queries: a queue is normally a batch of 50), served by uvicorn in
this process on a free loopback port. An httpx client signs in like a browser (session
cookie, CSRF header, ``HX-Request``) and answers records one after the other: each timed
request stores an annotation, closes the assignment, claims the next record and renders
its panel. Retraining is off, so a model fit in the background does not share the 2 cores
with the measurement.

Baseline, measured in the same run on the same server and client, interleaved with the
answers: ``GET /healthz``, a route that returns a string without touching the store. It
is the floor of HTTP, ASGI, middleware and client in this setup; the ratio says how much
the labeling work adds to it.

Texts are resampled from ../shared/data/*.jsonl.gz (the k-th reuse of a text gets `` [k]``
appended, so all are distinct records), or synthesized when that folder is absent.

    python benchmarks/label_roundtrip.py --runs 3
    python benchmarks/label_roundtrip.py --records 20000 --answers 200 --profile prof.out
    python benchmarks/label_roundtrip.py --task spans --out benchmarks/results/span_roundtrip.json

``--task spans`` measures the same round trip for a span project (labels PER/ORG/LOC, two
span rules suggesting on every record): each answer posts the first token as a PER span in
the page's UTF-16 units, and each panel carries the tokens and the rules' suggestions.

``--profile`` runs cProfile over the stage calls of one answer (``labeling.next_item`` and
``labeling.submit``) in this thread after the timed runs (request handlers run in worker
threads, which a profiler started here does not see); read it with ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gzip
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TARGET_P95_MS = 100.0
SEED = 11
PANEL_ID = re.compile(r'<article class="record" data-record-id="([0-9a-f]+)"')
CSRF = re.compile(r'<body data-csrf="([^"]+)"')
LABELS = ("spam", "ham", "other")
SPAN_LABELS = ("PER", "ORG", "LOC")
SPAN_RULES = [{"name": "numbers", "label": "ORG", "regex": r"\b\d{2,}\b"},
              {"name": "places", "label": "LOC",
               "phrases": ["London", "Seoul", "Paris", "New York", "Tokyo", "Berlin"]}]
FIRST_TOKEN = re.compile(r'class="tok" data-t="0" data-s="(\d+)" data-e="(\d+)"')


def load_texts(data: Path, n: int) -> list[tuple[str, str]]:
    """``n`` distinct (text, source) pairs: real texts when available, else synthesized."""
    pool: list[tuple[str, str]] = []
    for path in sorted(data.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            pool.extend((row["text"], path.name.split(".")[0]) for row in map(json.loads, handle))
    rng = random.Random(SEED)
    if not pool:
        words = ("lunch", "meeting", "prize", "parcel", "account", "free", "call", "today",
                 "offer", "report", "weekend", "invoice", "team", "urgent", "thanks")
        return [(f"{' '.join(rng.choices(words, k=12))} #{i}", "synthetic") for i in range(n)]
    uses: Counter[str] = Counter()
    out = []
    for text, source in rng.choices(pool, k=n):
        k = uses[text]
        uses[text] += 1
        out.append((f"{text} [{k}]" if k else text, source))
    return out


def build_project(folder: Path, n_records: int, task: str = "classification"
                  ) -> tuple[Any, Any, str]:
    """Project with ``n_records`` imported and queued; returns (project, store, token)."""
    from textloop.config import Label
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.label.annotators import add_annotator
    from textloop.stages.project.init import init_project
    from textloop.storage import Store, queue, records

    spans = task == "spans"
    project = init_project(folder / "bench", task=task, metadata_fields=["source"],
                           labels=[Label(name=n) for n in (SPAN_LABELS if spans else LABELS)])
    if spans:
        project.spec = project.spec.model_validate({**project.spec.model_dump(),
                                                    "span_rules": SPAN_RULES})
        project.save()
    store = Store.for_project(project)
    data = folder / "records.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "source"])
        writer.writerows(load_texts(DATA, n_records))
    import_file(store, project, data, ImportOptions(text_col="text", label_col="",
                                                    meta_cols=["source"]))
    rng = random.Random(SEED)
    with store.write() as conn:
        ids = [r.id for r in records.iter_all(conn)]
        queue.enqueue(conn, [{"record_id": rid, "priority": rng.random(), "strategy": "bench",
                              "batch_id": "b1", "overlap": 1,
                              "suggestion": None if spans else rng.choice(LABELS),
                              "confidence": None if spans else rng.random()} for rid in ids])
    token = add_annotator(store, "bench")
    return project, store, token


class Server:
    """The app served by uvicorn in a thread on a free loopback port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        from textloop.web.serve import base_url, bind

        self.sock = bind("127.0.0.1", 0)
        self.url = base_url("127.0.0.1", self.sock.getsockname()[1])
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {"p50": round(at(0.50), 2), "p95": round(at(0.95), 2), "p99": round(at(0.99), 2),
            "mean": round(statistics.fmean(ordered), 2)}


def answer_for(panel: str, record_id: str, task: str, rng: random.Random) -> dict[str, str]:
    """The form an annotator posts: a label, or the first token as a PER span."""
    if task != "spans":
        return {"record_id": record_id, "label": rng.choice(LABELS)}
    first = FIRST_TOKEN.search(panel)
    spans = [] if first is None else [{"start": int(first.group(1)),
                                       "end": int(first.group(2)), "label": "PER"}]
    return {"record_id": record_id, "spans": json.dumps(spans)}


def one_run(client: Any, csrf: str, answers: int, rng: random.Random,
            task: str = "classification") -> dict[str, Any]:
    """``answers`` timed answers, each followed by one timed baseline request."""
    headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}
    page = client.get("/label")
    found = PANEL_ID.search(page.text)
    assert found, "no record on the labeling page"
    record_id = found.group(1)
    panel = page.text
    answer_ms, server_ms, floor_ms = [], [], []
    for _ in range(answers):
        started = time.perf_counter()
        response = client.post("/label/answer", headers=headers,
                               data=answer_for(panel, record_id, task, rng))
        answer_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"answer failed ({response.status_code}): {response.text[:500]}")
        server_ms.append(float(response.headers["server-timing"].split("dur=")[1]))
        found = PANEL_ID.search(response.text)
        assert found, "the answer did not return the next record"
        record_id = found.group(1)
        panel = response.text
        started = time.perf_counter()
        floor = client.get("/healthz")
        floor_ms.append((time.perf_counter() - started) * 1000)
        assert floor.status_code == 200
    return {"answer_ms": percentiles(answer_ms), "answer_server_ms": percentiles(server_ms),
            "baseline_ms": percentiles(floor_ms)}


def profile_stages(project: Any, store: Any, answers: int, path: Path) -> None:
    """cProfile of what one answer costs below HTTP: claim and render data, then store."""
    from textloop.stages.label import queue as labeling

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(answers):
        item = labeling.next_item(store, "profile")
        if item is None:
            break
        labeling.submit(store, project, "profile", item.record_id, [LABELS[0]])
    profiler.disable()
    profiler.dump_stats(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=500, help="timed answers per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the timed runs here")
    parser.add_argument("--task", choices=("classification", "spans"),
                        default="classification")
    parser.add_argument("--out", type=Path,
                        default=Path("benchmarks/results/label_roundtrip.json"))
    args = parser.parse_args()

    import httpx

    from textloop.web.app import create_app
    from textloop.web.settings import WebSettings

    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        project, store, token = build_project(Path(tmp), args.records, args.task)
        setup_s = time.perf_counter() - started
        server = Server(create_app(project, store, WebSettings(retrain=False)))
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                signed = client.post("/login", data={"name": "bench", "token": token},
                                     follow_redirects=True)
                found = CSRF.search(signed.text)
                assert found, f"sign-in failed ({signed.status_code})"
                csrf = found.group(1)
                one_run(client, csrf, args.warmup, rng, args.task)
                runs = [one_run(client, csrf, args.answers, rng, args.task)
                        for _ in range(args.runs)]
            if args.profile and args.task == "classification":
                profile_stages(project, store, args.answers, args.profile)
        finally:
            server.stop()
            store.close()

    def median_of(part: str, key: str) -> float:
        return round(statistics.median(run[part][key] for run in runs), 2)

    medians = {part: {key: median_of(part, key) for key in ("p50", "p95", "p99", "mean")}
               for part in ("answer_ms", "answer_server_ms", "baseline_ms")}
    result = {
        "benchmark": "label_roundtrip", "task": args.task, "machine": machine_info(),
        "records": args.records, "queued": args.records, "answers_per_run": args.answers,
        "runs": runs, "median": medians, "setup_seconds": round(setup_s, 1),
        "target_p95_ms": TARGET_P95_MS,
        "ratio_to_baseline": {q: round(medians["answer_ms"][q] / medians["baseline_ms"][q], 1)
                              for q in ("p50", "p95")},
        "meets_target": medians["answer_ms"]["p95"] <= TARGET_P95_MS,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
