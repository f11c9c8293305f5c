"""``textloop label``: a real server process that prints its address, and a taken port."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from typer.testing import CliRunner

from textloop.cli.main import app
from textloop.config import Project
from textloop.stages.label.annotators import add_annotator, list_annotators
from textloop.storage import Store

ADDRESS = re.compile(r"at (http://127\.0\.0\.1:(\d+)) \(Ctrl\+C stops it\)")
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/login\?name=(\w+)#token=(\S+))")
CLI = "from textloop.cli.main import main; main()"


class Running:
    """A ``textloop label`` process and the lines it printed, read by a thread."""

    def __init__(self, project: Project, *args: str) -> None:
        env = {**os.environ, "COLUMNS": "200"}
        env.pop("PYTHONUNBUFFERED", None)  # the address must appear without it
        self.process = subprocess.Popen(
            [sys.executable, "-c", CLI, "--project", str(project.root), "label",
             "--no-open-browser", "--no-retrain", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            found = pattern.search(line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern.pattern!r} in {self.seen!r}")

    def stop(self) -> int:
        """Ctrl+C, then the rest of the output; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl+C sends
            try:
                return self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        code = self.process.wait(timeout=5)
        time.sleep(0.1)  # let the reader thread take the last lines
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code


@pytest.fixture
def running(project: Project) -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for process in started:
        process.stop()


def test_label_serves_on_a_free_port_and_prints_its_address(project: Project,
                                                             running: list[Running]) -> None:
    with Store.for_project(project) as store:
        token = add_annotator(store, "alice")
    server = Running(project, "--port", "0")
    running.append(server)
    address, port = server.wait_for(ADDRESS).groups()
    assert int(port) > 0
    with httpx.Client(base_url=address, timeout=10) as client:
        page = client.get("/login")
        assert page.status_code == 200 and "Sign in to proj" in page.text
        assert client.get("/label").status_code == 303  # not signed in yet
        signed = client.post("/login", data={"name": "alice", "token": token})
        assert signed.status_code == 303 and "textloop_session" in client.cookies
        assert client.get("/label").status_code == 200
        foreign = client.get("/login", headers={"Host": "evil.example"})
        assert foreign.status_code == 403
    assert server.stop() in (0, 130)  # Ctrl+C: a clean stop (130 is the shell's convention)
    assert not any("Traceback" in line for line in server.seen)


def test_the_first_start_creates_an_admin_with_a_login_link(project: Project,
                                                            running: list[Running]) -> None:
    server = Running(project, "--port", "0")
    running.append(server)
    link, name, token = server.wait_for(LINK).groups()
    address = server.wait_for(ADDRESS).group(1)
    assert name == "admin" and link.startswith(address)
    with httpx.Client(base_url=address, timeout=10) as client:
        signed = client.post("/login", data={"name": name, "token": unquote(token)})
        assert signed.status_code == 303
        assert client.get("/adjudicate").status_code == 200  # the admin role
    server.stop()
    with Store.for_project(project) as store:
        assert [(a.name, a.role) for a in list_annotators(store)] == [("admin", "admin")]


def test_a_port_in_use_is_a_clear_error(project: Project, store: Store) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["--project", str(project.root), "label", "--port",
                                          str(port), "--no-open-browser", "--no-retrain"],
                                    terminal_width=200)
    assert result.exit_code == 4, result.output
    assert f"Error: port {port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {port + 1}" in result.output
    assert "Traceback" not in result.output
    assert list_annotators(store) == []  # nothing was created before the refusal


def test_an_address_that_cannot_be_bound_is_a_clear_error(project: Project,
                                                          tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--project", str(project.root), "label", "--host",
                                      "203.0.113.7", "--port", "0", "--no-open-browser"],
                                terminal_width=200)
    assert result.exit_code == 2, result.output
    assert "cannot listen on 203.0.113.7" in result.output and "--host" in result.output
