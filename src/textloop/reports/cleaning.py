"""The cleaning report: ``report.html`` (self-contained) and ``findings.json`` per run.

The HTML shows the summary, the worst findings of each kind with their texts, and charts.
Every user string goes through the template engine's escaping: record texts are untrusted
input. Personal data is shown only redacted.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from textloop.artifacts import write_text_atomic
from textloop.reports.cleaning_plots import distance_plot, error_rate_plot, quality_plot
from textloop.reports.spans import highlighted
from textloop.reports.templating import render

if TYPE_CHECKING:
    from textloop.reports.clean_result import CleanResult, Finding

REPORT_FILE = "report.html"
FINDINGS_FILE = "findings.json"
SHOWN = 50
TEXT_CHARS = 400


def write_cleaning_report(folder: Path, result: CleanResult, texts: Mapping[str, str]
                          ) -> tuple[Path, Path]:
    """Write both files into ``folder``; returns (html, json) paths."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / FINDINGS_FILE
    write_text_atomic(json_path, json.dumps(result.to_dict(), indent=2, ensure_ascii=False,
                                        allow_nan=False, default=str) + "\n")
    html = render("cleaning.html", title=f"Cleaning {result.cleaning_id}",
                  summary=result.summary(), result=result,
                  context_rows=_context(result), plots=_plots(result),
                  label_rows=_rows(result, "label_issue", texts),
                  ranked_rows=_ranked_rows(result, texts),
                  span_rows=_span_rows(result, texts),
                  outlier_rows=_rows(result, "outlier", texts),
                  problem_rows=_problem_rows(result, texts),
                  clusters=result.clusters[:SHOWN],
                  conflicts=[c for c in result.clusters if len(c["labels"]) > 1][:SHOWN],
                  leakage_pairs=result.leakage.get("pairs", [])[:SHOWN],
                  findings_file=FINDINGS_FILE)
    html_path = folder / REPORT_FILE
    write_text_atomic(html_path, html)
    return html_path, json_path


def _context(result: CleanResult) -> list[tuple[str, str]]:
    config = result.config
    return [("Cleaning", result.cleaning_id), ("Method", str(config.get("method"))),
            ("Models", ", ".join(config.get("models", []))),
            ("Folds", str(config.get("folds"))),
            ("Created", time.strftime("%Y-%m-%d %H:%M:%S")),
            ("textloop", str(config.get("textloop_version")))]


def _plots(result: CleanResult) -> list[Any]:
    labels = result.labels
    plots = [error_rate_plot(labels.per_class),
             quality_plot(labels.quality, np.asarray(labels.is_flagged, dtype=bool)),
             distance_plot(result.outliers.get("distance", []), result.outliers.get("cutoff"))]
    return [p for p in plots if p is not None]


def _rows(result: CleanResult, kind: str, texts: Mapping[str, str]) -> list[dict[str, Any]]:
    chosen: list[Finding] = [f for f in result.findings if f.kind == kind][:SHOWN]
    return [{"record_id": f.record_id, "score": f.score, "details": f.details,
             "text": texts.get(f.record_id, "")[:TEXT_CHARS]} for f in chosen]


def _ranked_rows(result: CleanResult, texts: Mapping[str, str]) -> list[dict[str, Any]]:
    """Label issues ranked but not flagged (``precision.ranked`` of the summary)."""
    ranked = result.labels.details.get("precision", {}).get("ranked", [])[:SHOWN]
    return [{**row, "text": texts.get(row["record_id"], "")[:TEXT_CHARS]} for row in ranked]


SPAN_KINDS = ("missing_span", "spurious_span", "wrong_type", "wrong_boundary",
              "inconsistent_type")


def _span_rows(result: CleanResult, texts: Mapping[str, str]) -> list[dict[str, Any]]:
    """Span findings, most suspicious first, with the record's text cut at the given and
    the suggested span (``spans.highlighted``) for the template to mark, escaped."""
    chosen = sorted((f for f in result.findings if f.kind in SPAN_KINDS),
                    key=lambda f: (SPAN_KINDS.index(f.kind) == 4, f.score or 0.0))[:SHOWN]
    return [{"record_id": f.record_id, "kind": f.kind, "score": f.score,
             "given": f.details.get("given") or f.details.get("span"),
             "suggested": f.details.get("suggested"),
             "pieces": highlighted({"context": texts.get(f.record_id, ""), "context_start": 0,
                                    "gold": f.details.get("given") or f.details.get("span"),
                                    "predicted": f.details.get("suggested")})}
            for f in chosen]


def _problem_rows(result: CleanResult, texts: Mapping[str, str]) -> list[dict[str, Any]]:
    kinds = ("empty", "garbage", "overlong")
    chosen = [f for f in result.findings if f.kind in kinds][:SHOWN]
    return [{"record_id": f.record_id, "kind": f.kind, "reason": f.details.get("reason", ""),
             "text": texts.get(f.record_id, "")[:TEXT_CHARS]} for f in chosen]
