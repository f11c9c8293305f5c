"""The labeling queue's count of what is left, exact below its cap and capped above."""

from __future__ import annotations

from tests.unit.stages.labeling_fixtures import queued
from textloop.stages.label import queue as labeling
from textloop.storage import queue


def test_remaining_counts_unseen_and_held_items(project, store, tmp_path) -> None:
    queued(store, project, tmp_path, n=5)
    with store.read() as conn:
        assert queue.remaining_for(conn, "alice") == 5
    item = labeling.next_item(store, "alice")  # alice now holds one
    assert item is not None and item.remaining == 5 and item.remaining_text == "5"
    labeling.submit(store, project, "alice", item.record_id, ["spam"])
    with store.read() as conn:
        assert queue.remaining_for(conn, "alice") == 4
        assert queue.remaining_for(conn, "bob") == 4  # overlap 1: alice's item is done


def test_remaining_stops_counting_at_the_cap(project, store, tmp_path) -> None:
    queued(store, project, tmp_path, n=7)
    with store.read() as conn:
        assert queue.remaining_for(conn, "alice", cap=3) == 3
        assert queue.remaining_for(conn, "alice", cap=100) == 7
    item = labeling.next_item(store, "alice")
    assert item is not None
    capped = labeling.LabelingItem(item.record_id, item.text, item.meta, None, None,
                                   queue.REMAINING_CAP)
    assert capped.remaining_text == f"{queue.REMAINING_CAP:,}+"
