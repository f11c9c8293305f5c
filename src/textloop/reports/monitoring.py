"""The monitoring report: ``report.html`` (self-contained) and ``monitor.json`` per run.

The page shows the verdict, the table of checks (overall and per slice), performance with
its assumptions, each alert with its driving production rows and their nearest training
examples, and two charts. A span project's report adds its span sections: span rates per
type (reference against production), presence and confidence, the span length histogram,
the new entity strings with highlighted examples, and realized entity F1 from feedback.
Production texts are untrusted input: every string goes through the template engine's
escaping, and highlighting only cuts a text into escaped pieces.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from textloop.artifacts import write_text_atomic
from textloop.reports.figures import BLUE, GREY, Plot, new_figure, report_style, short_label, to_svg
from textloop.reports.monitor_data import ALL
from textloop.reports.templating import number, render

REPORT_FILE = "report.html"
JSON_FILE = "monitor.json"
SHOWN_CATEGORIES = 15
ESTIMATE_NAME = "Estimated accuracy (CBPE)"
ESTIMATE_SPREAD = 2
"""The estimate is shown with this many standard errors either side (about 95%)."""


class MonitorReportData(Protocol):
    """What the report reads of a monitor run (``stages.monitor.MonitorResult`` has it):
    the report depends on this shape, not on the stage, so the stage can import the report
    without an import cycle."""

    @property
    def report_id(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class EstimateView:
    """The label-free performance estimate, as the report, the web page and the chart show
    it: one name, one number format, one interval, so the two never disagree."""

    value: float
    standard_error: float | None
    name: str = ESTIMATE_NAME

    @property
    def margin(self) -> float | None:
        return None if self.standard_error is None else ESTIMATE_SPREAD * self.standard_error

    @property
    def text(self) -> str:
        """``0.912 ± 0.018``."""
        shown = number(self.value)
        return shown if self.margin is None else f"{shown} ± {number(self.margin)}"

    interval: str = (f"± {ESTIMATE_SPREAD} standard errors (about 95%), from the calibrated "
                     "probabilities: no labels needed")


def estimate_view(accuracy: float | None, standard_error: float | None) -> EstimateView | None:
    """The estimate to show, or None when the performance check made none."""
    return None if accuracy is None else EstimateView(accuracy, standard_error)


def write_monitor_report(folder: Path, result: MonitorReportData) -> tuple[Path, Path]:
    """Write both files into ``folder``; returns (html, json) paths."""
    folder.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    json_path = folder / JSON_FILE
    write_text_atomic(json_path, json.dumps(data, indent=2, ensure_ascii=False,
                                            allow_nan=False, default=str) + "\n")
    checks = data["checks"]
    performance = next((c for c in checks if c["name"] == "performance"
                        and c["slice"] == ALL), None)
    estimated = ((performance or {}).get("details") or {}).get("estimated") or {}
    html = render("monitoring.html", title=f"Monitoring {result.report_id}", data=data,
                  overall=[c for c in checks if c["slice"] == ALL],
                  sliced=[c for c in checks if c["slice"] != ALL],
                  performance=performance,
                  estimate=estimate_view(estimated.get("accuracy"),
                                         estimated.get("accuracy_se")),
                  created=time.strftime("%Y-%m-%d %H:%M:%S"), plots=_plots(checks),
                  spans=span_sections(checks), json_file=JSON_FILE)
    html_path = folder / REPORT_FILE
    write_text_atomic(html_path, html)
    return html_path, json_path


def _plots(checks: Sequence[dict[str, Any]]) -> list[Plot]:
    overall = {c["name"]: c for c in checks if c["slice"] == ALL}
    plots = [score_plot([c for c in overall.values() if c.get("score") is not None])]
    for name, title in (("label_psi", "Predicted labels"), ("band_psi", "Action bands")):
        categories = (overall.get(name) or {}).get("details", {}).get("categories")
        if categories:
            plots.append(share_plot(title, name, categories))
    return [p for p in plots if p is not None]


SPAN_CHECKS = ("span_rate", "span_presence", "span_length", "span_confidence",
               "new_span_strings", "entity_f1")
"""The checks whose details the span sections show (``strategies.drift.span_*``,
``new_span_strings`` and the stage's realized entity F1)."""


def span_sections(checks: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """What the span sections show, from the whole window's span checks (None: no span
    check ran, not a span project)."""
    overall = {c["name"]: c for c in checks if c["slice"] == ALL and c["name"] in SPAN_CHECKS}
    if not overall:
        return None
    details = {name: overall[name].get("details") or {} if name in overall else {}
               for name in SPAN_CHECKS}
    histogram = details["span_length"].get("histogram")
    strings = [{**s, "requests": [{**r, "pieces": highlight(r.get("text"), s["string"])}
                                  for r in s.get("requests") or []]}
               for s in details["new_span_strings"].get("new_strings") or []]
    return {"checks": overall,
            "rates": [{"type": t, **row} for t, row in
                      (details["span_rate"].get("types") or {}).items()],
            "per_text": details["span_rate"].get("spans_per_text"),
            "presence": details["span_presence"], "length": details["span_length"],
            "confidence": details["span_confidence"], "strings": strings,
            "strings_summary": details["new_span_strings"],
            "entity_f1": overall.get("entity_f1"),
            "length_plot": None if not histogram else share_plot(
                "Span length (characters)", "span_length",
                {b["bin"]: b for b in histogram}, unit="spans", ordered=True)}


def highlight(text: str | None, string: str) -> list[dict[str, Any]]:
    """``text`` cut into pieces, ``mark`` on each occurrence of ``string`` (any case), for
    the template to wrap in ``<mark>``: the text is rendered whole and escaped."""
    if not text:
        return []
    pieces, cursor = [], 0
    for found in re.finditer(re.escape(string), text, flags=re.IGNORECASE):
        if found.start() > cursor:
            pieces.append({"text": text[cursor:found.start()], "mark": False})
        pieces.append({"text": found.group(), "mark": True})
        cursor = found.end()
    if cursor < len(text):
        pieces.append({"text": text[cursor:], "mark": False})
    return pieces


def score_plot(checks: Sequence[dict[str, Any]]) -> Plot | None:
    """Each check's score as a share of its calibrated threshold: past 1 is drift."""
    rows = [(c["name"], c["score"] / c["threshold"]) for c in checks
            if c.get("threshold") and c["threshold"] > 0 and c["name"] != "performance"]
    if not rows:
        return None
    with report_style():
        fig = new_figure(8.0, 0.3 * len(rows) + 1.2)
        ax = fig.add_subplot()
        positions = np.arange(len(rows))
        values = [max(value, 0.0) for _, value in rows]
        ax.barh(positions, values, color=[BLUE if v <= 1 else "#dc2626" for v in values])
        ax.axvline(1.0, color="#111827", linestyle="--", linewidth=1, label="threshold")
        ax.set_yticks(positions, [name for name, _ in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel("score / calibrated threshold")
        ax.legend(loc="lower right")
        return Plot("Scores against thresholds", to_svg(fig, "scores"),
                    "Red bars pass their calibrated threshold (drift).")


def share_plot(title: str, name: str, categories: dict[str, dict[str, float]], *,
               unit: str = "rows", ordered: bool = False) -> Plot:
    """Reference and production shares of the categories that moved most (``ordered``:
    of every category, in their own order, such as the bins of a histogram)."""
    items = list(categories.items())[:None if ordered else SHOWN_CATEGORIES]
    with report_style():
        fig = new_figure(8.0, 0.32 * len(items) + 1.2)
        ax = fig.add_subplot()
        positions = np.arange(len(items))
        ax.barh(positions - 0.2, [v["reference"] for _, v in items], height=0.4, color=GREY,
                label="reference")
        ax.barh(positions + 0.2, [v["current"] for _, v in items], height=0.4, color=BLUE,
                label="production")
        ax.set_yticks(positions, [short_label(k, 36) for k, _ in items])
        ax.set_ylim(len(items) - 0.5, -0.5)
        ax.set_xlabel(f"share of {unit}")
        ax.legend(loc="lower right")
        return Plot(title, to_svg(fig, name),
                    "Reference and production, bin by bin." if ordered
                    else "The categories whose share moved most.")
