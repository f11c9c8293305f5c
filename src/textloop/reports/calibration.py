"""The calibration figure and band table of the evaluation report.

Both are drawn from the JSON the evaluate stage wrote (``metrics["calibration"]`` and
``metrics["bands"]``), so the page and ``metrics.json`` always show the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.reports.figures import BLUE, GREY, Plot, new_figure, report_style, to_svg

_BEFORE = "#f59e0b"


def calibration_view(section: dict[str, Any] | None) -> dict[str, Any] | None:
    """ECE numbers and the reliability diagram(s) for the template; None when absent."""
    if not section:
        return None
    panels = [("Top label", "confidence (probability of the predicted label)",
               section["before"]["reliability"], section["after"]["reliability"])]
    if "positive_reliability" in section["after"]:
        positive = section.get("positive", "the positive class")
        panels.append((f"Positive class: {positive}", f"predicted probability of {positive}",
                       section["before"]["positive_reliability"],
                       section["after"]["positive_reliability"]))
    return {**section, "plots": [reliability_plot(panels, section.get("method"))]}


def reliability_plot(panels: list[tuple[str, str, list[dict[str, float]],
                                         list[dict[str, float]]]],
                     method: str | None) -> Plot:
    """One reliability diagram per panel: model before (orange) and after (blue) calibration."""
    with report_style():
        fig = new_figure(5.0 * len(panels), 4.0)
        axes = np.atleast_1d(fig.subplots(1, len(panels)))
        for ax, (title, xlabel, before, after) in zip(axes, panels, strict=True):
            ax.plot([0, 1], [0, 1], color=GREY, linestyle=":", linewidth=1,
                    label="perfectly calibrated")
            _points(ax, before, _BEFORE, "before calibration")
            if method is not None:
                _points(ax, after, BLUE, "after calibration")
            ax.set_xlim(0, 1.02)
            ax.set_ylim(0, 1.02)
            ax.set_xlabel(xlabel)
            ax.set_ylabel("observed frequency in bin")
            ax.set_title(title)
            ax.legend(loc="upper left")
        return Plot("Reliability diagram", to_svg(fig, "reliability"),
                    "Each dot is a confidence bin (area = rows): its mean predicted probability "
                    "against how often the prediction was right. Dots on the diagonal mean "
                    "a 0.8 can be read as 8 in 10; dots below it mean over-confidence.",
                    wide=len(panels) > 1)


def _points(ax: Any, table: list[dict[str, float]], colour: str, name: str) -> None:
    if not table:
        return
    x = [row["confidence"] for row in table]
    y = [row["accuracy"] for row in table]
    rows = np.array([row["rows"] for row in table], dtype=float)
    ax.plot(x, y, color=colour, linewidth=1.2)
    ax.scatter(x, y, s=12 + 120 * np.sqrt(rows / rows.max()), color=colour, label=name,
               zorder=3)
