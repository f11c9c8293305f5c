"""``textloop serve --ray``: the server app as two Ray Serve replicas on the two-node loopback
cluster, one per node, deployed once for the module. The same answers as one process, the
same keys and limits, metrics summed over the replicas, every answer logged once, and hot
reload on every replica when the champion moves."""

from __future__ import annotations

import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.unit.server.fixtures import (
    HAM,
    LOOPBACK_URL,
    SPAM,
    add_version,
    client_for,
    promote_to,
    wait_ready,
    wait_until,
)
from tests.unit.stages.serving.test_prediction_log import run_together
from textloop.config import find_project
from textloop.errors import MissingExtraError
from textloop.server.app import create_app
from textloop.server.settings import ServerConfig
from textloop.stages.serving import api_keys
from textloop.storage import Store, predictions, schema

TEXTS = [SPAM, HAM, "claim your prize", "dinner at home", "urgent cash now", "see you later"]
RATE = "4/min"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def deployed(champion_template: Path, ray_cluster: str) -> Iterator[dict]:
    """Two replicas (0.6 CPU each on 1-CPU nodes: one per node) of the champion project's
    server, with two keys: ``key`` without a rate, ``limited`` with ``RATE``."""
    from textloop.server.ray_serve import deploy

    project = find_project(champion_template)
    with Store.for_project(project) as store:
        key = api_keys.create_key(store, "app")
        limited = api_keys.create_key(store, "limited", RATE)
        config = ServerConfig.for_project(project, port=free_port(), poll_seconds=0.2,
                                          ray={"replicas": 2, "num_cpus": 0.6})
        with deploy(project, config, address=ray_cluster) as deployment:
            headers = {"Authorization": f"Bearer {key}"}
            # no replica takes traffic before its model is warm: both are, once deployed
            assert _ready(deployment.url, headers) == 2
            yield {"url": deployment.url, "project": project, "store": store,
                   "headers": headers, "limited": {"X-API-Key": limited}}
    # Serve was started for this server: it goes with it, its shared folder too
    assert deployment.started_serve and not deployment.shared.exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{deployment.url}/healthz")


def _ready(url: str, headers: dict) -> int:
    """How many replicas report a model (model_info lines at 1, one per process)."""
    try:
        if httpx.get(f"{url}/readyz", headers=headers, timeout=5).status_code != 200:
            return 0
        text = httpx.get(f"{url}/metrics", timeout=5).text
    except httpx.HTTPError:
        return 0
    return len(_serving_pids(text))


def _serving_pids(text: str, version: int | None = None) -> dict[str, str]:
    """pid -> the model version its replica serves now (its model_info line at 1)."""
    found = {}
    for pid, run_version, value in re.findall(
            r'^textloop_model_info\{pid="(\d+)",run="[^"]*",version="(\d*)"\} (\S+)$', text,
            re.MULTILINE):
        if float(value) == 1.0 and (version is None or run_version == str(version)):
            found[pid] = run_version
    return found


def _counter(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


@pytest.mark.slow
def test_replicas_answer_as_the_single_process_server_does(deployed: dict) -> None:
    with client_for(deployed["project"], deployed["store"]) as local:
        wait_ready(local)
        expected = local.post("/v1/classify", json={"texts": TEXTS},
                              headers=deployed["headers"]).json()["predictions"]
    with httpx.Client(base_url=deployed["url"], headers=deployed["headers"]) as client:
        for _ in range(4):  # several requests: both replicas answer some
            got = client.post("/v1/classify", json={"texts": TEXTS}).json()["predictions"]
            keep = ("label", "probabilities", "score", "band", "model_version", "run")
            assert [{k: p[k] for k in keep} for p in got] == \
                [{k: p[k] for k in keep} for p in expected]
        assert client.get("/healthz").json() == {"status": "ok"}
        assert "/v1/extract" in client.get("/openapi.json").json()["paths"]


@pytest.mark.slow
def test_the_replicas_enforce_keys_and_share_a_keys_rate(deployed: dict) -> None:
    url = deployed["url"]
    missing = httpx.post(f"{url}/v1/classify", json={"text": SPAM})
    wrong = httpx.post(f"{url}/v1/classify", json={"text": SPAM},
                       headers={"Authorization": "Bearer tl_not-a-key"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["error"]["message"] == "this server needs an API key"
    assert "not valid" in wrong.json()["error"]["message"]
    # a loopback server answers loopback names only (DNS rebinding), as `textloop serve` does
    assert httpx.get(f"{url}/metrics", headers={"Host": "evil.example"}).status_code == 403
    statuses = [httpx.post(f"{url}/v1/classify", json={"text": SPAM},
                           headers=deployed["limited"]).status_code for _ in range(8)]
    # one bucket for the key across both replicas: its rate, not twice its rate
    assert sorted(statuses) == [200] * 4 + [429] * 4


@pytest.mark.slow
def test_metrics_add_up_every_replica(deployed: dict) -> None:
    url = deployed["url"]
    before = _counter(httpx.get(f"{url}/metrics").text, 'textloop_requests_total{status="200"}')
    with httpx.Client(base_url=url, headers=deployed["headers"]) as client:
        for text in TEXTS * 2:
            assert client.post("/v1/classify", json={"text": text}).status_code == 200
    # whichever replica answers the scrape, it counts the other's requests too
    wait_until(lambda: _counter(httpx.get(f"{url}/metrics").text,
                                'textloop_requests_total{status="200"}') - before
               == len(TEXTS) * 2, "every answer counted", timeout=10)
    for _ in range(4):
        assert len(_serving_pids(httpx.get(f"{url}/metrics").text)) == 2


@pytest.mark.slow
def test_the_replicas_listen_on_loopback_only(deployed: dict) -> None:
    """A server on 127.0.0.1 opens no port to the network, Ray's internal ones included
    (checked on the replicas' own sockets: nothing is sent anywhere)."""
    psutil = pytest.importorskip("psutil")
    pids = _serving_pids(httpx.get(f"{deployed['url']}/metrics").text)
    assert len(pids) == 2
    for pid in pids:
        listening = [c.laddr.ip for c in psutil.Process(int(pid)).net_connections("inet")
                     if c.status == psutil.CONN_LISTEN]
        assert listening and all(ip in ("127.0.0.1", "::1", "::ffff:127.0.0.1")
                                 for ip in listening), listening


@pytest.mark.slow
def test_every_answer_of_concurrent_clients_is_logged_once(deployed: dict) -> None:
    """8 clients at once across the two replicas, each writing the log to the same SQLite
    store from its own process: count in = count stored, no request id twice."""
    url, store = deployed["url"], deployed["store"]
    answered: list[str] = []
    failures: list = []
    lock = threading.Lock()

    def client(no: int) -> None:
        with httpx.Client(base_url=url, headers=deployed["headers"], timeout=60) as http:
            for i in range(15):
                response = http.post("/v1/classify",
                                     json={"texts": [f"{SPAM} {no} {i}", HAM, f"{HAM} {i}"]})
                if response.status_code != 200:
                    failures.append((response.status_code, response.text))
                    continue
                with lock:
                    answered.append(response.json()["request_id"])

    run_together([lambda n=n: client(n) for n in range(8)])
    assert failures == []

    def stored() -> list[tuple[str, int]]:
        with store.read() as conn:
            return [tuple(r) for r in conn.execute(
                select(schema.predictions.c.request_id, schema.predictions.c.idx).where(
                    schema.predictions.c.request_id.in_(answered)))]

    rows = wait_until(lambda: (lambda r: r if len(r) >= 3 * len(answered) else None)(stored()),
                      "the replicas' logs to be written", timeout=30)
    assert len(answered) == 8 * 15
    assert sorted(rows) == sorted((rid, i) for rid in answered for i in range(3))
    metrics = httpx.get(f"{url}/metrics").text
    assert _counter(metrics, "textloop_prediction_log_dropped_total") == 0.0
    with store.read() as conn:
        assert predictions.get(conn, answered[0])["api_key"] == "app"
        total = conn.execute(select(func.count()).select_from(schema.predictions)).scalar_one()
    assert total >= len(rows)


@pytest.mark.slow
def test_every_replica_follows_the_champion_when_it_moves(deployed: dict) -> None:
    """Promote another version while serving: both replicas load it (each says so in
    /metrics) and every answer after that comes from it."""
    url, project, store = deployed["url"], deployed["project"], deployed["store"]
    metrics = httpx.get(f"{url}/metrics").text
    (old,) = set(_serving_pids(metrics).values())
    second = add_version(store, project, c=1.0)
    assert str(second) != old
    promote_to(store, project, second)
    wait_until(lambda: len(_serving_pids(httpx.get(f"{url}/metrics").text, second)) == 2,
               "both replicas to serve the promoted version", timeout=60)
    metrics = httpx.get(f"{url}/metrics").text
    assert _serving_pids(metrics, int(old)) == {}  # no replica still reads 1 for the old one
    with httpx.Client(base_url=url, headers=deployed["headers"]) as client:
        versions = {client.post("/v1/classify", json={"text": SPAM}).json()["predictions"][0][
            "model_version"] for _ in range(12)}
    assert versions == {second}


def test_without_the_extra_the_error_names_the_install(served, monkeypatch) -> None:
    """No Ray, or Ray without Serve: the pip command, before anything is started."""
    from textloop.server.ray_serve import deploy

    project, _ = served
    config = ServerConfig.for_project(project, port=free_port())
    before = set(project.store_dir.glob("serve-ray-*"))  # a copy may hold a live server's
    for missing in ("ray", "ray.serve"):
        with monkeypatch.context() as patched:
            patched.setitem(sys.modules, missing, None)  # `import` of it raises ImportError
            with pytest.raises(MissingExtraError) as caught:
                deploy(project, config)
        assert caught.value.message.startswith("textloop serve --ray needs the optional")
        assert caught.value.hint == 'pip install "textloop[ray]"'
    assert set(project.store_dir.glob("serve-ray-*")) == before  # nothing left behind


def test_a_replica_takes_traffic_only_once_its_model_is_warm(served, monkeypatch) -> None:
    """Ray Serve routes to a replica once its startup returns: that startup waits for the
    first model load (slowed here), and no longer than the first load's failure."""
    from textloop.server.ray_serve import warm_before_ready
    from textloop.server.state import ServerState

    project, store = served
    slow = ServerState.poll

    def slow_poll(self) -> None:
        time.sleep(0.5)
        slow(self)

    monkeypatch.setattr(ServerState, "poll", slow_poll)
    app = warm_before_ready(create_app(project, store, ServerConfig.for_project(project)))
    with TestClient(app, base_url=LOOPBACK_URL) as client:  # startup has run
        assert app.state.serving.current is not None
        assert client.get("/readyz").status_code == 200
    missing = ServerConfig.for_project(project, alias="no-such-alias")
    app = warm_before_ready(create_app(project, store, missing), timeout=60)
    began = time.monotonic()
    with TestClient(app, base_url=LOOPBACK_URL) as client:
        assert time.monotonic() - began < 10  # the failed first round ends the wait
        refused = client.get("/readyz")
    assert refused.status_code == 503 and "no-such-alias" in refused.json()["error"]["message"]
