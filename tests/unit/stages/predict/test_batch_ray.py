"""``predict_file`` on the ray engine (a real two-node cluster on loopback) writes the bytes
the local engine writes, also when a worker dies mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from tests.unit.stages.pipeline_fixtures import released
from textloop.config import Actions
from textloop.errors import MissingExtraError
from textloop.executors import executor_for
from textloop.stages.predict import predict_file
from textloop.stages.train.training import train

pytestmark = pytest.mark.slow

TEXTS = ["win free cash prize claim now urgent", "see you at home for dinner later",
         "=1+2 free offer", "café mum lunch ok 😀"]


@pytest.fixture
def scored_input(project, store, tmp_path):
    """A trained spam filter and a 2,000-row CSV with ids."""
    project.spec.actions = Actions.for_filter(["spam"])
    released(store, project, tmp_path)
    train(store, project)
    data = tmp_path / "day.csv"
    data.write_text("id,text\n" + "".join(f"r{i},{TEXTS[i % 4]} {i}\n" for i in range(2000)),
                    encoding="utf-8")
    return project, store, data


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_ray_writes_the_bytes_local_writes(ray_cluster, scored_input, tmp_path,
                                           suffix) -> None:
    project, store, data = scored_input
    local = predict_file(store, project, "latest", data, tmp_path / f"local.{suffix}",
                         batch_rows=64)
    with executor_for("ray", address=ray_cluster, workers=2) as ray:
        remote = predict_file(store, project, "latest", data, tmp_path / f"ray.{suffix}",
                              batch_rows=64, executor=ray)
    assert (remote.executor, remote.workers, remote.rows) == ("ray", 2, local.rows)
    assert local.rows == 2000
    assert (tmp_path / f"ray.{suffix}").read_bytes() == (tmp_path / f"local.{suffix}").read_bytes()


class _KillOneWorker:
    """A progress reporter that, when the first batch is written, kills one of the actor
    processes scoring this job (descendants of this process: the test's own cluster)."""

    def __init__(self) -> None:
        self.killed: list[int] = []

    @contextmanager
    def task(self, description: str, total: int | None = None,
             unit: str = "items") -> Iterator[_KillOneWorker]:
        yield self

    def advance(self, n: int = 1) -> None:
        if self.killed:
            return
        workers = [p for p in psutil.Process().children(recursive=True)
                   if "_Worker" in " ".join(_cmdline(p))]
        assert workers, "no scoring actor found among this cluster's processes"
        os.kill(workers[0].pid, signal.SIGKILL)
        self.killed.append(workers[0].pid)


def _gone(pid: int, seconds: float = 20.0) -> bool:
    """True once ``pid`` has exited (a zombie its parent, the raylet, has yet to reap counts
    as exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def test_a_worker_killed_mid_job_is_retried_to_the_same_output(ray_cluster, scored_input,
                                                               tmp_path) -> None:
    project, store, data = scored_input
    predict_file(store, project, "latest", data, tmp_path / "local.csv", batch_rows=64)
    killer = _KillOneWorker()
    with executor_for("ray", address=ray_cluster, workers=2) as ray:
        done = predict_file(store, project, "latest", data, tmp_path / "ray.csv",
                            batch_rows=64, executor=ray, progress=killer)
    assert killer.killed and _gone(killer.killed[0])
    assert done.rows == 2000
    assert (tmp_path / "ray.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()


def test_without_the_ray_extra_the_error_names_the_pip_command(monkeypatch, scored_input,
                                                               tmp_path) -> None:
    import textloop

    project, _, data = scored_input
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with textloop.open_project(project.root) as opened, \
            pytest.raises(MissingExtraError) as caught:
        opened.predict_file("latest", data, tmp_path / "out.csv", executor="ray")
    assert caught.value.hint == 'pip install "textloop[ray]"'
    assert not (tmp_path / "out.csv").exists()


def test_a_local_job_never_imports_ray(scored_input, tmp_path) -> None:
    project, _, data = scored_input
    script = (f"import sys, textloop\n"
              f"with textloop.open_project({str(project.root)!r}) as p:\n"
              f"    p.predict_file('latest', {str(data)!r}, {str(tmp_path / 'o.csv')!r})\n"
              f"assert 'ray' not in sys.modules, 'ray was imported'\n")
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert Path(tmp_path / "o.csv").exists()
