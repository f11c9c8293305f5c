"""Run metrics: per-epoch history with steps, non-finite values left out, latest value wins."""

from __future__ import annotations

import math

from textloop.storage import runs


def test_history_steps_and_latest_values(store) -> None:
    with store.write() as conn:
        run = runs.create(conn, model="textloop.model.embed-mlp.v1", short_name="embed-mlp",
                          release_id=None, config={})
        runs.log_history(conn, run["id"], [
            {"epoch": 1.0, "train/loss": 0.9, "val/loss": 1.0},
            {"epoch": 2.0, "train/loss": 0.5, "val/loss": math.nan}])
        runs.log_metrics(conn, run["id"], {"val/loss": 0.95}, step=3)
    with store.read() as conn:
        history = runs.metric_history(conn, run["id"])
        latest = runs.get(conn, run["name"])["metrics"]
    assert history["train/loss"] == [(1, 0.9), (2, 0.5)]
    assert history["val/loss"] == [(1, 1.0), (3, 0.95)]
    assert latest["val/loss"] == 0.95 and latest["train/loss"] == 0.5


def test_an_all_digit_id_prefix_finds_the_run_when_no_run_has_that_number(store) -> None:
    with store.write() as conn:
        run = runs.create(conn, model="textloop.model.tfidf-lr.v1", short_name="tfidf-lr",
                          release_id=None, config={})
        conn.execute(runs.runs.update().where(runs.runs.c.id == run["id"]).values(
            id="40554154aaaa"))
    with store.read() as conn:
        assert runs.get(conn, "40554154")["id"] == "40554154aaaa"
        assert runs.get(conn, "1")["id"] == "40554154aaaa"


def test_metric_log_keeps_every_value_with_step_and_timestamp_in_logging_order(store) -> None:
    with store.write() as conn:
        run = runs.create(conn, model="textloop.model.embed-mlp.v1", short_name="embed-mlp",
                          release_id=None, config={})
        runs.log_metrics(conn, run["id"], {"val/loss": 0.9}, step=2)
        runs.log_metrics(conn, run["id"], {"val/loss": 0.7, "train/loss": 0.5}, step=1)
    with store.read() as conn:
        log = runs.metric_log(conn, run["id"])
    assert [(r["key"], r["step"], r["value"]) for r in log] == [
        ("val/loss", 2, 0.9), ("val/loss", 1, 0.7), ("train/loss", 1, 0.5)]
    assert log[0]["timestamp"] <= log[1]["timestamp"] and log[0]["timestamp"] > 1.6e9
