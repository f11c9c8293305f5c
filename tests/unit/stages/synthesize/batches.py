"""Synthetic batches written straight to the store, as ``textloop synth`` stores them."""

from __future__ import annotations

from collections.abc import Sequence

from textloop.storage import Store, synth


def candidate(text: str, label: str = "spam", status: str = "accepted",
              reason: str | None = None) -> dict:
    return {"text": text, "label": label, "generator": "textloop.synth.swap.v1",
            "model": None, "template": None, "seed_ids": ["r1"], "params": {"seed": 0},
            "status": status, "reason": reason, "detail": None, "scores": {}}


def stored_batch(store: Store, items: Sequence[dict]) -> str:
    """A pending batch holding ``items``; returns its id."""
    with store.write() as conn:
        batch = synth.add_batch(conn, created_by="ana", generator="textloop.synth.swap.v1",
                                release_id=None, config={}, targets=[], counts={},
                                items=items)
    return batch["id"]
