"""Work a killed process left behind: stale running runs and orphaned release folders.

The interrupted commands are real ``textloop`` subprocesses stopped at a named pause point
(``TEXTLOOP_PAUSE_AT``) and killed with SIGKILL, so nothing in them gets to clean up.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import textloop
from tests.unit.stages.pipeline_fixtures import released, write_dataset
from textloop.processes import PAUSE_AT, PAUSE_SIGNAL, current_owner
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.release import create_release, load_release
from textloop.stages.runs.recovery import recover
from textloop.stages.train.training import train
from textloop.storage import releases, runs, schema

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="kills a child process")
SRC = str(Path(textloop.__file__).resolve().parents[1])


def killed_at(project, tmp_path: Path, point: str, *args: str) -> None:
    """Run ``textloop ARGS`` until it pauses at ``point``, then SIGKILL it."""
    ready = tmp_path / f"paused-{point.replace(':', '-')}"
    env = {**os.environ, PAUSE_AT: point, PAUSE_SIGNAL: str(ready),
           "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen(
        [sys.executable, "-c", "from textloop.cli.main import main; main()",
         "--project", str(project.root), *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    try:
        while not ready.exists():
            if child.poll() is not None:
                pytest.fail(f"textloop {' '.join(args)} ended before {point}: "
                            f"{child.stdout.read().decode()}")
            assert time.monotonic() < deadline, f"never reached {point}"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def test_a_run_killed_mid_train_becomes_failed_interrupted(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    killed_at(project, tmp_path, "train:running", "train")
    with store.read() as conn:
        run = runs.get(conn, "tfidf-lr-1")
    assert run["status"] == "running"
    notes = recover(store)
    assert len(notes) == 1 and "run tfidf-lr-1 was interrupted" in notes[0]
    assert "is gone" in notes[0] and "failed (interrupted)" in notes[0]
    with store.read() as conn:
        run = runs.get(conn, "tfidf-lr-1")
    assert run["status"] == "failed (interrupted)" and run["end_time"] is not None
    assert recover(store) == []


def test_a_live_run_is_left_running(project, store, tmp_path) -> None:
    """This very process owns the run: it is not stale, however long it takes."""
    with store.write() as conn:
        run = runs.create(conn, model="m", short_name="m", release_id=None, config={})
    assert recover(store) == []
    with store.read() as conn:
        assert runs.get(conn, run["name"])["status"] == "running"
        assert runs.get(conn, run["name"])["owner_pid"] == os.getpid()


def test_a_run_of_another_host_is_left_alone(project, store) -> None:
    with store.write() as conn:
        run = runs.create(conn, model="m", short_name="m", release_id=None, config={})
        conn.execute(schema.runs.update().values(owner_host="elsewhere", owner_pid=1))
    assert recover(store) == []
    with store.read() as conn:
        assert runs.get(conn, run["name"])["status"] == "running"


def test_a_reused_pid_does_not_keep_a_dead_run_alive(project, store) -> None:
    """The pid now belongs to a process that started after the run's owner: stale."""
    owner = current_owner()
    with store.write() as conn:
        run = runs.create(conn, model="m", short_name="m", release_id=None, config={})
        conn.execute(schema.runs.update().values(owner_pid=os.getppid(),
                                                 owner_started=owner.started - 10_000))
    assert "is gone" in recover(store)[0]
    with store.read() as conn:
        assert runs.get(conn, run["name"])["status"] == "failed (interrupted)"


def _imported(store, project, tmp_path) -> None:
    import_file(store, project, write_dataset(tmp_path / "data.csv", n=60), ImportOptions())


def test_a_complete_release_killed_before_its_catalog_is_adopted(project, store,
                                                                 tmp_path) -> None:
    _imported(store, project, tmp_path)
    killed_at(project, tmp_path, "release:written", "release", "--seed", "4")
    folder = store.path_for("releases", "v1")
    assert (folder / "manifest.json").is_file()
    with store.read() as conn:
        assert releases.list_all(conn) == []
    info = create_release(store, project)
    assert info.id == "v2" and info.parent == "v1"
    assert any(w.startswith("adopted release v1") for w in info.warnings)
    v1 = load_release(store, "v1")  # verifies every file against the catalogued manifest
    assert sum(len(s) for s in v1.splits.values()) == 60
    with store.read() as conn:
        entry = releases.get(conn, "v1")
        assert len(releases.rows(conn, "v1")) == 60
    assert entry["config"]["seed"] == 4 and entry["stats"]["rows"] == 60
    assert info.settings["seed"] == (4, "inherited from v1")
    assert info.diff_summary == "no changes since v1"


def test_a_modified_orphan_release_is_removed_with_the_reason(project, store,
                                                              tmp_path) -> None:
    _imported(store, project, tmp_path)
    killed_at(project, tmp_path, "release:written", "release")
    card = store.path_for("releases", "v1", "README.md")
    card.chmod(card.stat().st_mode | stat.S_IWUSR)
    card.write_text("edited")
    notes = recover(store)
    assert len(notes) == 1 and "removed the folder of release v1" in notes[0]
    assert "checksum mismatch" in notes[0]
    assert not store.path_for("releases", "v1").exists()
    assert create_release(store, project).id == "v1"


def test_an_orphan_the_catalog_has_moved_past_is_removed(project, store, tmp_path) -> None:
    _imported(store, project, tmp_path)
    killed_at(project, tmp_path, "release:written", "release")
    with store.write() as conn:  # another machine catalogued release number 1 meanwhile
        releases.add(conn, release_id="x1", number=1, parent_id=None, path="elsewhere/x1",
                     manifest_sha256="0" * 64, config={}, stats={}, rows=[])
    notes = recover(store)
    assert "removed the folder of release v1" in notes[0]
    assert "the newest release is now x1" in notes[0]
    assert not store.path_for("releases", "v1").exists()


def test_a_stale_temporary_copy_of_a_catalogued_release_is_removed(project, store,
                                                                   tmp_path) -> None:
    _imported(store, project, tmp_path)
    create_release(store, project)
    leftover = store.path_for("releases", ".v1.tmp-0123abcd")
    leftover.mkdir()
    (leftover / "train.parquet").write_bytes(b"half")
    assert "removed .v1.tmp-0123abcd" in recover(store)[0]
    assert not leftover.exists()


def test_a_folder_without_a_manifest_is_never_touched(project, store, tmp_path) -> None:
    _imported(store, project, tmp_path)
    stray = store.path_for("releases", "v1")
    stray.mkdir(parents=True)
    (stray / "notes.txt").write_text("mine")
    assert recover(store) == []
    assert (stray / "notes.txt").read_text() == "mine"


def test_training_on_after_recovery_uses_the_adopted_release(project, store, tmp_path) -> None:
    _imported(store, project, tmp_path)
    killed_at(project, tmp_path, "release:written", "release")
    recover(store)
    assert train(store, project).release_id == "v1"
