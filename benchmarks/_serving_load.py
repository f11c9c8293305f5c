"""Load against a real ``textloop serve`` process, shared by the serving soak and the
prediction-log benchmarks: real short texts, concurrent clients that record every outcome
by kind, and what the server process itself says (RSS, /metrics, its exit).

The server is started the way ``serving_latency.py`` starts it (``make_project``,
``start``): a subprocess on a free loopback port, serving an ``embed-lr`` run trained on
sms_spam.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import DATA, DATASETS
from serving_latency import load_rows, make_project, start
from sqlalchemy import func, select

from textloop.config import find_project
from textloop.stages.simulate.data import read_labeled
from textloop.storage import Store, schema

__all__ = ["Outcomes", "Server", "drive", "launch", "load_average", "load_rows",
           "make_project", "metric", "rss_mib", "serve_command", "short_texts", "stop",
           "stored_rows"]


def short_texts(n: int, max_chars: int = 280, seed: int = 0) -> list[str]:
    """``n`` distinct texts of at most ``max_chars`` characters, drawn evenly from the five
    development sets (seeded), as ``textloop import`` reads them."""
    rng = random.Random(seed)
    per_set = -(-n // len(DATASETS))
    texts: list[str] = []
    for name in DATASETS:
        pool = [t for t in read_labeled(DATA / f"{name}.jsonl.gz").texts
                if len(t) <= max_chars]
        texts.extend(rng.sample(pool, min(per_set, len(pool))))
    rng.shuffle(texts)
    return texts[:n]


def serve_command(root: Path, run: str, *options: str) -> list[str]:
    return [sys.executable, "-c", "from textloop.cli.main import main; main()", "--project",
            str(root), "serve", "--run", run, "--port", "0", *options]


@dataclass
class Server:
    """A running ``textloop serve``: its process, address and the tail of its output (read
    all along, so a chatty server never blocks on a full pipe)."""

    process: subprocess.Popen
    url: str
    tail: deque[str]
    reader: threading.Thread


def launch(command: list[str]) -> Server:
    """Start a server (``serving_latency.start``: ready once /readyz answers 200)."""
    process, url = start(command)
    tail: deque[str] = deque(maxlen=200)
    reader = threading.Thread(target=lambda: tail.extend(process.stdout), daemon=True)
    reader.start()
    return Server(process, url, tail, reader)


def stop(server: Server) -> dict[str, Any]:
    """SIGTERM (a graceful shutdown: drain, then write the prediction log) and wait."""
    began = time.perf_counter()
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(120)
    took = time.perf_counter() - began
    server.reader.join(10)
    return {"exit_status": server.process.returncode, "shutdown_s": round(took, 2),
            "output_tail": "".join(server.tail)[-2000:]}


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (worker processes), in MiB."""
    total = 0
    for one in [pid, *_children(pid)]:
        status = Path(f"/proc/{one}/status")
        try:
            line = next(x for x in status.read_text().splitlines() if x.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
        total += int(line.split()[1])
    return round(total / 1024, 1)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
        for kid in kids:
            found.extend([kid, *_children(kid)])
    return found


def stored_rows(root: Path) -> int:
    """Rows in the project's prediction log."""
    with Store.for_project(find_project(root)) as store, store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.predictions))
                   .scalar_one())


def metric(text: str, name: str) -> float:
    """One sample of a Prometheus exposition (0.0 when absent)."""
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


@dataclass
class Outcomes:
    """Every request's outcome: when it ended (s since the start), its latency, how many
    texts it sent, and ``ok`` or the kind of error (``http_503``, ``timeout``, ...)."""

    ended: list[float] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    texts: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)

    def add(self, ended: float, latency: float, texts: int, kind: str) -> None:
        self.ended.append(ended)
        self.latency.append(latency)
        self.texts.append(texts)
        self.kind.append(kind)

    def summary(self, seconds: float, where: np.ndarray | None = None) -> dict[str, Any]:
        """Counts, errors by kind, rates and latency percentiles (of the rows in ``where``)."""
        keep = np.ones(len(self.kind), bool) if where is None else where
        kinds = np.array(self.kind, dtype=object)[keep]
        ok = kinds == "ok"
        ms = np.array(self.latency)[keep][ok] * 1000
        texts = np.array(self.texts)[keep]
        return {"requests": int(keep.sum()), "answered": int(ok.sum()),
                "texts_answered": int(texts[ok].sum()),
                "errors": dict(Counter(k for k in kinds if k != "ok")),
                "requests_per_s": round(float(keep.sum()) / seconds, 1),
                "texts_per_s": round(float(texts[ok].sum()) / seconds, 1),
                "p50_ms": _percentile(ms, 50), "p99_ms": _percentile(ms, 99)}


def _percentile(ms: np.ndarray, q: float) -> float | None:
    return round(float(np.percentile(ms, q)), 1) if ms.size else None


def error_kind(exc: Exception) -> str:
    """A failed request's kind: timeout, connect, or the transport error's class name."""
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    return type(exc).__name__


Body = Callable[[random.Random], dict[str, Any]]


async def drive(url: str, clients: int, seconds: float, body: Body, out: Outcomes,
                timeout: float = 30.0, seed: int = 0) -> float:
    """``clients`` loops, each sending ``body(rng)`` to /v1/classify as soon as its previous
    answer came, until ``seconds`` pass; every outcome goes to ``out``. Returns the seconds
    it took (the last requests end after the deadline)."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        began = time.perf_counter()
        stop_at = began + seconds

        async def loop(rng: random.Random) -> None:
            while time.perf_counter() < stop_at:
                payload = body(rng)
                n = len(payload.get("texts", [])) + ("text" in payload)
                started = time.perf_counter()
                try:
                    response = await client.post("/v1/classify", json=payload)
                    kind = "ok" if response.status_code == 200 else \
                        f"http_{response.status_code}"
                except httpx.TransportError as exc:
                    kind = error_kind(exc)
                now = time.perf_counter()
                out.add(now - began, now - started, n, kind)

        await asyncio.gather(*(loop(random.Random(seed * 1000 + i)) for i in range(clients)))
        return time.perf_counter() - began


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]
