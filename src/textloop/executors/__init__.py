"""Where batch work runs: ``local`` (this process) or ``ray`` (a Ray cluster).

``executor_for`` picks one from an explicit choice, the project's ``execution:`` section or
``RAY_ADDRESS``, in that order; stages hand it pure work (see ``base.Executor``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from textloop.config.execution import ExecutionSettings
from textloop.errors import ConfigError
from textloop.executors.base import Executor
from textloop.executors.local import LocalExecutor

ENGINES = ("local", "ray")


def executor_for(engine: str | None = None, settings: ExecutionSettings | None = None,
                 *, address: str | None = None, workers: int | None = None) -> Executor:
    """The executor a command runs on.

    ``engine`` (``--executor``) wins over ``settings.engine``; with neither, ``ray`` is
    chosen when ``RAY_ADDRESS`` is set (a shell pointed at a cluster), else ``local``.
    """
    settings = settings or ExecutionSettings()
    chosen = engine or (settings.engine if settings.engine != "local" else None)
    if chosen is None:
        chosen = "ray" if os.environ.get("RAY_ADDRESS") else "local"
    if chosen not in ENGINES:
        raise ConfigError(f"unknown executor {chosen!r}",
                          hint=f"use one of {', '.join(ENGINES)} (--executor or "
                               "execution.engine in textloop.yaml)")
    if chosen == "local":
        return LocalExecutor()
    from textloop.executors.ray import RayExecutor  # Ray is imported only for this engine

    return RayExecutor(address or settings.address, workers or settings.workers)


@contextmanager
def executor_scope(executor: Executor | str | None,
                   settings: ExecutionSettings | None = None) -> Iterator[Executor]:
    """The executor a library call runs on, for the length of the call.

    An ``Executor`` handed in is used as it is and left open (its owner closes it, so one
    Ray runtime can serve several calls); an engine name (``--executor``) or None goes
    through ``executor_for`` with the project's ``execution:`` settings, and what that
    starts is closed when the call ends.
    """
    if executor is not None and not isinstance(executor, str):
        yield executor
        return
    chosen = executor_for(executor, settings)
    try:
        yield chosen
    finally:
        chosen.close()


__all__ = ["ENGINES", "Executor", "LocalExecutor", "executor_for", "executor_scope"]
