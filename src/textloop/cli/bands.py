"""Terminal rendering of action bands and calibration, shared by train and evaluate."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from textloop.cli.console import Text, console, esc


def _share(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if pct else f"{value:.3f}"


def _target(row: dict[str, Any]) -> str:
    """``precision>=0.95 met``: short, so the table fits an 80-column terminal."""
    target = row.get("target") or {}
    met = "" if row.get("met") is None else " met" if row["met"] else " NOT met"
    return ", ".join(f"{key}>={value:g}" for key, value in target.items()) + met


def print_bands(rows: list[dict[str, Any]], title: str, notes: list[str] | None = None) -> None:
    """One line per band: threshold, target, volume, precision and recall."""
    if not rows:
        return
    table = Table("band", "from", "target", "volume", "prec", "recall", "cum prec",
                  "cum recall", title=Text(title))
    for row in rows:
        threshold = ("closed" if row.get("closed") else "default" if row["threshold"] is None
                     else f">={row['threshold']:.3f}")
        table.add_row(Text(row["band"]), threshold, _target(row),
                      _share(row["volume"], pct=True), _share(row["precision"]),
                      _share(row["recall"]), _share(row["cumulative_precision"]),
                      _share(row["cumulative_recall"]))
    console.print(table)
    for note in notes or []:
        console.print(f"[yellow]Warning:[/] {esc(note)}")


def print_calibration(section: dict[str, Any]) -> None:
    """``ECE 0.081 -> 0.019 (temperature)`` for an evaluated split."""
    method = section.get("method") or "none"
    console.print(f"Calibration ({esc(method)}): ECE {section['ece_before']:.4f} -> "
                  f"{section['ece_after']:.4f}")
