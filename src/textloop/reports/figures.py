"""Matplotlib figures as inline SVG, without pyplot and without touching global state.

Figures are built from ``matplotlib.figure.Figure`` (no pyplot, so no GUI backend and no
figure registry leaks into the host process). Style settings apply only inside
``report_style()``. Text stays text in the SVG (``svg.fonttype = none``): files are small
and searchable, and matplotlib escapes it. Math parsing is off, because labels such as
``fee_$5`` are user text, not TeX.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure

STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "legend.fontsize": 8,
}
BLUE = "#2563eb"
RED = "#dc2626"
GREEN = "#16a34a"
GREY = "#9ca3af"
ELLIPSIS = "…"


def log_counts(ax: Any) -> None:
    """A log y axis for counts, ticked 1, 10, 100, 1,000 in plain text.

    Matplotlib's log ticks are TeX strings; with math parsing off (user text is not TeX)
    they would show as ``$\\mathdefault{10^{3}}$``.
    """
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


@dataclass(frozen=True)
class Plot:
    """One figure of a report: heading, SVG markup, caption, and whether it needs a full row.

    ``svg`` is trusted markup (matplotlib escapes the text it draws); the template inlines it
    unescaped, and every other field is escaped.
    """

    title: str
    svg: str
    caption: str = ""
    wide: bool = False


@contextmanager
def report_style() -> Iterator[None]:
    """The report's matplotlib settings, restored on exit."""
    with rc_context(STYLE):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure with constrained layout, so long tick labels are never cut off."""
    return Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element ready to inline in HTML.

    The id salt is per figure name, so ids are stable between runs and never collide
    between the several SVGs of one page.
    """
    buffer = io.StringIO()
    settings: dict[Any, Any] = {**STYLE, "svg.hashsalt": f"textloop-{name}",
                                "svg.id": f"plot-{name}"}
    with rc_context(settings):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def short_label(label: str, width: int = 28) -> str:
    """A label cut to ``width`` characters so axes stay readable."""
    return label if len(label) <= width else label[: width - 1] + ELLIPSIS
