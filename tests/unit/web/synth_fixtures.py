"""A synthetic batch for the web tests: real seed records imported, the batch stored as
``textloop synth`` stores it (``storage.synth.add_batch``), one text of it hostile."""

from __future__ import annotations

from dataclasses import dataclass

from tests.unit.stages.clean.clean_fixtures import import_rows
from tests.unit.stages.synthesize.batches import candidate, stored_batch
from tests.unit.web.webapp import XSS, Web
from textloop.storage import records

SEEDS = [("Win a free cruise, text YES now", "spam"),
         ("Your parcel fee is due, pay at this link", "spam"),
         ("Running late, start without me", "ham")]
HOSTILE = f"{XSS} claim your reward"
GONE = "r0000000000000000"
"""A seed id that is no record (deleted since, say)."""


@dataclass(frozen=True)
class SynthBatch:
    id: str
    seed_ids: list[str]
    """Record ids of ``SEEDS``, in order."""


def item(text: str, label: str = "spam", status: str = "accepted", reason: str | None = None,
         **extra: object) -> dict:
    """An item with a model, template and params, as a prompted generator records them."""
    return {**candidate(text, label, status, reason), "model": "qwen2.5-0.5b-instruct",
            "template": "textloop.synth.prompt.v1", "params": {"temperature": 0.7, "seed": 3},
            **extra}


def synth_batch(web: Web) -> SynthBatch:
    """Items 1-4 spam (accepted, rejected near-duplicate, accepted hostile, rejected too
    short), item 5 ham whose seeds include one that is gone."""
    folder = web.project.root / "data"
    folder.mkdir(parents=True, exist_ok=True)
    import_rows(web.store, web.project, folder, SEEDS)
    with web.store.read() as conn:
        by_text = {r.text: r.id for r in records.iter_all(conn)}
    ids = [by_text[text] for text, _ in SEEDS]
    batch = stored_batch(web.store, [
        item("Free cruise waiting for you, reply YES to claim", seed_ids=ids[:2],
             scores={"label_probability": 0.91}),
        item("Win a free cruise, text YES now!", status="rejected",
             reason="near-duplicate-of-real", seed_ids=ids[:2],
             detail=f"Jaccard 0.92 with record {ids[0]}", scores={"jaccard": 0.92}),
        item(HOSTILE, seed_ids=[ids[0]]),
        item("win", status="rejected", reason="too-short", seed_ids=[ids[1]],
             detail="3 characters (at least 10)"),
        item("Running a bit late, go ahead without me", label="ham", seed_ids=[ids[2], GONE]),
    ])
    return SynthBatch(batch, ids)
