"""Per-class F1 bars and confidence plots: the charts people look at instead of tables."""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.reports.figures import (
    BLUE,
    GREEN,
    GREY,
    RED,
    Plot,
    new_figure,
    report_style,
    short_label,
    to_svg,
)

CONFIDENCE_BINS = 20
_ORANGE = "#f59e0b"


def f1_plot(per_class: dict[str, Any], macro_f1: float) -> Plot | None:
    """Horizontal F1 bars, worst class on top; classes below the macro average stand out."""
    rows = sorted(((v["f1"], label) for label, v in per_class.items() if v["f1"] is not None))
    if not rows:
        return None
    k = len(rows)
    values = np.array([f1 for f1, _ in rows])
    size = 8 if k <= 20 else 7 if k <= 45 else 6.5
    with report_style():
        fig = new_figure(8.0, max(1.8, (0.3 if k <= 20 else 0.17) * k + 1.0))
        ax = fig.add_subplot()
        positions = np.arange(k)
        colours = [_ORANGE if value < macro_f1 else BLUE for value in values]
        ax.barh(positions, values, color=colours, height=0.75)
        ax.axvline(macro_f1, color="#111827", linestyle="--", linewidth=1,
                   label=f"macro F1 {macro_f1:.3f}")
        ax.set_yticks(positions, [short_label(label, 40) for _, label in rows], fontsize=size)
        for y, value in zip(positions, values, strict=True):
            ax.text(1.03, float(y), f"{value:.2f}", va="center", fontsize=size, color="#4b5563")
        ax.set_ylim(k - 0.5, -0.5)
        ax.set_xlim(0, 1.0)
        ax.set_xlabel("F1")
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), borderaxespad=0.3)
        return Plot("F1 per class", to_svg(fig, "f1"),
                    "Worst class first; orange bars are below the macro average.")


def confidence_plot(y_idx: np.ndarray, probs: np.ndarray) -> Plot:
    """How sure the model is when right vs wrong, and whether its confidence is calibrated."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y_idx
    bins = np.linspace(0.0, 1.0, CONFIDENCE_BINS + 1)
    with report_style():
        fig = new_figure(10.0, 3.8)
        hist_ax, calib_ax = fig.subplots(1, 2)
        for mask, colour, name in ((correct, GREEN, "correct"), (~correct, RED, "wrong")):
            if mask.any():
                share = np.full(int(mask.sum()), 1.0 / mask.sum())
                hist_ax.hist(confidence[mask], bins=bins, weights=share, color=colour,
                             histtype="stepfilled", alpha=0.35)
                hist_ax.hist(confidence[mask], bins=bins, weights=share, color=colour,
                             histtype="step", linewidth=1.5,
                             label=f"{name} ({int(mask.sum()):,} rows)")
        hist_ax.set_xlabel("confidence (probability of the predicted label)")
        hist_ax.set_ylabel("share of the group's rows")
        hist_ax.set_title("Confidence")
        hist_ax.legend(loc="upper left")
        _reliability(calib_ax, confidence, correct, bins)
        return Plot("Confidence", to_svg(fig, "confidence"),
                    "Left: how confidence spreads for right and for wrong predictions (each "
                    "group sums to 1). Right: accuracy per confidence bin; points on the "
                    "diagonal mean the probabilities can be taken at face value.", wide=True)


def _reliability(ax: Any, confidence: np.ndarray, correct: np.ndarray, bins: np.ndarray) -> None:
    which = np.clip(np.digitize(confidence, bins) - 1, 0, len(bins) - 2)
    filled = [b for b in range(len(bins) - 1) if np.any(which == b)]
    mean_conf = [float(confidence[which == b].mean()) for b in filled]
    accuracy = [float(correct[which == b].mean()) for b in filled]
    sizes = [float(np.sum(which == b)) for b in filled]
    ax.plot([0, 1], [0, 1], color=GREY, linestyle=":", linewidth=1, label="perfectly calibrated")
    ax.plot(mean_conf, accuracy, color=BLUE, linewidth=1.2)
    ax.scatter(mean_conf, accuracy, s=12 + 120 * np.sqrt(np.array(sizes) / max(sizes)),
               color=BLUE, label="model (dot area = rows)", zorder=3)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("mean confidence in bin")
    ax.set_ylabel("accuracy in bin")
    ax.set_title("Calibration")
    ax.legend(loc="upper left")
