"""learning_curves.png: median macro-F1 (entity micro-F1 for span files) per strategy with
its spread over seeds.

Same house style as the reports (``reports/figures.py``): no pyplot, settings scoped to the
figure. The dashed lines are the 95% and 98% levels of the full-data macro-F1 that the
savings table counts labels to; the dotted line is the full-data score itself. A short
vertical tick in a strategy's colour marks where its curve plateaued (stays within 2% of the
full-data score from there on), so an early flat curve is seen, not only read in the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

from textloop.reports.figures import GREY, new_figure, report_style
from textloop.stages.simulate.loop import Curve
from textloop.stages.simulate.savings import BASELINE, LEVELS

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h")
_PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04",
            "#db2777", "#4b5563")


def write_figure(path: Path, curves: dict[str, list[Curve]], reference_f1: float,
                 title: str, metric: str = "macro-F1",
                 plateaus: Mapping[str, int | None] | None = None) -> Path:
    """Draw every strategy's curves on one panel and save them as PNG at ``path``;
    ``plateaus``: labels from which each strategy's curve stayed on its plateau."""
    with report_style():
        fig = new_figure(7.0, 4.4)
        ax = fig.subplots()
        draw_curves(ax, curves, reference_f1, plateaus or {})
        ax.set_xlabel("labels")
        ax.set_ylabel(f"{metric} on the test set")
        ax.set_title(f"{title} (median, band: 25th-75th percentile)", fontsize=9)
        ax.legend(loc="lower right", ncols=2)
        fig.savefig(path, format="png", dpi=150)
    return path


def draw_curves(ax: Axes, curves: dict[str, list[Curve]], reference_f1: float,
                plateaus: Mapping[str, int | None]) -> None:
    """Every strategy's median curve and band, its plateau tick, and the reference levels."""
    others = [name for name in curves if name != BASELINE]
    for name, runs in curves.items():
        i = others.index(name) if name in others else -1
        colour = GREY if i < 0 else _PALETTE[i % len(_PALETTE)]
        width = 1.3 if i < 0 else max(1.2, 3.0 - 0.35 * i)
        marker = None if i < 0 else _MARKERS[i % len(_MARKERS)]
        _draw_strategy(ax, name, runs, colour, width, marker)
        flat = plateaus.get(name)
        if flat is not None:
            ax.axvline(flat, ymin=0.0, ymax=0.08, color=colour, linewidth=2.0,
                       label=f"{name} flat from {flat:,}")
    _draw_levels(ax, reference_f1)


def _draw_strategy(ax: Axes, name: str, runs: list[Curve], colour: str, width: float,
                   marker: str | None) -> None:
    """Median line and interquartile band over the seeds (points aligned by position)."""
    length = min(len(c.points) for c in runs)
    labels = np.array([p.labels for p in runs[0].points[:length]])
    f1 = np.array([[p.score for p in c.points[:length]] for c in runs])
    low, mid, high = np.percentile(f1, [25, 50, 75], axis=0)
    ax.plot(labels, mid, color=colour, linewidth=width,
            linestyle="--" if name == BASELINE else "-", label=name, marker=marker,
            markersize=width + 2.0, markevery=max(1, labels.shape[0] // 12))
    if len(runs) > 1:
        ax.fill_between(labels, low, high, color=colour, alpha=0.15, linewidth=0)


def _draw_levels(ax: Axes, reference_f1: float) -> None:
    ax.axhline(reference_f1, color="black", linestyle=":", linewidth=1,
               label=f"full data ({reference_f1:.3f})")
    for level in LEVELS:
        ax.axhline(level * reference_f1, color=GREY, linestyle="--", linewidth=0.8)
        ax.annotate(f"{level:.0%}", (0.0, level * reference_f1), xycoords=("axes fraction",
                                                                            "data"),
                    xytext=(2, 2), textcoords="offset points", fontsize=7, color="#4b5563")
