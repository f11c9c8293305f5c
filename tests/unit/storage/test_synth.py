"""Synthetic batches and items: written whole, read back with provenance, decided later."""

from __future__ import annotations

import pytest

from textloop.errors import NotFoundError
from textloop.storage import synth


def item(text: str, status: str = "accepted", **extra) -> dict:
    return {"text": text, "label": "spam", "generator": "textloop.synth.swap.v1",
            "model": None, "template": None, "seed_ids": ["r1", "r2"],
            "params": {"seed": 3}, "status": status, "reason": extra.pop("reason", None),
            "detail": extra.pop("detail", None), "scores": {"label_p": 0.8}, **extra}


def add(conn, items: list[dict]) -> dict:
    return synth.add_batch(conn, created_by="ana", generator="textloop.synth.swap.v1",
                           release_id=None, config={"per_class": 2},
                           targets=[{"label": "spam", "budget": 2, "why": "rarest"}],
                           counts={"spam": {"generated": len(items)}}, items=items)


def test_a_batch_and_its_items_are_stored_with_provenance(store) -> None:
    with store.write() as conn:
        batch = add(conn, [item("win cash now"),
                           item("win cash", "rejected", reason="near_duplicate",
                                detail="like r1")])
    assert (batch["id"], batch["number"], batch["decision"]) == ("s1", 1, "pending")
    assert batch["targets"] == [{"label": "spam", "budget": 2, "why": "rarest"}]
    assert batch["evaluation"] is None and batch["config"] == {"per_class": 2}
    with store.read() as conn:
        kept, rejected = synth.items(conn, "s1")
    assert (kept["n"], kept["seed_ids"], kept["params"]) == (1, ["r1", "r2"], {"seed": 3})
    assert kept["scores"] == {"label_p": 0.8} and kept["generator"].endswith("swap.v1")
    assert (rejected["status"], rejected["reason"], rejected["detail"]) == (
        "rejected", "near_duplicate", "like r1")


def test_batches_are_numbered_and_found_by_id_number_or_latest(store) -> None:
    with store.write() as conn:
        add(conn, [item("a text")])
        add(conn, [])
    with store.read() as conn:
        assert synth.get_batch(conn)["id"] == "s2"
        assert synth.get_batch(conn, "1")["id"] == "s1"
        assert [b["id"] for b in synth.list_batches(conn)] == ["s1", "s2"]
        with pytest.raises(NotFoundError, match="recent batches: s1, s2"):
            synth.get_batch(conn, "s9")


def test_a_failed_transaction_leaves_no_batch(store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        add(conn, [item("one"), item("two")])
        raise RuntimeError("generation failed after the batch was written")
    with store.read() as conn:
        assert synth.list_batches(conn) == []


def test_decisions_evaluation_and_records_are_recorded(store) -> None:
    from textloop.storage import records

    with store.write() as conn:
        add(conn, [item("one"), item("two"), item("three", "rejected", reason="off_label")])
        synth.set_evaluation(conn, "s1", {"macro_f1_delta": 0.01})
        synth.decide_batch(conn, "s1", "held_back", actor="evaluation", reason="class b lost")
        synth.decide_items(conn, "s1", [3], "accepted", actor="ana")
        records.insert(conn, [{"id": "rid", "content_hash": "h", "text": "one",
                               "source_kind": "synthetic", "created_at": 0.0}])
        first = synth.items(conn, "s1", [1])[0]
        synth.set_materialized(conn, first["id"], "rid", None)
    with store.read() as conn:
        batch = synth.get_batch(conn, "s1")
        third = synth.items(conn, "s1", [3])[0]
        assert synth.items(conn, "s1", [1])[0]["record_id"] == "rid"
    assert batch["evaluation"] == {"macro_f1_delta": 0.01}
    assert (batch["decision"], batch["reason"], batch["decided_by"]) == (
        "held_back", "class b lost", "evaluation")
    assert (third["status"], third["decision"], third["decided_by"]) == (
        "rejected", "accepted", "ana")
    with pytest.raises(ValueError), store.write() as conn:
        synth.decide_batch(conn, "s1", "maybe", actor="ana", reason=None)
