"""Decisions on batches and items: accepted items become labeled synthetic records, taken
back out by retracting their label, always in one transaction."""

from __future__ import annotations

import pytest

from tests.unit.stages.synthesize.batches import candidate, stored_batch
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.label.resolution import labeled_records
from textloop.stages.synthesize.decisions import decide
from textloop.storage import annotation_log, records, reviews, synth


def synthetic_labels(store) -> dict[str, str]:
    with store.read() as conn:
        return {r.text: r.label for r in labeled_records(conn) if r.source_kind == "synthetic"}


def test_accepting_a_batch_makes_its_gate_accepted_items_labeled_records(store) -> None:
    batch = stored_batch(store, [candidate("win a prize now"),
                                 candidate("win win", status="rejected", reason="too_short"),
                                 candidate(" lunch at home\r\n", label="ham")])
    assert synthetic_labels(store) == {}  # pending: nothing is released
    done = decide(store, batch, "accepted", actor="ana")
    assert (done.added, done.removed, done.skipped) == (2, 0, [])
    assert done.batch["decision"] == "accepted" and done.batch["decided_by"] == "ana"
    # stored as an import stores text: surrounding whitespace and CRLF dropped
    assert synthetic_labels(store) == {"win a prize now": "spam", "lunch at home": "ham"}
    with store.read() as conn:
        first = synth.items(conn, batch, [1])[0]
        stored = records.get_many(conn, [first["record_id"]])[0]
    assert (stored.source_kind, stored.source_ref) == ("synthetic", "synth:s1")
    assert stored.meta == {"synth_batch": "s1", "synth_item": 1,
                           "synth_generator": "textloop.synth.swap.v1"}


def test_item_decisions_override_the_gate_and_holding_back_takes_items_out(store) -> None:
    batch = stored_batch(store, [candidate("win a prize now"),
                                 candidate("claim cash", status="rejected", reason="off_label")])
    decide(store, batch, "accepted", actor="ana")
    done = decide(store, batch, "accepted", actor="bo", items=[2])
    assert done.added == 1
    assert synthetic_labels(store) == {"win a prize now": "spam", "claim cash": "spam"}
    done = decide(store, batch, "rejected", actor="bo", items=[1])
    assert (done.added, done.removed) == (0, 1)
    assert synthetic_labels(store) == {"claim cash": "spam"}
    done = decide(store, batch, "rejected", actor="cy", reason="tone is off")
    assert done.batch["decision"] == "held_back" and done.batch["reason"] == "tone is off"
    assert synthetic_labels(store) == {}
    with store.read() as conn:
        items = synth.items(conn, batch)
        assert all(i["annotation_id"] is None and i["record_id"] is None for i in items)
        assert records.count(conn) == 2  # records stay, excluded
        assert reviews.excluded_ids(conn) == {r.id for r in records.iter_all(conn)}


def test_a_held_back_record_stays_out_even_when_a_rule_labels_it_and_comes_back_on_accept(
        store) -> None:
    batch = stored_batch(store, [candidate("win a prize now")])
    decide(store, batch, "accepted", actor="ana")
    with store.read() as conn:
        rid = synth.items(conn, batch)[0]["record_id"]
    decide(store, batch, "rejected", actor="bo")
    with store.write() as conn:
        annotation_log.add_one(conn, record_id=rid, label="ham", kind="weak",
                               annotator="rule:lunch")
    with store.read() as conn:
        assert [r.id for r in labeled_records(conn)] == []
    done = decide(store, batch, "accepted", actor="cy")
    assert done.added == 1 and synthetic_labels(store) == {"win a prize now": "spam"}
    with store.read() as conn:
        assert reviews.excluded_ids(conn) == set()
        assert [e["restored_by"] for e in reviews.exclusions_of(conn, rid)] == ["cy"]


def test_an_item_whose_text_is_a_real_record_is_skipped(store, project, tmp_path) -> None:
    from tests.unit.stages.clean.clean_fixtures import import_rows

    import_rows(store, project, tmp_path, [("claim cash now", "ham")])
    batch = stored_batch(store, [candidate("claim cash now")])
    done = decide(store, batch, "accepted", actor="ana")
    assert (done.added, done.skipped) == (0, [1])
    with store.read() as conn:
        assert [r.label for r in labeled_records(conn)] == ["ham"]


def test_unknown_items_and_batches_are_refused(store) -> None:
    batch = stored_batch(store, [candidate("a"), candidate("b")])
    with pytest.raises(InvalidInputError, match="batch s1 has no item 7 \\(items: 1 to 2\\)"):
        decide(store, batch, "accepted", actor="ana", items=[7])
    with pytest.raises(NotFoundError, match="no synthetic batch 's4'"):
        decide(store, "s4", "accepted", actor="ana")
    with pytest.raises(InvalidInputError, match="unknown synthetic decision 'accept'"):
        decide(store, batch, "accept", actor="ana")  # not silently a hold-back
    with store.read() as conn:
        assert synth.get_batch(conn, batch)["decision"] == "pending"
