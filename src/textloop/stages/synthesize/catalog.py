"""Reading synthetic batches back: the list, and one batch with its items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textloop.errors import InvalidInputError
from textloop.stages.synthesize.decisions import effective_status, item_class
from textloop.storage import Store, synth

ITEM_FILTERS = ("all", synth.ITEM_ACCEPTED, synth.ITEM_REJECTED)


@dataclass(frozen=True)
class BatchView:
    batch: dict[str, Any]
    items: list[dict[str, Any]]
    total: int
    """Items in the batch, before any filter."""


def list_batches(store: Store) -> list[dict[str, Any]]:
    """Every batch, oldest first, with its counts and decision."""
    with store.read() as conn:
        return synth.list_batches(conn)


def show_batch(store: Store, ref: str = "latest", *, status: str = "all",
               label: str | None = None) -> BatchView:
    """A batch and its items; ``status`` keeps those the gate (or a person, who overrides
    it) accepted or rejected, ``label`` one class."""
    if status not in ITEM_FILTERS:
        raise InvalidInputError(f"unknown status {status!r}",
                                hint=f"use one of {', '.join(ITEM_FILTERS)}")
    with store.read() as conn:
        batch = synth.get_batch(conn, ref)
        items = synth.items(conn, batch["id"])
    kept = [i for i in items if (status == "all" or effective_status(i) == status)
            and (label is None or item_class(i) == label)]
    return BatchView(batch, kept, len(items))
