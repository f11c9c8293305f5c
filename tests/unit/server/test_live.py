"""A real uvicorn server on a loopback port: hot reload under load, the log after shutdown,
and property-based requests generated from the server's own OpenAPI spec."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from tests.unit.server.fixtures import (
    HAM,
    SPAM,
    add_version,
    live_server,
    promote_to,
    slowed,
    wait_until,
)
from tests.unit.server.span_fixtures import EMOJI, ENGLISH, HANGUL, span_champion
from tests.unit.server.test_app import metric
from tests.unit.stages.serving.test_prediction_log import run_together
from textloop.storage import predictions, schema


def hammer(url: str, stop: threading.Event, seen: Counter, failures: list) -> None:
    """Classify in a loop until ``stop``; counts answers by model version, keeps failures."""
    with httpx.Client(base_url=url, timeout=30) as client:
        while not stop.is_set():
            response = client.post("/v1/classify", json={"texts": [SPAM, HAM]})
            if response.status_code != 200:
                failures.append((response.status_code, response.text))
                continue
            for answer in response.json()["predictions"]:
                seen[answer["model_version"]] += 1


def test_promotion_swaps_the_model_without_failing_a_request(served) -> None:
    project, store = served
    second = add_version(store, project, c=1.0)
    seen: Counter = Counter()
    failures: list = []
    stop = threading.Event()
    with live_server(project, store) as url:
        clients = [threading.Thread(target=hammer, args=(url, stop, seen, failures))
                   for _ in range(4)]
        for thread in clients:
            thread.start()
        try:
            wait_until(lambda: seen[1] >= 20, "answers from version 1")
            promote_to(store, project, second)
            wait_until(lambda: seen[second] >= 20, "answers from the promoted version")
        finally:
            stop.set()
            for thread in clients:
                thread.join(60)
        ready = httpx.get(f"{url}/readyz").json()
        metrics = httpx.get(f"{url}/metrics").text
    assert failures == []
    assert ready["model_version"] == second
    assert f'textloop_model_info{{run="tfidf-lr-2",version="{second}"}} 1.0' in metrics
    assert 'version="1"' not in metrics


def test_every_prediction_is_in_the_log_after_a_graceful_shutdown(served) -> None:
    project, store = served
    texts = 0
    with live_server(project, store, log_texts="hash") as url, \
            httpx.Client(base_url=url) as client:
        for i in range(30):
            batch = [f"{SPAM} {i}"] * (1 + i % 3)
            assert client.post("/v1/classify", json={"texts": batch}).status_code == 200
            texts += len(batch)
        last = client.post("/v1/classify", json={"text": HAM}).json()["request_id"]
        texts += 1
    with store.read() as conn:
        logged = conn.execute(select(func.count()).select_from(schema.predictions)).scalar_one()
        row = predictions.get(conn, last)
    assert logged == texts
    assert row["text"] is None and len(row["text_hash"]) == 64 and row["label"] == "ham"
    assert row["model_version"] == 1 and row["latency_ms"] > 0


def test_bad_texts_among_concurrent_clients_cost_no_good_row(served) -> None:
    """8 clients send good texts while one sends lone surrogates and NULs: every bad request
    is refused (422), every good text answered is stored, and the log drops nothing."""
    project, store = served
    answered: list[str] = []
    refused: list[int] = []
    failures: list = []

    def good(client_no: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            for i in range(25):
                response = client.post("/v1/classify",
                                       json={"texts": [f"{SPAM} {client_no} {i}", HAM]})
                if response.status_code != 200:
                    failures.append((response.status_code, response.text))
                    continue
                answered.extend(p["request_id"] for p in response.json()["predictions"])

    def bad() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            for i in range(40):
                escape = "\\ud800" if i % 2 else "\\u0000"
                body = f'{{"texts": ["{HAM}", "evil {escape} row {i}"]}}'.encode()
                response = client.post("/v1/classify", content=body,
                                       headers={"content-type": "application/json"})
                refused.append(response.status_code)

    with live_server(project, store) as url:
        run_together([lambda n=n: good(n) for n in range(8)] + [bad])
        metrics = httpx.get(f"{url}/metrics").text
    assert failures == [] and refused == [422] * 40
    assert 'textloop_prediction_log_dropped_total 0.0' in metrics
    with store.read() as conn:
        logged = conn.execute(select(func.count()).select_from(schema.predictions)).scalar_one()
    assert logged == len(answered) == 8 * 25 * 2  # count in = count stored


def test_generated_requests_never_break_the_server_or_its_schema(served) -> None:
    """schemathesis: 15 generated requests per operation, each answered without a 5xx, with
    a documented status, content type and body."""
    project, store = served
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    checked: Counter = Counter()
    with live_server(project, store) as url:
        api = schemathesis.openapi.from_url(f"{url}/openapi.json")
        for result in api.get_all_operations():
            operation = result.ok()

            @given(case=operation.as_strategy())
            @settings(max_examples=15, deadline=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck), database=None)
            def call(case: schemathesis.Case) -> None:
                case.call_and_validate(base_url=url, checks=checks)
                checked[case.operation.label] += 1

            call()
    assert set(checked) == {"POST /v1/classify", "POST /v1/extract", "POST /v1/feedback",
                            "GET /healthz", "GET /readyz"}


def test_concurrent_extract_clients_get_exact_spans_and_every_span_is_logged(tmp_path) -> None:
    """A real uvicorn server on a span project: 4 clients extract at once through the
    micro-batcher, each answer has exact code-point offsets, and after a graceful shutdown
    every text is in the log with its spans."""
    expected = {ENGLISH: [[0, 3, "PER"], [13, 17, "ORG"]],
                HANGUL: [[5, 9, "ORG"], [15, 28, "PHONE"]],
                EMOJI: [[2, 5, "PER"], [13, 17, "ORG"]]}
    failures: list = []
    request_ids: list[str] = []

    def client_loop() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(10):
                response = client.post("/v1/extract", json={"texts": list(expected)})
                if response.status_code != 200:
                    failures.append((response.status_code, response.text))
                    continue
                request_ids.append(response.json()["request_id"])
                for text, answer in zip(expected, response.json()["extractions"], strict=True):
                    got = [[s["start"], s["end"], s["label"]] for s in answer["spans"]]
                    if got != expected[text]:
                        failures.append((text, got))

    with span_champion(tmp_path) as (project, store):
        with live_server(project, store, max_wait_ms=20) as url:
            run_together([client_loop] * 4)
            metrics = httpx.get(f"{url}/metrics").text
        with store.read() as conn:
            rows = [predictions.get(conn, rid, i) for rid in request_ids for i in range(3)]
    assert failures == [] and len(request_ids) == 40
    assert all([[s["start"], s["end"], s["label"]] for s in row["spans"]] == expected[row["text"]]
               for row in rows)
    assert metric(metrics, 'textloop_spans_total{label="PHONE"}') == 40
    assert metric(metrics, "textloop_batch_size_sum") == 40 * 3  # every text went through it


def test_a_burst_past_the_queue_bound_gets_503_and_every_accepted_text_an_answer(served) -> None:
    """32 clients at once against a slow model (0.3 s a batch of at most 2) and a queue of 6
    texts: the overflow is refused at once with 503, Retry-After and the error shape, and
    counted; every accepted request is answered and logged, in the order it was accepted
    (batch by batch); the queue waits reach /metrics; nothing hangs."""
    project, store = served
    gate = threading.Barrier(32)
    outcomes: dict[str, tuple[int, float, httpx.Response]] = {}
    model: list = []

    def client(i: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            gate.wait(10)
            response = http.post("/v1/classify", json={"text": f"{SPAM} t{i:02d}"})
            outcomes[f"{SPAM} t{i:02d}"] = (response.status_code, time.monotonic(), response)

    with live_server(project, store, max_batch=2, max_queue=6, max_queue_wait_ms=0,
                     on_app=lambda app: model.append(slowed(app, 0.3))) as url:
        started = time.monotonic()
        run_together([lambda i=i: client(i) for i in range(32)], timeout=60)
        took = time.monotonic() - started
        metrics = httpx.get(f"{url}/metrics").text
    assert len(outcomes) == 32 and took < 30  # every client answered, none hung
    refused = {t: o for t, o in outcomes.items() if o[0] == 503}
    accepted = {t: o for t, o in outcomes.items() if o[0] == 200}
    assert len(refused) + len(accepted) == 32 and refused and len(accepted) >= 7
    for _, _, response in refused.values():
        error = response.json()["error"]
        assert error["code"] == "overloaded" and error["details"]["reason"] == "queue_full"
        assert "serving.max_queue" in error["message"] and "retry after" in error["hint"]
        assert 1 <= int(response.headers["retry-after"]) <= 10
        assert error["details"]["retry_after"] == int(response.headers["retry-after"])
    assert metric(metrics, 'textloop_rejected_requests_total{reason="queue_full"}') == len(refused)
    assert metric(metrics, 'textloop_rejected_requests_total{reason="queue_wait"}') == 0
    assert metric(metrics, "textloop_queue_wait_seconds_count") == len(accepted)
    assert metric(metrics, 'textloop_requests_total{status="503"}') == len(refused)
    # served in arrival order: a request answered later was never in an earlier batch
    batches = model[0]().batches
    batch_of = {text: n for n, batch in enumerate(batches) for text in batch}
    assert sorted(batch_of) == sorted(accepted)
    by_answer = sorted(accepted, key=lambda t: accepted[t][1])
    assert [batch_of[t] for t in by_answer] == sorted(batch_of[t] for t in by_answer)
    with store.read() as conn:
        logged = conn.execute(select(func.count()).select_from(schema.predictions)).scalar_one()
    assert logged == len(accepted)


def test_queue_depth_and_queue_wait_show_at_metrics_while_texts_wait(served) -> None:
    """While a slow batch runs, the texts queued behind it show in textloop_queue_depth;
    once answered, each one's wait (about the batch ahead of it) is in
    textloop_queue_wait_seconds."""
    project, store = served
    answers: list[int] = []

    def post(texts: list[str]) -> None:
        answers.append(httpx.post(f"{url}/v1/classify", json={"texts": texts},
                                  timeout=30).status_code)

    with live_server(project, store, max_batch=1,
                     on_app=lambda app: slowed(app, 0.4)) as url:
        first = threading.Thread(target=post, args=([SPAM],))
        first.start()
        wait_until(lambda: metric(httpx.get(f"{url}/metrics").text,
                                  "textloop_queue_wait_seconds_count") == 1, "the first batch")
        rest = threading.Thread(target=post, args=([HAM, SPAM, HAM],))
        rest.start()
        depth = wait_until(lambda: metric(httpx.get(f"{url}/metrics").text,
                                          "textloop_queue_depth"), "texts queued")
        first.join(30)
        rest.join(30)
        text = httpx.get(f"{url}/metrics").text
    assert answers == [200, 200] and 1 <= depth <= 3
    assert metric(text, "textloop_queue_depth") == 0
    assert metric(text, "textloop_queue_wait_seconds_count") == 4
    # the three queued texts waited for 0.4 s batches ahead of them: 0.x + 0.4 + 0.8 + ...
    assert metric(text, "textloop_queue_wait_seconds_sum") >= 1.2
    assert metric(text, 'textloop_queue_wait_seconds_bucket{le="0.25"}') <= 2
