"""Telling a live owner of unfinished work from one that was killed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from textloop.processes import (
    Owner,
    current_actor,
    current_owner,
    is_gone,
    pause_point,
    process_start_time,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def test_this_process_is_alive_and_knows_when_it_started() -> None:
    me = current_owner()
    assert me.pid == os.getpid() and me.started is not None
    assert not is_gone(me)
    assert Owner.from_json(me.to_json()) == me


def test_a_finished_child_is_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    started = process_start_time(child.pid)
    child.wait()
    assert is_gone(Owner(child.pid, current_owner().host, started))


def test_a_pid_taken_by_a_later_process_counts_as_gone() -> None:
    parent = os.getppid()
    started = process_start_time(parent)
    host = current_owner().host
    assert not is_gone(Owner(parent, host, started))
    assert is_gone(Owner(parent, host, started - 3600))
    assert not is_gone(Owner(parent, host, None))  # no start time: only the pid is checked


def test_another_hosts_process_is_never_judged() -> None:
    assert not is_gone(Owner(2 ** 22 + 1, "another-machine", 0.0))
    assert Owner.from_json(None) is None and Owner.from_json({"pid": None}) is None


def test_a_pause_point_is_a_no_op_unless_named(monkeypatch) -> None:
    monkeypatch.setenv("TEXTLOOP_PAUSE_AT", "somewhere:else")
    pause_point("train:running")  # returns at once


def test_the_actor_is_textloop_user_else_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTLOOP_USER", "ana")
    assert current_actor() == "ana"
    monkeypatch.delenv("TEXTLOOP_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "bo")
    assert current_actor() == "bo"

    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", no_user)
    assert current_actor() == "unknown"


def test_gc_paused_pauses_and_restores_the_collector_state() -> None:
    import gc

    from textloop.processes import gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("midway")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()
