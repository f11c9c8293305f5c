"""Figures of a regression evaluation: predicted against true, and where the errors fall."""

from __future__ import annotations

import numpy as np

from textloop.reports.figures import BLUE, GREY, RED, Plot, new_figure, report_style, to_svg

DENSE = 3000  # above this many rows the scatter becomes a hexbin density


def predicted_vs_true_plot(truth: np.ndarray, pred: np.ndarray) -> Plot:
    """Each row as a point (a density when there are many); the diagonal is a perfect model."""
    low, high = float(min(truth.min(), pred.min())), float(max(truth.max(), pred.max()))
    with report_style():
        fig = new_figure(4.6, 4.2)
        ax = fig.add_subplot()
        if len(truth) > DENSE:
            ax.hexbin(truth, pred, gridsize=40, cmap="Blues", mincnt=1)
        else:
            ax.scatter(truth, pred, s=8, alpha=0.5, color=BLUE, linewidths=0)
        ax.plot([low, high], [low, high], color=GREY, linestyle="--", linewidth=1)
        ax.set_xlabel("true value")
        ax.set_ylabel("predicted value")
        svg = to_svg(fig, "predicted-vs-true")
    return Plot("Predicted against true", svg, "Points on the dashed line are exact; points "
                "above it are over-estimates.")


def residual_plot(truth: np.ndarray, pred: np.ndarray) -> Plot:
    """How errors are spread: a centred narrow peak is good, a shifted one is a bias."""
    error = pred - truth
    with report_style():
        fig = new_figure(4.6, 3.2)
        ax = fig.add_subplot()
        ax.hist(error, bins=40, color=BLUE)
        ax.axvline(0.0, color=GREY, linestyle="--", linewidth=1)
        ax.axvline(float(error.mean()), color=RED, linewidth=1,
                   label=f"mean error {error.mean():+.3g}")
        ax.set_xlabel("predicted − true")
        ax.set_ylabel("rows")
        ax.legend()
        svg = to_svg(fig, "residuals")
    return Plot("Errors", svg, "A peak right of zero means the model over-estimates.")


def error_by_range_plot(bins: list[dict[str, float]]) -> Plot:
    """Mean absolute error per range of the true value: where on the scale the model fails."""
    with report_style():
        fig = new_figure(4.6, 3.2)
        ax = fig.add_subplot()
        names = [b["range"] for b in bins]
        ax.bar(np.arange(len(bins)), [b["mae"] for b in bins], color=BLUE)
        ax.set_xticks(np.arange(len(bins)), [str(name) for name in names], rotation=20, ha="right")
        ax.set_xlabel("true value")
        ax.set_ylabel("mean absolute error")
        svg = to_svg(fig, "error-by-range")
    return Plot("Error by range of the true value", svg, "Models often fail at the extremes, "
                "where training rows are rarest.")
