"""The production side: a window of the prediction log, as arrays the checks read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.monitor.span_side import logged_spans
from textloop.storage import Store, monitoring
from textloop.storage.model_versions import version_name
from textloop.storage.refs import resolve_version
from textloop.strategies.drift.span_base import SpanHit


@dataclass(frozen=True)
class Served:
    """The model version whose predictions are monitored, and where it came from."""

    version: int
    run_name: str
    run_id: str
    release_id: str | None


@dataclass(frozen=True)
class Window:
    """Logged predictions in time order; ``proba`` columns follow the model's labels."""

    rows: list[dict[str, Any]]
    proba: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def texts(self) -> list[str | None]:
        return [row["text"] for row in self.rows]

    @property
    def has_texts(self) -> bool:
        return bool(self.rows) and all(row["text"] is not None for row in self.rows)

    @property
    def predicted(self) -> list[str]:
        return [str(row["label"]) for row in self.rows]

    @property
    def spans(self) -> list[list[SpanHit]] | None:
        """A span model's logged spans per row (None for a classifier's rows)."""
        return logged_spans(self.rows)

    @property
    def bands(self) -> list[str]:
        return [str(row["band"]) for row in self.rows]

    @property
    def span(self) -> tuple[float | None, float | None]:
        if not self.rows:
            return None, None
        return self.rows[0]["created_at"], self.rows[-1]["created_at"]


def served_version(store: Store, ref: str) -> Served:
    """The version an alias (``champion``), a version (``m3``) or a registered run names."""
    with store.read() as conn:
        version = resolve_version(conn, ref)
    return Served(int(version["version"]), version["run_name"], version["run_id"],
                  version["release_id"])


def read_window(store: Store, served: Served, labels: Sequence[str], *, last: int | None,
                since: float | None, until: float | None) -> Window:
    """The logged predictions of the served run: the latest ``last``, or a time range."""
    if since is not None and until is not None and since >= until:
        raise InvalidInputError(f"--since ({since}) must come before --until ({until})",
                                hint="give an earlier --since or a later --until")
    with store.read() as conn:
        ranged = since is not None or until is not None
        rows = monitoring.window(conn, served.run_name, last=None if ranged else last,
                                 since=since, until=until)
    if not rows:
        raise NotFoundError(f"no logged predictions of {served.run_name} "
                            f"({version_name(served.version)}) in the window",
                            hint="serve the model with `textloop serve` (every prediction is "
                                 "logged), or widen --since/--until")
    proba = np.array([[float(row["probabilities"].get(label, 0.0)) for label in labels]
                      for row in rows], dtype=np.float64)
    return Window(rows, proba)
