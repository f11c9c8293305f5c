"""Who owns a piece of unfinished work, and whether that process is still alive.

A run or release being written records its owner: process id, host name and the process's
own start time. A later command on the same host can then tell a live writer from one that
was killed (``kill -9``, a power cut): the pid is gone, or it now belongs to a process that
started later (pids are reused). On another host nothing can be told, so nothing is touched.

``gc_paused`` pauses the cyclic garbage collector while bulk readers build millions of
acyclic objects (imports, span files).

``pause_point`` lets a test stop a command at a named point (``TEXTLOOP_PAUSE_AT``) and kill
it there, so interrupted work is reproduced exactly instead of by racing a timer.
"""

from __future__ import annotations

import gc
import getpass
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PAUSE_AT = "TEXTLOOP_PAUSE_AT"
"""Environment variable naming the pause point where the process stops (tests only)."""
PAUSE_SIGNAL = "TEXTLOOP_PAUSE_SIGNAL"
"""A file the paused process creates once it has stopped, so the test knows when to kill."""
_START_TOLERANCE_S = 2.0


@dataclass(frozen=True)
class Owner:
    pid: int
    host: str
    started: float | None
    """The process's start time (UNIX seconds), None where the platform does not say."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> Owner | None:
        if not value or value.get("pid") is None:
            return None
        return cls(int(value["pid"]), str(value.get("host") or ""), value.get("started"))

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


def current_actor() -> str:
    """Who is acting, for the alias history and decisions: ``$TEXTLOOP_USER`` or the login
    name ("unknown" where the platform has none). The CLI and the public API both record
    this, so a promotion reads the same in the history whichever made it."""
    try:
        return os.environ.get("TEXTLOOP_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def current_owner() -> Owner:
    return Owner(os.getpid(), socket.gethostname(), process_start_time(os.getpid()))


def is_gone(owner: Owner) -> bool:
    """True only when ``owner`` is certainly not running: same host, and its pid is free or
    taken by a process that started after it. Another host's process is never judged gone."""
    if owner.host != socket.gethostname():
        return False
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, under another user
    if owner.started is None:
        return False
    now = process_start_time(owner.pid)
    return now is not None and abs(now - owner.started) > _START_TOLERANCE_S


def process_start_time(pid: int) -> float | None:
    """When process ``pid`` started, from Linux's /proc; None elsewhere or when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(float(line.split()[1]) for line in
                    Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces and ")"
    ticks = float(fields[19])  # field 22 of stat; fields[0] is field 3 (state)
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def pause_point(name: str) -> None:
    """Stop here forever when ``TEXTLOOP_PAUSE_AT`` names this point (tests kill the process)."""
    if os.environ.get(PAUSE_AT) != name:
        return
    signal = os.environ.get(PAUSE_SIGNAL)
    if signal:
        Path(signal).write_text(str(os.getpid()), encoding="utf-8")
    while True:
        time.sleep(60)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk data streams through.

    An import or a span file read allocates millions of short-lived objects that reference
    counting frees at once; they form no cycles, yet the collector kept rescanning them (17%
    of the time of a 1M-row import, a third of a CoNLL read). Its previous state is restored
    whatever happens.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
