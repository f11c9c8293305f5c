"""Charts of monitoring over time: drift checks, performance, and traffic (volume, latency).

The x axis is the time of each monitor run (or of each bucket of the prediction log), in
UTC. A run where a check had not enough data leaves a gap in its line rather than a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from textloop.reports.figures import (
    BLUE,
    GREEN,
    GREY,
    RED,
    Plot,
    log_counts,
    new_figure,
    report_style,
    to_svg,
)
from textloop.reports.monitoring import ESTIMATE_NAME, ESTIMATE_SPREAD

if TYPE_CHECKING:
    from textloop.reports.monitor_data import (
        CheckSeries,
        MonitorHistory,
        PerformancePoint,
        Traffic,
    )

COLUMNS = 3
_ORANGE = "#f59e0b"


def history_plots(history: MonitorHistory) -> dict[str, Plot]:
    """The charts there is data for, by name: ``drift``, ``performance``, ``traffic``."""
    plots = {"drift": drift_plot(history.drift), "performance":
             performance_plot(history.performance), "traffic": traffic_plot(history.traffic)}
    return {name: plot for name, plot in plots.items() if plot is not None}


def drift_plot(series: Sequence[CheckSeries]) -> Plot | None:
    """One small panel per check: its score and calibrated threshold at each run, drifted
    runs in red."""
    drawn = [s for s in series if any(p.score is not None for p in s.points)]
    if not drawn:
        return None
    rows = math.ceil(len(drawn) / COLUMNS)
    with report_style():
        fig = new_figure(10.0, 2.0 * rows + 0.4)
        axes = fig.subplots(rows, COLUMNS, squeeze=False).ravel()
        for ax, check in zip(axes, drawn, strict=False):
            points = [p for p in check.points if p.score is not None]
            at = _times(p.at for p in points)
            ax.plot(at, [p.score for p in points], color=BLUE, linewidth=1.2, marker="o",
                    markersize=3, label="score")
            ax.plot(at, [_nan(p.threshold) for p in points],
                    color=GREY, linestyle="--", linewidth=1, label="threshold")
            drifted = [(t, p.score) for t, p in zip(at, points, strict=True)
                       if p.status == "drift"]
            if drifted:
                ax.scatter(*zip(*drifted, strict=True), color=RED, s=18, zorder=3,
                           label="drift")
            ax.set_title(check.name)
            _time_axis(ax, at, label=False)
        for ax in axes[len(drawn):]:
            ax.set_visible(False)
        axes[0].legend(loc="best")
        return Plot("Drift checks over time", to_svg(fig, "drift-history"),
                    "Each check's score at each monitor run against its calibrated threshold "
                    "(dashed); red points are runs where the check drifted. Times in UTC.",
                    wide=True)


def performance_plot(points: Sequence[PerformancePoint]) -> Plot | None:
    """Estimated accuracy (with two standard errors) and macro F1 per run, realized accuracy
    where feedback came back, and the reference's accuracy."""
    estimated = [p for p in points if p.estimated is not None]
    if not estimated:
        return None
    with report_style():
        fig = new_figure(10.0, 3.4)
        ax: Any = fig.add_subplot()  # date x values: matplotlib's stubs expect numbers
        at = _times(p.at for p in estimated)
        accuracy = [float(p.estimated or 0.0) for p in estimated]
        spread = [ESTIMATE_SPREAD * float(p.estimated_se or 0.0) for p in estimated]
        ax.fill_between(at, [a - s for a, s in zip(accuracy, spread, strict=True)],
                        [a + s for a, s in zip(accuracy, spread, strict=True)], color=BLUE,
                        alpha=0.15, linewidth=0)
        ax.plot(at, accuracy, color=BLUE, marker="o", markersize=3,
                label=f"{ESTIMATE_NAME} ± {ESTIMATE_SPREAD} SE")
        ax.plot(at, [_nan(p.estimated_macro_f1) for p in estimated], color=BLUE,
                linestyle=":", label="estimated macro F1")
        ax.plot(at, [_nan(p.reference) for p in estimated], color=GREY, linestyle="--",
                label="reference accuracy")
        realized = [p for p in points if p.realized is not None]
        if realized:
            ax.plot(_times(p.at for p in realized), [_nan(p.realized) for p in realized],
                    color=GREEN, marker="s", markersize=4, label="realized accuracy (feedback)")
        ax.set_ylim(min(0.0, min(a - s for a, s in zip(accuracy, spread, strict=True))), 1.02)
        ax.set_ylabel("score")
        ax.grid(axis="y", color=GREY, linewidth=0.3)
        _time_axis(ax, at)
        ax.legend(loc="lower left")
        return Plot("Performance over time", to_svg(fig, "performance-history"),
                    "Estimated from calibrated probabilities (CBPE) at each monitor run; "
                    "realized where feedback labels came back.", wide=True)


def traffic_plot(traffic: Traffic) -> Plot | None:
    """Predictions per bucket (top) and request latency percentiles (bottom)."""
    if not traffic.buckets:
        return None
    width = timedelta(seconds=traffic.width)
    starts = _times(b.start for b in traffic.buckets)
    with report_style():
        fig = new_figure(10.0, 4.6)
        volume_ax, latency_ax = fig.subplots(2, 1, sharex=True)
        volume_ax.bar(starts, [b.predictions for b in traffic.buckets], width=width,
                      align="edge", color=BLUE)
        volume_ax.set_ylabel(f"predictions per {_duration(traffic.width)}")
        for i, (name, colour) in enumerate((("p50", BLUE), ("p95", _ORANGE), ("p99", RED))):
            latency_ax.plot([s + width / 2 for s in starts],
                            [math.nan if b.latency is None else b.latency[i]
                             for b in traffic.buckets], color=colour, marker="o",
                            markersize=2.5, label=name)
        latency_ax.set_ylabel("latency (ms)")
        latency_ax.grid(axis="y", color=GREY, linewidth=0.3)
        counts = [b.predictions for b in traffic.buckets if b.predictions]
        if max(counts) > 100 * min(counts):
            log_counts(volume_ax)
        _time_axis(latency_ax, starts)
        latency_ax.legend(loc="upper left")
        return Plot("Traffic", to_svg(fig, "traffic"),
                    f"Logged predictions per {_duration(traffic.width)} and the latency "
                    "percentiles of the requests in each (a batch request counts once).",
                    wide=True)


def _times(seconds: Any) -> list[datetime]:
    return [datetime.fromtimestamp(s, tz=UTC) for s in seconds]


def _time_axis(ax: Any, at: Sequence[datetime], label: bool = True) -> None:
    """Dates as short as they can be, in UTC; a single time gets an hour either side (the
    default would be two years)."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    # minticks 2: with the default 5, some spans would need more than 6 ticks
    locator = AutoDateLocator(tz=UTC, minticks=2, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=UTC))
    if at and min(at) == max(at):
        ax.set_xlim(at[0] - timedelta(hours=1), at[0] + timedelta(hours=1))
    if label:
        ax.set_xlabel("time (UTC)")


def _duration(seconds: float) -> str:
    """``3600`` -> ``hour``, ``10800`` -> ``3 hours``, ``900`` -> ``15 min``."""
    for unit, size in (("day", 86_400), ("hour", 3_600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            if unit == "min":
                return f"{count} min"
            return unit if count == 1 else f"{count} {unit}s"
    return f"{seconds:g} s"


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)
