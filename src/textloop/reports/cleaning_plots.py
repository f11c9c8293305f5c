"""Charts of the cleaning report: error rate per class, label quality, outlier distances."""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.reports.figures import (
    BLUE,
    GREY,
    RED,
    Plot,
    log_counts,
    new_figure,
    report_style,
    short_label,
)
from textloop.reports.figures import to_svg as _to_svg

BINS = 30


def error_rate_plot(per_class: dict[str, dict[str, Any]]) -> Plot | None:
    """Estimated label error rate per class, highest on top."""
    rows = sorted(((v["rate"], label, v["flagged"], v["n"]) for label, v in per_class.items()),
                  reverse=True)
    if not rows:
        return None
    k = len(rows)
    with report_style():
        fig = new_figure(8.0, max(1.8, (0.3 if k <= 20 else 0.17) * k + 1.0))
        ax = fig.add_subplot()
        positions = np.arange(k)
        ax.barh(positions, [r[0] for r in rows], color=RED, height=0.7)
        ax.set_yticks(positions, [short_label(r[1], 40) for r in rows],
                      fontsize=8 if k <= 20 else 6.5)
        top = max(max(r[0] for r in rows) * 1.25, 0.05)
        for y, (rate, _, flagged, n) in zip(positions, rows, strict=True):
            ax.text(rate + top * 0.01, float(y), f"{rate:.1%} ({flagged:,} of {n:,})",
                    va="center", fontsize=7.5, color="#4b5563")
        ax.set_xlim(0, top * 1.3)
        ax.set_ylim(k - 0.5, -0.5)
        ax.set_xlabel("share of the class's records flagged")
        ax.tick_params(axis="y", length=0)
        return Plot("Estimated label error rate", _to_svg(fig, "error-rate"),
                    "Records flagged as label issues, as a share of the records carrying each "
                    "label.")


def quality_plot(quality: list[float], flagged: np.ndarray) -> Plot | None:
    """Label quality scores of flagged and other records."""
    if not quality:
        return None
    scores = np.asarray(quality)
    bins = np.linspace(0.0, 1.0, BINS + 1).tolist()
    with report_style():
        fig = new_figure(6.0, 3.4)
        ax = fig.add_subplot()
        for mask, colour, name in ((~flagged, BLUE, "not flagged"), (flagged, RED, "flagged")):
            if mask.any():
                ax.hist(scores[mask], bins=bins, color=colour, alpha=0.6,
                        label=f"{name} ({int(mask.sum()):,})")
        log_counts(ax)
        ax.set_xlabel("label quality (lower: more likely mislabeled)")
        ax.set_ylabel("records")
        ax.legend(loc="upper left")
        return Plot("Label quality", _to_svg(fig, "quality"),
                    "How likely each given label is right, from the out-of-fold probabilities.")


def distance_plot(distance: list[float], cutoff: float | None) -> Plot | None:
    """Mean distance to the nearest neighbours, with the outlier cut-off."""
    if not distance:
        return None
    values = np.asarray(distance)
    with report_style():
        fig = new_figure(6.0, 3.4)
        ax = fig.add_subplot()
        ax.hist(values, bins=BINS, color=GREY)
        if cutoff is not None and np.isfinite(cutoff):
            ax.axvline(cutoff, color=RED, linestyle="--", linewidth=1,
                       label=f"outlier cut-off {cutoff:.3f}")
            ax.legend(loc="upper right")
        log_counts(ax)
        ax.set_xlabel("mean cosine distance to the nearest neighbours")
        ax.set_ylabel("records")
        return Plot("Outlier distance", _to_svg(fig, "distance"),
                    "Records right of the line are flagged as outliers.")
