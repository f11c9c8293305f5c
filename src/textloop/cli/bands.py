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
    """One line per band: threshold, target, volume, precision and recall; then the notes
    (a span run has no bands but may have an unmet span target to warn about)."""
    if not rows:
        _print_notes(notes)
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
    _print_notes(notes)


def _print_notes(notes: list[str] | None) -> None:
    for note in notes or []:
        console.print(f"[yellow]Warning:[/] {esc(note)}")


def print_calibration(section: dict[str, Any], title: str = "Calibration") -> None:
    """``ECE 0.081 -> 0.019 (temperature)`` for an evaluated split."""
    method = section.get("method") or "none"
    console.print(f"{title} ({esc(method)}): ECE {section['ece_before']:.4f} -> "
                  f"{section['ece_after']:.4f}")


def print_span_threshold(row: dict[str, Any], split: str) -> None:
    """One span type's validation threshold and what it reaches on ``split``:
    ``PHONE recall >= 0.95: threshold 0.41, test recall 0.97 precision 0.88 (met)``."""
    target = ", ".join(f"{name} >= {value:g}" for name, value in row["target"].items())
    if row.get("threshold") is None:
        console.print(f"Threshold {esc(row['label'])} {target}: none "
                      f"({esc(row.get('note') or 'unmet on validation')})")
        return
    found = row.get("split") or {}
    verdict = "[green]met[/]" if found.get("met") else "[red]missed[/]"
    console.print(f"Threshold {esc(row['label'])} {target}: {row['threshold']:.4f}, "
                  f"{esc(split)} recall {found.get('recall', 0.0):.4f} precision "
                  f"{found.get('precision', 0.0):.4f} ({verdict})")
