"""Timing helpers: what is called, how often, and the shape of the answer (never how fast)."""

from __future__ import annotations

from textloop.measures.latency import batch_throughput, single_text_latency


def test_single_text_latency_warms_up_then_times_each_text_alone() -> None:
    calls: list[list[str]] = []
    measured = single_text_latency(calls.append, ["a", "b", "c"])
    assert calls == [["a"], ["a"], ["b"], ["c"]]
    assert measured["n"] == 3 and 0.0 <= measured["p50_ms"] <= measured["p95_ms"]


def test_no_texts_time_nothing() -> None:
    calls: list[list[str]] = []
    assert single_text_latency(calls.append, []) == {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0}
    assert batch_throughput(calls.append, []) == 0.0 and calls == []


def test_batch_throughput_times_the_whole_list_each_repeat() -> None:
    calls: list[list[str]] = []
    rate = batch_throughput(calls.append, ["a", "b"], repeats=2)
    assert calls == [["a"], ["a", "b"], ["a", "b"]] and rate > 0
