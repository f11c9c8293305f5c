"""``textloop keys`` and ``textloop serve`` as a user runs them (serve in a real process)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.unit.server.fixtures import SPAM, wait_until, with_champion
from textloop.cli.main import app
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


def test_serve_answers_then_drains_and_flushes_on_sigterm(project, store, tmp_path) -> None:
    with_champion(store, project, tmp_path)
    project.save()
    command = [sys.executable, "-c", "from textloop.cli.main import main; main()",
               "--project", str(project.root),
               "serve", "--port", "0", "--workers", "2", "--max-wait-ms", "1"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=env)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://\S+", line).group(0)
        assert "alias champion" in line
        wait_until(lambda: _ready(url), "both workers to be ready")
        with httpx.Client(base_url=url) as client:
            for _ in range(12):
                assert client.post("/v1/classify", json={"text": SPAM}).status_code == 200
            metrics = client.get("/metrics").text
        assert 'textloop_requests_total{status="200"} 12.0' in metrics  # summed over workers
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0]
    assert server.returncode == 0, output
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.predictions)
                            ).scalar_one() == 12


def _ready(url: str) -> bool:
    try:
        return all(httpx.get(f"{url}/readyz").status_code == 200 for _ in range(4))
    except httpx.TransportError:
        return False
