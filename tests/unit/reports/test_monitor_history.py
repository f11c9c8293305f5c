"""Charts of monitoring over time: what each draws, and None when there is nothing to draw."""

from __future__ import annotations

from textloop.reports.monitor_history import (
    _duration,
    drift_plot,
    history_plots,
    performance_plot,
    traffic_plot,
)
from textloop.stages.monitor.history import (
    CheckPoint,
    CheckSeries,
    MonitorHistory,
    PerformancePoint,
    Traffic,
    TrafficBucket,
)

DAY = 86_400.0
START = 1_700_000_000.0


def point(day: int, score: float | None, status: str = "ok") -> CheckPoint:
    return CheckPoint(f"m{day + 1}", START + day * DAY, status, score,
                      None if score is None else 0.2, None)


def performance(day: int, realized: float | None = None) -> PerformancePoint:
    return PerformancePoint(f"m{day + 1}", START + day * DAY, "ok", 0.9 - day / 100, 0.01,
                            0.85, realized, None if realized is None else realized - 0.1,
                            0 if realized is None else 40, 0.93)


def test_drift_draws_one_panel_per_check_with_a_score() -> None:
    series = [CheckSeries("oov", [point(0, 0.1), point(1, 0.3, "drift")]),
              CheckSeries("mmd", [point(0, None, "not enough data")]),
              CheckSeries("label_<psi>", [point(0, 0.05), point(1, 0.04)])]
    plot = drift_plot(series)
    assert plot is not None and plot.wide
    assert "oov" in plot.svg and "label_&lt;psi&gt;" in plot.svg  # matplotlib escapes text
    assert "mmd" not in plot.svg  # never scored: no empty panel
    assert "drift" in plot.svg and "threshold" in plot.svg
    assert drift_plot(series[1:2]) is None and drift_plot([]) is None


def test_performance_marks_realized_accuracy_only_where_feedback_came() -> None:
    with_feedback = performance_plot([performance(0), performance(1, realized=0.7)])
    assert with_feedback is not None
    # the estimate under the name and interval the report and the page use
    assert "Estimated accuracy (CBPE) ± 2 SE" in with_feedback.svg
    assert "reference accuracy" in with_feedback.svg
    assert "realized accuracy (feedback)" in with_feedback.svg
    without = performance_plot([performance(0), performance(1)])
    assert without is not None and "realized accuracy" not in without.svg
    empty = PerformancePoint("m1", START, "not enough data", None, None, None, None, None, 0,
                             None)
    assert performance_plot([empty]) is None


def test_traffic_draws_volume_and_three_percentiles() -> None:
    traffic = Traffic(3_600.0, [TrafficBucket(START, 120, 100, (4.0, 9.0, 20.0)),
                                TrafficBucket(START + 3_600, 0, 0, None),
                                TrafficBucket(START + 7_200, 30, 30, (5.0, 8.0, 9.0))])
    plot = traffic_plot(traffic)
    assert plot is not None and "predictions per hour" in plot.svg
    assert all(name in plot.svg for name in ("p50", "p95", "p99", "latency (ms)"))
    assert traffic_plot(Traffic(60.0, [])) is None


def test_history_plots_leave_out_what_has_no_data() -> None:
    history = MonitorHistory(None, Traffic(60.0, []), "full")
    assert history_plots(history) == {}
    history.performance = [performance(0)]
    assert list(history_plots(history)) == ["performance"]


def test_durations_read_as_words() -> None:
    assert [_duration(s) for s in (60.0, 300.0, 3_600.0, 10_800.0, DAY, 7 * DAY, 90.0)] == [
        "1 min", "5 min", "hour", "3 hours", "day", "7 days", "90 s"]
