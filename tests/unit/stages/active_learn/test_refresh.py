"""``refresh`` and ``labeling_progress``: rounds, stability, queue updates and top-up."""

from __future__ import annotations

import time

import pytest

from textloop.stages.active_learn import BackgroundRefresher, labeling_progress, refresh, suggest
from textloop.stages.label import queue as labeling
from textloop.storage import queue, rounds

pytestmark = pytest.mark.model


def answer_all(store, project, annotator: str = "a", limit: int = 1000) -> int:
    done = 0
    while done < limit and (item := labeling.next_item(store, annotator)) is not None:
        truth = "spam" if any(w in item.text for w in ("free", "win", "prize")) else "ham"
        labeling.submit(store, project, annotator, item.record_id, [truth])
        done += 1
    return done


def test_refresh_records_rounds_and_updates_suggestions(mixed_project) -> None:
    project, store = mixed_project
    suggest(store, project, batch=10)
    first = refresh(store, project)
    assert first.trained and first.n_labels == 30 and first.score is not None
    assert first.stability is None  # nothing to compare with yet
    assert first.updated == 10
    answer_all(store, project, limit=5)
    second = refresh(store, project)
    assert second.n_labels == 35 and second.stability is not None
    with store.read() as conn:
        history = rounds.all_rounds(conn)
    assert [r["n_labels"] for r in history] == [30, 35]
    assert history[-1]["details"]["stop_ids"]


def test_refresh_tops_up_a_short_queue(mixed_project) -> None:
    project, store = mixed_project
    project.spec.labeling.batch = 8
    result = refresh(store, project)
    assert result.topped_up == 8
    with store.read() as conn:
        assert len(queue.open_items(conn)) == 8


def test_progress_before_and_after_rounds(mixed_project) -> None:
    project, store = mixed_project
    before = labeling_progress(store, project)
    assert (before.labeled, before.rounds, before.score) == (0, 0, None)
    assert "different label counts" in before.estimate_reason
    for _ in range(3):
        refresh(store, project)
        answer_all(store, project, limit=6)
    after = labeling_progress(store, project)
    assert after.rounds == 3 and after.labeled == 18
    assert after.score is not None and 0.0 <= after.fraction <= 1.0


def test_background_refresher_runs_after_enough_quiet_labels(mixed_project) -> None:
    project, store = mixed_project
    refresher = BackgroundRefresher(store, project, after=3, debounce=0.1, poll=0.02)
    refresher.start()
    try:
        refresher.notify_labeled(2)
        assert not refresher.due()  # below the threshold: no retraining
        refresher.notify_labeled(1)
        deadline = time.monotonic() + 60
        while refresher.runs == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        refresher.stop()
    assert refresher.runs == 1 and refresher.last_error is None
    assert refresher.last_result is not None and refresher.last_result.trained


def test_a_dry_queue_refreshes_at_once_but_not_again_without_new_labels(mixed_project) -> None:
    project, store = mixed_project
    refresher = BackgroundRefresher(store, project, after=100, debounce=3600, poll=0.02)
    refresher.notify_labeled(1)
    assert not refresher.due()  # neither enough labels nor quiet long enough
    assert refresher.request_now() and refresher.busy and refresher.due()
    refresher.start()
    try:
        deadline = time.monotonic() + 60
        while refresher.runs == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        refresher.stop()
    assert refresher.runs == 1 and not refresher.busy
    assert not refresher.request_now()  # nothing new to learn: the last top-up stands


def add_rounds(store, points: list[tuple[int, float]]) -> None:
    with store.write() as conn:
        for n, score in points:
            rounds.add(conn, n_labels=n, score=score, stability=None, model="test",
                       details={})


def test_progress_says_when_the_curve_has_flattened(mixed_project) -> None:
    """A curve that levelled off by 200 labels (as a frozen encoder does on balanced data)
    is called flat, with the label count and that random sampling is as good; a curve
    still rising steeply is not."""
    project, store = mixed_project
    add_rounds(store, [(25, 0.62), (50, 0.78), (75, 0.83), (100, 0.85), (150, 0.862),
                       (200, 0.866), (300, 0.868)])
    progress = labeling_progress(store, project)
    assert progress.flat and progress.flattened_at is not None
    assert progress.flattened_at <= 300
    assert f"from about {progress.flattened_at:,} labels" in progress.flat_note
    assert "random sampling is as good as active learning" in progress.flat_note
    assert progress.to_dict()["flat"] is True


def test_progress_on_a_rising_curve_is_not_flat(mixed_project) -> None:
    project, store = mixed_project
    add_rounds(store, [(25, 0.30), (50, 0.40), (100, 0.50), (200, 0.60), (400, 0.70)])
    progress = labeling_progress(store, project)
    assert not progress.flat and progress.flat_note == ""
    assert progress.flattened_at is not None and progress.flattened_at > 400
