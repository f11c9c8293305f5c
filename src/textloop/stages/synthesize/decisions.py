"""Decisions on a synthetic batch, and the records its accepted items become.

An item goes into the next release when its batch is accepted and the item is too: by a
person (``textloop synth accept BATCH ITEM``) or, without a person's word, by the gate.
Such an item becomes a record (``source_kind`` synthetic, its provenance in ``meta``, its id
from the content hash like every record) with a ``synthetic`` annotation carrying its label,
so releases pick it up as they pick up any labeled record, and ``release.synthetic`` puts it
in train. Taking an item back out (its batch held back, the item rejected) retracts the
annotation and excludes the record (``storage.reviews``, reason ``synthetic``): the record
stays, so nothing that referred to it dangles, but no release, training input, cleaning
run or labeling queue takes it up again, even if a weak rule labels it later. Accepting it
again ends that exclusion. Decisions and records change in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from textloop.errors import InvalidInputError
from textloop.stages.release.synthetic import GENERATOR_KEY
from textloop.storage import Store, annotation_log, jsoncol, records, reviews, synth
from textloop.texts import content_hash, normalize_text, record_id
from textloop.types import AnnotationKind, Jsonable, SourceKind

SYNTHETIC = SourceKind.SYNTHETIC.value


@dataclass(frozen=True)
class Decided(Jsonable):
    batch: dict[str, Any]
    added: int
    """Items that became labeled records now."""
    removed: int
    """Items taken back out (their annotation retracted)."""
    skipped: list[int]
    """Items whose text is already a record of another origin; left out of releases."""


def effective_status(item: Mapping[str, Any]) -> str:
    """A person's decision on the item when there is one, else the gate's verdict."""
    return str(item["decision"] or item["status"])


def item_class(item: Mapping[str, Any]) -> str:
    """The class an item was made for: its label, or for a span item (whose label is its
    stored spans) the span type it targeted."""
    return str((item.get("params") or {}).get("target") or item["label"])


def included(batch: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    """Whether the item belongs in the next release (see the module docstring)."""
    return batch["decision"] == synth.ACCEPTED and effective_status(item) == synth.ITEM_ACCEPTED


def decide(store: Store, ref: str, decision: str, *, actor: str, reason: str | None = None,
           items: Sequence[int] = ()) -> Decided:
    """Accept or hold back a batch (``items`` empty) or accept/reject some of its items,
    then bring its records in line, all in one transaction. ``decision`` is ``accepted``
    or ``rejected`` (for a batch: hold it back)."""
    if decision not in (synth.ITEM_ACCEPTED, synth.ITEM_REJECTED):
        raise InvalidInputError(f"unknown synthetic decision {decision!r}",
                                hint=f"use {synth.ITEM_ACCEPTED!r} or {synth.ITEM_REJECTED!r}")
    with store.write() as conn:
        batch = synth.get_batch(conn, ref)
        if items:
            _check_numbers(conn, batch["id"], items)
            synth.decide_items(conn, batch["id"], items, decision, actor=actor)
        else:
            batch_decision = synth.ACCEPTED if decision == synth.ACCEPTED else synth.HELD_BACK
            synth.decide_batch(conn, batch["id"], batch_decision, actor=actor,
                               reason=reason or f"{decision} by {actor}")
        return sync_records(conn, batch["id"], actor=actor)


def _check_numbers(conn: Connection, batch_id: str, numbers: Sequence[int]) -> None:
    known = {item["n"] for item in synth.items(conn, batch_id)}
    unknown = sorted(set(numbers) - known)
    if unknown:
        span = f"1 to {max(known)}" if known else "none: the batch is empty"
        raise InvalidInputError(f"batch {batch_id} has no item {unknown[0]} (items: {span})",
                                hint=f"list them with `textloop synth show {batch_id}`")


def sync_records(conn: Connection, batch_id: str, *, actor: str) -> Decided:
    """Make the batch's labeled records match ``included``, in the caller's transaction."""
    batch = synth.get_batch(conn, batch_id)
    added, removed, skipped = 0, 0, []
    for item in synth.items(conn, batch_id):
        wanted, present = included(batch, item), item["annotation_id"] is not None
        if wanted and not present:
            if _materialize(conn, batch_id, item, actor):
                added += 1
            else:
                skipped.append(item["n"])
        elif present and not wanted:
            annotation_log.retract(conn, item["annotation_id"])
            reviews.exclude(conn, [item["record_id"]], decision_id=None, by=actor,
                            reason=SYNTHETIC)
            synth.set_materialized(conn, item["id"], None, None)
            removed += 1
    return Decided(batch, added, removed, skipped)


def record_text(text: str) -> tuple[str, str, str]:
    """(text as stored, content hash, record id) of a generated text: normalised as an
    imported text is, so the same words always map to the same record."""
    stored = normalize_text(text)
    digest = content_hash(stored)
    return stored, digest, record_id(digest)


def _materialize(conn: Connection, batch_id: str, item: Mapping[str, Any], actor: str
                 ) -> bool:
    """The item as a synthetic record with its label; False when its text is already a
    record (real, or another batch's) that must not take this label."""
    text, digest, rid = record_text(item["text"])
    existing = records.get_many(conn, [rid])
    if existing and (existing[0].source_kind != SYNTHETIC
                     or existing[0].meta.get("synth_batch") != batch_id):
        return False
    if existing:  # taken out before: back in
        reviews.restore_records(conn, [rid], reason=SYNTHETIC, by=actor)
    else:
        records.insert(conn, [{
            "id": rid, "content_hash": digest, "text": text,
            "meta": _provenance(batch_id, item), "source_kind": SYNTHETIC,
            "source_ref": f"synth:{batch_id}", "created_at": time.time()}])
    annotation = annotation_log.add_one(conn, record_id=rid, label=item["label"],
                                        kind=AnnotationKind.SYNTHETIC.value,
                                        annotator=f"synth:{batch_id}")
    synth.set_materialized(conn, item["id"], rid, annotation)
    return True


def _provenance(batch_id: str, item: Mapping[str, Any]) -> str:
    """The record's ``meta``: which batch and item made it, with what (release columns)."""
    meta = {"synth_batch": batch_id, "synth_item": item["n"], GENERATOR_KEY: item["generator"],
            "synth_model": item["model"], "synth_template": item["template"]}
    return jsoncol.dumps({key: value for key, value in meta.items() if value is not None})
