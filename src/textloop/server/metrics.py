"""Prometheus metrics of the server, in base units, counters ending in ``_total``.

Each app has its own registry (two apps in one process, as in tests, do not collide). With
several worker processes the values live in ``PROMETHEUS_MULTIPROC_DIR`` (set by
``textloop serve --workers N`` before the workers start) and ``/metrics`` sums them over the
workers, whichever worker answers the scrape.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from textloop.server.drift_metrics import DriftCollector
from textloop.stages.serving import OverloadedError, ServedModel
from textloop.storage import Store

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
UNMEASURED = frozenset({"/metrics", "/healthz", "/readyz"})
"""Probes and scrapes are not API traffic: counting them would drown the request numbers."""


class ServerMetrics:
    def __init__(self, store: Store | None = None) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.drift = None if store is None else DriftCollector(store)
        if self.drift is not None:
            r.register(self.drift)
        self.duration = Histogram("textloop_request_duration_seconds",
                                  "Time from request to response, API routes only",
                                  buckets=LATENCY_BUCKETS, registry=r)
        self.requests = Counter("textloop_requests", "API requests by HTTP status", ["status"],
                                registry=r)
        self.batch_size = Histogram("textloop_batch_size", "Texts per model call",
                                    buckets=BATCH_BUCKETS, registry=r)
        self.predictions = Counter("textloop_predictions", "Predictions by label and band",
                                   ["label", "band"], registry=r)
        self.spans = Counter("textloop_spans", "Spans returned by /v1/extract, by label",
                             ["label"], registry=r)
        self.queue_depth = Gauge("textloop_queue_depth", "Texts waiting for the model",
                                 multiprocess_mode="livesum", registry=r)
        self.queue_wait = Histogram("textloop_queue_wait_seconds",
                                    "Time each text waited for the model (queued to the start "
                                    "of its batch)", buckets=LATENCY_BUCKETS, registry=r)
        self.rejected = Counter("textloop_rejected_requests",
                                "API requests refused by admission control (503), by reason: "
                                "queue_full (serving.max_queue) or queue_wait "
                                "(serving.max_queue_wait_ms)", ["reason"], registry=r)
        for reason in OverloadedError.REASONS:  # 0 from the start, so alerts see a series
            self.rejected.labels(reason=reason)
        self.log_queue = Gauge("textloop_prediction_log_queue",
                               "Prediction log rows waiting to be written",
                               multiprocess_mode="livesum", registry=r)
        self.log_dropped = Counter("textloop_prediction_log_dropped",
                                   "Prediction log rows not written (queue full or write "
                                   "failed)", registry=r)
        self.model_info = Gauge("textloop_model_info", "The model being served (value 1)",
                                ["version", "run"], multiprocess_mode="liveall", registry=r)
        self._served: dict[str, str] | None = None

    def rejected_request(self, reason: str) -> None:
        self.rejected.labels(reason=reason).inc()

    def model_loaded(self, served: ServedModel) -> None:
        """Say which model is served now. With several processes the old model's line cannot
        be removed (each label set keeps its slot in the process's metric file), so it is set
        to 0: only the model served now reads 1, in every process."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            if self._served is not None:
                self.model_info.labels(**self._served).set(0)
        else:
            self.model_info.clear()
        version = "" if served.version is None else str(served.version)
        self._served = {"version": version, "run": served.run_name}
        self.model_info.labels(**self._served).set(1)

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            merged = CollectorRegistry()
            MultiProcessCollector(merged)
            if self.drift is not None:  # read from the store: the same in every worker
                merged.register(self.drift)
            return generate_latest(merged), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class RequestMetrics:
    """ASGI middleware timing every API request and counting it by status (outermost, so
    refusals by the body limit are counted too)."""

    def __init__(self, app: ASGIApp, metrics: ServerMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNMEASURED:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            self.metrics.duration.observe(time.perf_counter() - started)
            self.metrics.requests.labels(status=str(status)).inc()
