"""The files a simulation leaves behind: curves.json, savings.json and savings.md.

JSON holds every point of every strategy and seed, so a curve can be re-plotted or re-scored
later without re-running; the Markdown table is the same savings table the CLI prints,
ready to paste into a report.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from textloop.stages.simulate.loop import Curve
from textloop.stages.simulate.savings import (
    EARLY_SHARE,
    LEVELS,
    PLATEAU_TOLERANCE,
    Reach,
    SavingsRow,
)

METRIC_NAMES = {"macro_f1": "macro-F1", "entity_micro_f1": "entity micro-F1"}
"""How the tables and the figure name each score a simulation can follow."""
NOT_REACHED = "not reached"
"""Shown when the median seed did not reach the level within the budget."""


def machine() -> dict[str, Any]:
    """Where the numbers were measured: they are timings as well as scores."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cores": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average": list(load) if load else None,
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def write_json(path: Path, data: dict[str, Any]) -> Path:
    """Write atomically: a crash never leaves half a file behind."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def curves_document(curves: dict[str, list[Curve]], reference: dict[int, dict[str, float]],
                    settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "settings": settings, "machine": machine(),
        "reference": {str(seed): scores for seed, scores in reference.items()},
        "curves": {name: [asdict(c) for c in runs] for name, runs in curves.items()},
    }


def savings_document(rows: Sequence[SavingsRow], reference_f1: float, verdict: str,
                     settings: dict[str, Any], metric: str = "macro_f1") -> dict[str, Any]:
    """``metric`` names the score (``macro_f1``, ``entity_micro_f1``): the reference's key."""
    return {f"reference_{metric}": reference_f1, "verdict": verdict, "settings": settings,
            "plateau": {"tolerance": PLATEAU_TOLERANCE, "early_share": EARLY_SHARE},
            "rows": [asdict(r) for r in rows]}


def metric_name(metric: str) -> str:
    """``macro-F1`` for ``macro_f1``: the score's name in tables, the figure and the verdict."""
    return METRIC_NAMES.get(metric, metric)


def reach_text(reach: Reach) -> str:
    return NOT_REACHED if reach.labels is None else f"{reach.labels:,}"


def ratio_text(reach: Reach) -> str:
    if reach.ratio is not None:
        return f"{reach.ratio:.2f}"
    if reach.ratio_at_least is not None:
        return f"≥{reach.ratio_at_least:.2f}"
    return "–"


def table_cells(row: SavingsRow, with_stop: bool = True) -> list[str]:
    """One row of the savings table as text (shared by the Markdown file and the CLI);
    ``with_stop``: the wide table's last columns, the stop signal and the plateau."""
    cells = [row.strategy]
    for level in LEVELS:
        reach = row.reach(level)
        cells += [reach_text(reach), ratio_text(reach)]
    diff = "–" if row.auc_vs_random is None else f"{row.auc_vs_random:+.3f}"
    cells += [f"{row.auc:.3f}", diff]
    return [*cells, stop_text(row), plateau_text(row)] if with_stop else cells


def stop_text(row: SavingsRow) -> str:
    return "–" if row.stop_at is None else f"{row.stop_at:,}"


def plateau_text(row: SavingsRow) -> str:
    """``150 (early)``: labels from which the curve stays within 2% of the full-data score."""
    if row.plateau_at is None:
        return "–"
    return f"{row.plateau_at:,}" + (" (early)" if row.plateau_early else "")


def table_header(with_stop: bool = True) -> list[str]:
    head = ["strategy"]
    for level in LEVELS:
        head += [f"labels to {level:.0%}", "×"]
    head += ["AUC", "vs random"]
    return [*head, "stop at", "flat from"] if with_stop else head


def table_note(budget: int, metric: str = "macro-F1") -> str:
    """What the columns mean, printed under the table."""
    return (f"Labels to reach each level, median over seeds (\"{NOT_REACHED}\": not within "
            f"the budget of {budget:,}). ×: random's labels / these, i.e. how many times fewer "
            f"(≥: random did not reach the level). AUC: mean {metric} over the session; vs "
            "random: the difference to random's. stop at: labels when predictions had "
            f"stabilized. flat from: labels from which the curve stays within "
            f"{PLATEAU_TOLERANCE:.0%} of the full-data {metric} (early: within the first "
            f"{EARLY_SHARE:.0%} of the budget).")


def write_markdown(path: Path, rows: Sequence[SavingsRow], verdict: str, budget: int,
                   metric: str = "macro-F1") -> Path:
    lines = ["| " + " | ".join(table_header()) + " |",
             "|" + "---|" * len(table_header())]
    lines += ["| " + " | ".join(table_cells(r)) + " |" for r in rows]
    path.write_text("\n".join([*lines, "", table_note(budget, metric), "", verdict, ""]),
                    encoding="utf-8")
    return path
