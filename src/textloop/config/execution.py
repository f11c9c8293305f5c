"""``execution:``: where batch work runs (this machine, or a Ray cluster)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from textloop.config.base import Strict


class ExecutionSettings(Strict):
    """Where batch prediction, embedding-cache fills, cross-validation folds and
    near-duplicate shards run (docs/scaling.md).

    ``engine``: ``local`` (this process and its threads) or ``ray``. ``address``: the Ray
    cluster to join (``auto``, ``HOST:PORT`` or ``ray://HOST:PORT``); unset, ``RAY_ADDRESS``
    is read, and without it a local Ray runtime is started for the run. ``workers``: how
    many actors or tasks run at once (unset: one per CPU the cluster has).
    """

    engine: Literal["local", "ray"] = "local"
    address: str | None = None
    workers: int | None = Field(None, ge=1, le=4096)
