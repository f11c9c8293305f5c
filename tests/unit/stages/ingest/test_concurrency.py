"""Several processes at once: writers queue, readers never see half an import."""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.unit.stages.ingest.support import cli, counts, run, write_rows
from textloop.errors import StorageError
from textloop.storage import Store


def test_an_import_waiting_past_the_busy_timeout_fails_clearly(store, project, tmp_path) -> None:
    path = write_rows(tmp_path / "a.csv", 10, "row")
    with store.write(), Store.for_project(project, busy_timeout=0.1) as waiting, \
                pytest.raises(StorageError, match="store is busy") as info:
        run(waiting, project, path)
    assert "try again" in (info.value.hint or "")
    assert counts(store) == (0, 0, 0)


@pytest.mark.slow
def test_two_processes_importing_at_once_both_succeed(store, project, tmp_path) -> None:
    files = [write_rows(tmp_path / f"{name}.csv", 20_000, name) for name in ("left", "right")]
    children = [subprocess.Popen(cli(project, "import", str(f)), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for f in files]
    outputs = [child.communicate(timeout=300) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    assert all("20,000 new" in out for out, _ in outputs)
    assert counts(store) == (40_000, 40_000, 2)


@pytest.mark.slow
def test_a_reader_sees_all_of_an_import_or_none_of_it(store, project, tmp_path) -> None:
    run(store, project, write_rows(tmp_path / "seed.csv", 100, "seed"))
    before = counts(store)
    path = write_rows(tmp_path / "big.csv", 60_000, "big")
    child = subprocess.Popen(cli(project, "import", str(path)), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    seen = set()
    while child.poll() is None:
        seen.add(counts(store))
        time.sleep(0.05)
    assert child.returncode == 0, child.stderr.read() if child.stderr else ""
    after = counts(store)
    assert after == (before[0] + 60_000, before[1] + 60_000, before[2] + 1)
    assert seen <= {before, after} and before in seen
