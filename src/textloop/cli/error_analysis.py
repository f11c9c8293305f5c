"""Terminal summary of an evaluation: its headline numbers, and the error analysis (a span
run's mistakes by kind, weakest slices, fairness, probes)."""

from __future__ import annotations

from typing import Any

from textloop.cli.console import console, esc

SHOWN_SLICES = 3


def headline(m: dict[str, Any]) -> str:
    """The evaluation's headline numbers, for the task whose metrics ``m`` holds."""
    if "mae" in m:
        return f"MAE {m['mae']:.4f}, RMSE {m['rmse']:.4f}, R² {_number(m.get('r2'))}"
    if "entity_micro_f1" in m:
        return (f"entity F1 {m['entity_micro_f1']:.4f} micro, {m['entity_macro_f1']:.4f} "
                f"macro (precision {m['entity_micro_precision']:.4f}, recall "
                f"{m['entity_micro_recall']:.4f})")
    return f"accuracy {m['accuracy']:.4f}, macro-F1 {m['macro_f1']:.4f}"


def span_mistakes(counts: dict[str, int]) -> str:
    """``missed 47, spurious 33, wrong type 14, ...``: a span run's mistakes by kind."""
    return ", ".join(f"{kind.replace('_', ' ')} {n:,}" for kind, n in counts.items())


def print_error_analysis(metrics: dict[str, Any], goal_metric: str) -> None:
    """A few lines; the full tables are in the HTML report."""
    from textloop.reports.error_analysis import error_analysis_view  # Jinja2: when needed

    view = error_analysis_view(metrics, goal_metric)
    measured = [row for row in view["slices"] or [] if row["goal"] is not None]
    if measured:
        shown = ", ".join(f"{esc(row['key'])} {row['goal']:.4f} (n={row['n']:,}"
                          f"{', too small' if row['too_small'] else ''})"
                          for row in measured[:SHOWN_SLICES])
        console.print(f"Weakest slices ({goal_metric}): {shown}")
    for section in view["fairness"]:
        console.print(f"Fairness across {esc(section['field'])}: {esc(section['sentence'])}")
    if view["robustness"] and view["robustness"]["table"]:
        worst = view["robustness"]["table"][0]
        drop = worst["goal_drop"]
        console.print(f"Robustness: worst probe {esc(worst['title'])}, {goal_metric} "
                      f"{_number(worst['goal'])} (drop {_number(drop)}) on "
                      f"{view['robustness']['rows']:,} rows")
    elif view["probes_skipped"]:
        console.print("Robustness probes skipped (--no-probes)")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"
