"""Learning curves of a monitored run: loss and validation metrics per epoch.

Two panels share the epoch axis: losses on the left (where over- and underfitting show),
accuracy and macro-F1 on the right. The epoch whose weights were kept is marked on both, so
the verdict sentence above the figure can be checked by eye. Non-finite losses (a diverging
run) are left out of the line instead of breaking the plot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from textloop.reports.figures import BLUE, GREEN, GREY, RED, Plot, new_figure, report_style, to_svg

LOSSES = (("train/loss", BLUE, "-"), ("val/loss", RED, "-"))
METRICS = (("val/macro_f1", RED, "-"), ("val/accuracy", RED, ":"),
           ("train/macro_f1", BLUE, "-"), ("train/accuracy", BLUE, ":"),
           ("val/r2", RED, "-"), ("train/r2", BLUE, "-"))  # r2: regression runs


def learning_curve_plot(history: Sequence[dict[str, Any]], kept_epoch: int | None) -> Plot | None:
    """The two-panel figure, or None when there is no epoch to draw."""
    if not history:
        return None
    epochs = [int(row["epoch"]) for row in history]
    with report_style():
        fig = new_figure(10.0, 3.6)
        loss_ax, metric_ax = fig.subplots(1, 2)
        _lines(loss_ax, history, epochs, LOSSES, "loss")
        _lines(metric_ax, history, epochs, METRICS, "score")
        metric_ax.set_ylim(min(0.0, _lowest(history)), 1.02)
        for ax in (loss_ax, metric_ax):
            if kept_epoch is not None:
                ax.axvline(kept_epoch, color=GREEN, linestyle="--", linewidth=1,
                           label=f"kept epoch {kept_epoch}")
            ax.set_xlabel("epoch")
            ax.legend(loc="best")
        loss_ax.set_title("Loss")
        metric_ax.set_title("Metrics")
        caption = ("Loss and scores after each epoch; the dashed green line marks the epoch "
                   "whose weights the model kept.")
        return Plot("Learning curves", to_svg(fig, "learning-curves"), caption, wide=True)


def _lines(ax: Any, history: Sequence[dict[str, Any]], epochs: list[int],
           series: tuple[tuple[str, str, str], ...], ylabel: str) -> None:
    for key, colour, style in series:
        points = [(e, float(row[key])) for e, row in zip(epochs, history, strict=True)
                  if _finite(row.get(key))]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, color=colour, linestyle=style, linewidth=1.4,
                    marker="o" if len(points) < 30 else None, markersize=3, label=key)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color=GREY, linewidth=0.3)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _lowest(history: Sequence[dict[str, Any]]) -> float:
    """The lowest plotted score (an R² can go below 0), floored at -1 to keep the scale."""
    values = [float(row[key]) for row in history for key, _, _ in METRICS
              if _finite(row.get(key))]
    return max(-1.0, min(values, default=0.0))


def training_view(training: dict[str, Any] | None) -> dict[str, Any] | None:
    """The verdict and the learning-curve figure of a monitored run (None for other models)."""
    if not training or not training.get("history"):
        return None
    kept = training.get("restored_epoch")
    plot = learning_curve_plot(training["history"], kept)
    return {"verdict": training.get("verdict", {}), "plot": [plot] if plot else [],
            "epochs_run": training.get("epochs_run"), "kept_epoch": kept,
            "monitor": training.get("monitor"), "stopped_early": training.get("stopped_early")}
