"""``textloop keys`` and ``textloop serve`` as a user runs them (serve in a real process)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.server.fixtures import SPAM, wait_until, with_champion
from textloop.cli.main import app
from textloop.stages.serving import api_keys
from textloop.storage import schema

runner = CliRunner()


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), *args])


def test_keys_create_list_revoke(project, store) -> None:
    assert "No API keys yet" in invoke(project, "keys", "list").output
    created = invoke(project, "keys", "create", "billing", "--rate", "100/s")
    assert created.exit_code == 0, created.output
    key = re.search(r"tl_\S+", created.output).group(0)
    listed = invoke(project, "keys", "list")
    assert "billing" in listed.output and "100/s" in listed.output and "active" in listed.output
    assert key.split("_", 2)[2] not in listed.output  # the secret is never shown again
    assert invoke(project, "keys", "revoke", "billing").exit_code == 0
    assert "revoked" in invoke(project, "keys", "list").output
    again = invoke(project, "keys", "create", "billing")
    assert again.exit_code == 4 and "already exists" in again.output
    bad = invoke(project, "keys", "create", "x", "--rate", "lots")
    assert bad.exit_code == 2 and "COUNT/UNIT" in bad.output and "Traceback" not in bad.output


def test_keys_are_scoped_and_the_list_shows_the_scopes(project, store) -> None:
    assert invoke(project, "keys", "create", "reader").exit_code == 0
    created = invoke(project, "keys", "create", "writer", "--scope", "feedback")
    assert created.exit_code == 0 and "classify, feedback" in created.output
    listed = invoke(project, "keys", "list").output.splitlines()
    rows = {name: next(line for line in listed if f" {name} " in line)
            for name in ("reader", "writer")}
    assert "classify" in rows["reader"] and "feedback" not in rows["reader"]
    assert "classify, feedback" in rows["writer"]
    bad = invoke(project, "keys", "create", "admin", "--scope", "admin")
    assert bad.exit_code == 2 and "scope 'admin' is not one of classify, feedback" in bad.output
    assert {key.name for key in api_keys.list_keys(store)} == {"reader", "writer"}


@contextmanager
def serving(project, *options: str) -> Iterator[tuple[str, list[str]]]:
    """``textloop serve --port 0 OPTIONS`` in its own process, until SIGTERM at the end: its
    address, the line that printed it, and (once stopped) the rest of its output."""
    command = [sys.executable, "-c", "from textloop.cli.main import main; main()",
               "--project", str(project.root), "serve", "--port", "0", *options]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=env)
    output = [server.stdout.readline()]
    while not re.search(r"http://\S+", output[0]) and output[0]:  # --ray says more first
        output = [server.stdout.readline()]
    try:
        url = re.search(r"http://\S+", output[0]).group(0)
        wait_until(lambda: _ready(url), "every worker to be ready")
        yield url, output
    finally:
        server.send_signal(signal.SIGTERM)
        output.append(server.communicate(timeout=60)[0])
        output.append(f"exit status {server.returncode}")


def test_serve_answers_then_drains_and_flushes_on_sigterm(project, store, tmp_path) -> None:
    with_champion(store, project, tmp_path)
    project.save()
    with serving(project, "--workers", "2", "--max-wait-ms", "1") as (url, output):
        assert "alias champion" in output[0]
        with httpx.Client(base_url=url) as client:
            for _ in range(12):
                assert client.post("/v1/classify", json={"text": SPAM}).status_code == 200
            metrics = client.get("/metrics").text
        assert 'textloop_requests_total{status="200"} 12.0' in metrics  # summed over workers
    assert output[-1] == "exit status 0", output
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.predictions)
                            ).scalar_one() == 12


def test_a_keys_rate_holds_for_the_whole_server_with_two_workers(project, store,
                                                                  tmp_path) -> None:
    """Each request on a new connection, so both workers answer some: together they allow
    the key's 5 requests per hour, not 5 each."""
    with_champion(store, project, tmp_path)
    project.save()
    key = api_keys.create_key(store, "app", rate="5/h")
    with serving(project, "--workers", "2", "--max-wait-ms", "1") as (url, _):
        codes = Counter(httpx.post(f"{url}/v1/classify", json={"text": SPAM},
                                   headers={"X-API-Key": key}, timeout=60).status_code
                        for _ in range(30))
        metrics = httpx.get(f"{url}/metrics").text
    assert codes == {200: 5, 429: 25}
    assert 'textloop_requests_total{status="429"} 25.0' in metrics


def _ready(url: str) -> bool:
    try:
        return all(httpx.get(f"{url}/readyz").status_code == 200 for _ in range(4))
    except httpx.TransportError:
        return False


def test_keys_list_json_names_scopes_rate_and_status_never_the_secret(project, store) -> None:
    import json

    created = invoke(project, "keys", "create", "billing", "--rate", "100/s")
    key = re.search(r"tl_\S+", created.output).group(0)
    invoke(project, "keys", "create", "batch-job")
    invoke(project, "keys", "revoke", "batch-job")
    listed = invoke(project, "keys", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["billing"]["rate"] == "100/s" and rows["billing"]["status"] == "active"
    assert rows["batch-job"]["status"] == "revoked" and rows["batch-job"]["rate"] is None
    assert rows["billing"]["key_id"] in invoke(project, "keys", "list").output
    assert rows["billing"]["scopes"] and "secret_hash" not in rows["billing"]
    assert key.split("_", 2)[2] not in listed.stdout and "scrypt" not in listed.stdout
    assert invoke(project, "keys", "revoke", "billing").exit_code == 0
    after = json.loads(invoke(project, "keys", "list", "--json").stdout)
    assert {row["status"] for row in after} == {"revoked"}


def test_keys_alone_lists_the_keys_as_keys_list_does(project, store) -> None:
    """The plural noun lists, as ``textloop releases`` and ``runs`` do; ``list`` stays."""
    assert "No API keys yet" in invoke(project, "keys").output
    invoke(project, "keys", "create", "billing", "--rate", "100/s")
    plain, listed = invoke(project, "keys"), invoke(project, "keys", "list")
    assert plain.exit_code == 0, plain.output
    assert plain.stdout == listed.stdout and "billing" in plain.stdout
    rows = json_of(invoke(project, "keys", "--json"))
    assert rows == json_of(invoke(project, "keys", "list", "--json"))
    assert [row["name"] for row in rows] == ["billing"]
    assert "textloop keys create" in invoke(project, "keys", "--help").output


def test_keys_create_and_revoke_json_give_the_key_once_and_its_state(project, store) -> None:
    created = json_of(invoke(project, "keys", "create", "writer", "--scope", "feedback",
                             "--rate", "10/s", "--json"))
    assert created["name"] == "writer" and created["status"] == "active"
    assert created["scopes"] == ["classify", "feedback"] and created["rate"] == "10/s"
    ring = api_keys.KeyRing()
    ring.refresh(store)
    assert ring.verify(created["key"]).name == "writer"
    assert created["key_id"] in created["key"] and "secret_hash" not in created
    revoked = json_of(invoke(project, "keys", "revoke", "writer", "--json"))
    assert revoked["name"] == "writer" and revoked["status"] == "revoked"
    assert "key" not in revoked
    missing = invoke(project, "keys", "revoke", "nobody", "--json")
    assert missing.exit_code == 3 and missing.stdout == "" and "Error:" in missing.stderr


def test_ray_options_are_refused_without_ray_or_beside_workers(project) -> None:
    """Each contradiction is named before anything starts (no Ray runtime, no port)."""
    alone = invoke(project, "serve", "--replicas", "2", "--address", "127.0.0.1:6379")
    assert alone.exit_code == 2 and "Traceback" not in alone.output
    assert "--replicas, --address only apply to replicas on Ray Serve" in alone.output
    assert "add --ray" in alone.output
    workers = invoke(project, "serve", "--ray", "--workers", "2")
    assert workers.exit_code == 2 and "use --replicas N with --ray" in workers.output
    both = invoke(project, "serve", "--ray", "--replicas", "2", "--min-replicas", "1")
    assert both.exit_code != 0 and "not both" in both.output and "Traceback" not in both.output
    upside_down = invoke(project, "serve", "--ray", "--min-replicas", "3", "--max-replicas", "2")
    assert "min_replicas (3) is above max_replicas (2)" in upside_down.output


@pytest.mark.slow
def test_serve_ray_joins_a_cluster_answers_and_stops_cleanly(project, store, tmp_path,
                                                            ray_cluster) -> None:
    """``textloop serve --ray`` as a user runs it, joining the two-node loopback cluster:
    one address printed, answers from both replicas, and on SIGTERM the deployment goes,
    every answer in the log, the cluster left running."""
    with_champion(store, project, tmp_path)
    project.save()
    with serving(project, "--ray", "--replicas", "2", "--address", ray_cluster) as (url, out):
        assert "on Ray Serve, 2 replica(s)" in out[0]
        with httpx.Client(base_url=url) as client:
            for _ in range(10):
                assert client.post("/v1/classify", json={"text": SPAM}).status_code == 200
    assert output_ok(out), out
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.predictions)
                            ).scalar_one() == 10
    with pytest.raises(httpx.ConnectError):  # Serve was started for it: gone with it
        httpx.get(f"{url}/healthz")
    import ray

    assert ray.is_initialized() and len(ray.nodes()) == 2


def output_ok(output: list[str]) -> bool:
    return output[-1] == "exit status 0" and "Traceback" not in "".join(output)


def test_serve_options_override_the_admission_bounds(project, monkeypatch) -> None:
    """--max-queue and --max-queue-wait-ms reach the server's settings over textloop.yaml's."""
    import textloop.server.run

    project.spec.serving.max_queue = 50
    project.save()
    seen = []
    monkeypatch.setattr(textloop.server.run, "serve",
                        lambda project, config, sock: (seen.append(config.serving), sock.close()))
    result = invoke(project, "serve", "--port", "0", "--max-queue-wait-ms", "0")
    assert result.exit_code == 0, result.output
    assert (seen[0].max_queue, seen[0].max_queue_wait_ms) == (50, 0.0)
    invoke(project, "serve", "--port", "0", "--max-queue", "8", "--max-queue-wait-ms", "250")
    assert (seen[1].max_queue, seen[1].max_queue_wait_ms) == (8, 250.0)
    refused = invoke(project, "serve", "--port", "0", "--max-queue", "0")
    assert refused.exit_code != 0 and "--max-queue" in refused.output
