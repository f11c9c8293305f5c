"""A process killed inside its import transaction leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.unit.stages.ingest.support import cli, counts, run, write_rows
from textloop.storage.engine import CACHE_ENV

pytestmark = pytest.mark.slow


def writer_holds_the_lock(database: Path) -> bool:
    """True while another connection holds the write lock (i.e. an import is in progress)."""
    conn = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True
    finally:
        conn.close()


def kill_inside_transaction(child: subprocess.Popen, database: Path, min_wal: int) -> None:
    """SIGKILL ``child`` once it holds the write lock and has written uncommitted WAL pages."""
    wal = database.with_name(database.name + "-wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if child.poll() is not None:
            pytest.fail("the import finished before it could be killed; use a bigger file")
        if wal.exists() and wal.stat().st_size > min_wal and writer_holds_the_lock(database):
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            return
        time.sleep(0.02)
    pytest.fail("the import never got inside its transaction")


def test_kill_9_mid_import_leaves_the_store_unchanged(store, project, tmp_path) -> None:
    run(store, project, write_rows(tmp_path / "seed.csv", 50, "seed"))
    before = counts(store)
    store.close()
    path = write_rows(tmp_path / "big.csv", 120_000, "big")
    database = project.store_dir / "textloop.db"
    # A 1 MiB page cache makes the import spill uncommitted pages to the WAL early on.
    env = {**os.environ, CACHE_ENV: "1"}
    child = subprocess.Popen(cli(project, "import", str(path)), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_inside_transaction(child, database, min_wal=4 << 20)
    assert child.returncode == -signal.SIGKILL

    assert counts(store) == before
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    again = subprocess.run(cli(project, "import", str(path)), capture_output=True, text=True,
                           check=False)
    assert again.returncode == 0, again.stderr
    assert "120,000 new" in again.stdout
    assert counts(store) == (before[0] + 120_000, before[1] + 120_000, before[2] + 1)
