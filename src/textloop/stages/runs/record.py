"""A run for work that produces numbers but no model: cross-validation, hyper-parameter search.

Such runs sit in the same catalog as training runs so ``textloop runs`` compares them side by
side (params, metrics, release, duration). ``config["kind"]`` tells them apart; they have no
bundle, so ``latest`` (the newest run with a model) never points at one. A failure marks the
run failed instead of leaving it running, as for training.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textloop.storage import Store, runs


@contextmanager
def recorded_run(store: Store, *, kind: str, model: str, release_id: str,
                 config: dict[str, Any], params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Open a running run named ``<kind>-<model short name>-<n>``, finished on exit."""
    short = model.split(".")[2] if model.count(".") >= 3 else model
    with store.write() as conn:
        run = runs.create(conn, model=model, short_name=f"{kind}-{short}", release_id=release_id,
                          config={"kind": kind, **config})
        runs.log_params(conn, run["id"], params)
    try:
        yield run
    except BaseException:
        with store.write() as conn:
            runs.finish(conn, run["id"], runs.FAILED)
        raise
    with store.write() as conn:
        runs.finish(conn, run["id"], runs.FINISHED)
