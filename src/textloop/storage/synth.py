"""Synthetic batches (``s1``, ``s2``...) and their items: the only code touching those tables.

A batch is written whole, in the caller's transaction, after generation and the quality gate
have finished: a run that fails half-way leaves nothing behind. Items are numbered 1..N
within their batch; rejected items stay, with the gate's reason, so what was thrown away can
be read later. Decisions (the batch's, a person's on an item) and the record an accepted
item became are the only things updated afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from textloop.errors import NotFoundError
from textloop.storage import jsoncol
from textloop.storage.dialect import next_number
from textloop.storage.schema import synth_batches, synth_items

PENDING, ACCEPTED, HELD_BACK = "pending", "accepted", "held_back"
DECISIONS = (PENDING, ACCEPTED, HELD_BACK)
ITEM_ACCEPTED, ITEM_REJECTED = "accepted", "rejected"
_JSON_ITEM: dict[str, list[Any] | dict[str, Any]] = {"seed_ids": [], "params": {}, "scores": {}}
_BATCH = 5_000


def add_batch(conn: Connection, *, created_by: str, generator: str, release_id: str | None,
              config: Mapping[str, Any], targets: Sequence[Mapping[str, Any]],
              counts: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Catalog a batch and all its items; the number is taken inside the transaction.

    ``items``: dicts with ``text``, ``label``, ``generator``, ``model``, ``template``,
    ``seed_ids`` (list), ``params`` and ``scores`` (dicts), ``status`` (accepted/rejected),
    ``reason`` and ``detail``.
    """
    number = next_number(conn, synth_batches.c.number)
    batch_id = f"s{number}"
    conn.execute(synth_batches.insert().values(
        id=batch_id, number=number, created_at=time.time(), created_by=created_by,
        generator=generator, release_id=release_id, config=jsoncol.dumps(dict(config)),
        targets=jsoncol.dumps(list(targets)), counts=jsoncol.dumps(dict(counts)),
        decision=PENDING))
    rows = [_item_row(batch_id, n, item) for n, item in enumerate(items, start=1)]
    for start in range(0, len(rows), _BATCH):
        conn.execute(synth_items.insert(), rows[start:start + _BATCH])
    return get_batch(conn, batch_id)


def _item_row(batch_id: str, n: int, item: Mapping[str, Any]) -> dict[str, Any]:
    row = {"batch_id": batch_id, "n": n, "text": item["text"], "label": item["label"],
           "generator": item["generator"], "model": item.get("model"),
           "template": item.get("template"), "status": item["status"],
           "reason": item.get("reason"), "detail": item.get("detail")}
    for key, empty in _JSON_ITEM.items():
        value = item.get(key) or empty
        row[key] = jsoncol.dumps(list(value) if isinstance(empty, list) else dict(value))
    return row


def get_batch(conn: Connection, ref: str = "latest") -> dict[str, Any]:
    """A batch by id (``s3``) or number (``3``), or the newest for ``latest``."""
    query = select(synth_batches)
    if ref == "latest":
        query = query.order_by(synth_batches.c.number.desc()).limit(1)
    else:
        query = query.where(synth_batches.c.id == (f"s{ref}" if ref.isdigit() else ref))
    row = conn.execute(query).mappings().first()
    if row is None:
        known = ", ".join(b["id"] for b in list_batches(conn)[-5:]) or "none yet"
        raise NotFoundError(f"no synthetic batch {ref!r} (recent batches: {known})",
                            hint="make one with `textloop synth`; list them with "
                                 "`textloop synth list`")
    return _batch(row)


def list_batches(conn: Connection) -> list[dict[str, Any]]:
    """Every batch, oldest first."""
    query = select(synth_batches).order_by(synth_batches.c.number)
    return [_batch(row) for row in conn.execute(query).mappings()]


def _batch(row: Any) -> dict[str, Any]:
    out = dict(row)
    for key in ("config", "counts"):
        out[key] = jsoncol.loads(out[key])
    out["targets"] = jsoncol.loads(out["targets"]) or []
    out["evaluation"] = jsoncol.loads(out["evaluation"]) if out["evaluation"] else None
    return out


def items(conn: Connection, batch_id: str, numbers: Iterable[int] | None = None
          ) -> list[dict[str, Any]]:
    """A batch's items in order (only ``numbers`` when given), JSON columns decoded."""
    query = select(synth_items).where(synth_items.c.batch_id == batch_id).order_by(
        synth_items.c.n)
    if numbers is not None:
        query = query.where(synth_items.c.n.in_(sorted(set(numbers))))
    return [_item(row) for row in conn.execute(query).mappings()]


def _item(row: Any) -> dict[str, Any]:
    out = dict(row)
    for key, empty in _JSON_ITEM.items():
        out[key] = jsoncol.loads(out[key]) or type(empty)()
    return out


def set_evaluation(conn: Connection, batch_id: str, evaluation: Mapping[str, Any]) -> None:
    conn.execute(synth_batches.update().where(synth_batches.c.id == batch_id).values(
        evaluation=jsoncol.dumps(dict(evaluation))))


def decide_batch(conn: Connection, batch_id: str, decision: str, *, actor: str,
                 reason: str | None) -> None:
    """Record the batch's decision (one of ``DECISIONS``), by whom and why."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown batch decision {decision!r}")
    conn.execute(synth_batches.update().where(synth_batches.c.id == batch_id).values(
        decision=decision, reason=reason, decided_by=actor, decided_at=time.time()))


def decide_items(conn: Connection, batch_id: str, numbers: Sequence[int], decision: str, *,
                 actor: str) -> None:
    """A person's decision on items, overriding the gate's verdict for the release."""
    if decision not in (ITEM_ACCEPTED, ITEM_REJECTED):
        raise ValueError(f"unknown item decision {decision!r}")
    conn.execute(synth_items.update().where(
        synth_items.c.batch_id == batch_id, synth_items.c.n.in_(list(numbers))).values(
        decision=decision, decided_by=actor, decided_at=time.time()))


def set_materialized(conn: Connection, item_id: int, record_id: str | None,
                     annotation_id: int | None) -> None:
    """The record an item became and its annotation; both None while it is out of releases
    (the record itself stays, found again by its text's id)."""
    conn.execute(synth_items.update().where(synth_items.c.id == item_id).values(
        record_id=record_id, annotation_id=annotation_id))

