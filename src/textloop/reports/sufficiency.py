"""The data-sufficiency figure: measured points, the fitted curve, the goal and 2× the labels.

The x axis is logarithmic because a power-law curve gains about as much from each doubling
of the labels, which a log axis shows as evenly spaced steps. The figure is written twice:
SVG for reports and browsers, PNG for chat, issues and slides. It takes plain numbers (the
stage computes the curve), so it does not depend on how the curve was fitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib import rc_context

from textloop.reports.figures import BLUE, GREEN, GREY, RED, STYLE, new_figure, report_style, to_svg


@dataclass(frozen=True)
class SufficiencyFigure:
    title: str
    metric: str
    target: float
    current: int
    """Labels now (the train split): a vertical line."""
    points: Sequence[tuple[int, float, float]]
    """Measured (labels, mean, std)."""
    curve: Sequence[tuple[float, float]] = ()
    """The fitted curve as (labels, score), drawn dashed; empty when none was fitted."""
    at_double: float | None = None
    needed: int | None = None
    """Labels where the curve crosses the goal, marked when beyond the labels now."""


def write_sufficiency_figure(folder: Path, figure: SufficiencyFigure) -> tuple[Path, Path]:
    """``learning-curve.svg`` and ``learning-curve.png`` in ``folder``."""
    with report_style():
        fig = new_figure(6.4, 4.0)
        ax = fig.subplots()
        _draw(ax, figure)
        ax.set_title(figure.title)
        svg = folder / "learning-curve.svg"
        svg.write_text(to_svg(fig, "learning-curve") + "\n", encoding="utf-8")
        png = folder / "learning-curve.png"
        with rc_context({**STYLE, "savefig.dpi": 150}):
            fig.savefig(png, format="png", metadata={"Software": None})
    return svg, png


def _draw(ax: Any, f: SufficiencyFigure) -> None:
    xs = [n for n, _, _ in f.points]
    ax.errorbar(xs, [m for _, m, _ in f.points], yerr=[s for _, _, s in f.points], fmt="o",
                color=BLUE, ecolor=BLUE, capsize=3, markersize=4, label="measured (mean ± std)")
    if f.curve:
        ax.plot([n for n, _ in f.curve], [s for _, s in f.curve], color=BLUE, linestyle="--",
                linewidth=1.2, label="fitted a − b·n^(−c)")
    ax.axhline(f.target, color=GREEN, linestyle=":", linewidth=1.2,
               label=f"goal {f.metric} ≥ {f.target:g}")
    ax.axvline(f.current, color=GREY, linewidth=0.8, label=f"labels now ({f.current:,})")
    if f.at_double is not None:
        ax.plot([2 * f.current], [f.at_double], marker="D", color=RED, linestyle="none",
                label=f"2× labels: {f.at_double:.3f}")
    if f.needed is not None and f.needed > f.current:
        ax.plot([f.needed], [f.target], marker="o", color=GREEN, linestyle="none",
                label=f"goal at about {f.needed:,} labels")
    right = max([2 * f.current, *[n for n, _ in f.curve]]) * 1.1
    _log_labels(ax)
    ax.set_xlim(min(xs) * 0.8, right)
    ax.set_xlabel("training labels")
    ax.set_ylabel(f.metric)
    ax.grid(axis="y", color=GREY, linewidth=0.3)
    ax.legend(loc="lower right")


def _log_labels(ax: Any) -> None:
    """A log x axis ticked in plain numbers (matplotlib's log ticks are TeX strings)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
