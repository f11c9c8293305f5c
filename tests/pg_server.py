"""A throwaway PostgreSQL server for the tests of the PostgreSQL store.

Started once per test session, on first use, in a temporary folder and listening on a unix
socket only (``listen_addresses=''``: no TCP at all), as the ``postgres`` user when the
tests run as root. ``TEXTLOOP_TEST_PG_URL`` points at an existing server instead (tests
that restart the server then skip). Without PostgreSQL's server binaries or the driver the
tests that ask for it are skipped with the reason.

Each test that needs an empty store asks ``fresh_database`` for a database of its own, so
tests never see each other's rows and a "fresh database" really has no schema yet.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _free_port() -> int:
    """A port number for the socket file's name (nothing listens on TCP)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A running server: its URL, and the commands tests use to restart it."""

    url: str
    root: Path | None = None
    data: Path | None = None
    pg_ctl: str | None = None
    _names: Iterator[int] = field(default_factory=itertools.count)

    def database_url(self, name: str) -> str:
        """The URL of database ``name`` on this server."""
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def fresh_database(self) -> str:
        """Create an empty database and return its URL."""
        from sqlalchemy import create_engine, text

        name = f"t{os.getpid()}_{next(self._names)}"
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.database_url(name)

    def restart(self) -> None:
        """Stop the server at once (``-m immediate``: every connection dies) and start it."""
        if self.pg_ctl is None:
            pytest.skip("the server of TEXTLOOP_TEST_PG_URL is not ours to restart")
        assert self.root is not None
        # -l again: the server must not write to (and hold open) this process's pipes
        subprocess.run(_as_server_user([self.pg_ctl, "-D", str(self.data), "-m", "immediate",
                                        "-l", str(self.root / "log"), "-w", "restart"]),
                       check=True, capture_output=True, timeout=120)


@contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a server in a temporary folder, and stop and remove it afterwards (also used
    by ``benchmarks/postgres_team.py``). Needs the server binaries (``initdb``, ``pg_ctl``)."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        raise PermissionError("running as root without runuser: cannot start PostgreSQL")
    # not under pytest's tmp folder: that is private to root, and the server runs as postgres
    root = Path(tempfile.mkdtemp(prefix="textloop-pg-"))
    root.chmod(0o777)
    data, port = root / "data", _free_port()
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    try:
        subprocess.run(_as_server_user([initdb, "-D", str(data), "-A", "trust", "-U",
                                        "postgres"]), check=True, capture_output=True)
        # the options are remembered by pg_ctl (postmaster.opts), so a restart keeps them
        options = f"-p {port} -k {root} -c listen_addresses='' -c max_connections=200"
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-o", options, "-w", "-l",
                                        str(root / "log"), "start"]), check=True,
                       capture_output=True, timeout=120)
        yield PgServer(f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}",
                       root, data, pg_ctl)
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    pytest.importorskip("psycopg", reason="the PostgreSQL driver is not installed")
    if os.environ.get("TEXTLOOP_TEST_PG_URL"):
        yield PgServer(os.environ["TEXTLOOP_TEST_PG_URL"])
        return
    try:
        server = running_server()
        started = server.__enter__()
    except (FileNotFoundError, PermissionError) as missing:
        pytest.skip(str(missing))
    try:
        yield started
    finally:
        server.__exit__(None, None, None)
