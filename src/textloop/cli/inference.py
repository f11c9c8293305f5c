"""Terminal rendering of the inference-optimisation table (``evaluate --compare-embedders``)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from textloop.cli.console import Text, console


def print_inference(section: dict[str, Any]) -> None:
    """One row per embedder variant: size, quality, agreement with fp32, latency."""
    table = Table(title=Text(f"Head trained on {section['trained_on']}, per embedder"))
    table.add_column("embedder", no_wrap=True)
    for name in ("MB", "accuracy", "macro-F1", f"agrees {section['reference']}", "p50 ms",
                 "p95 ms", f"texts/s @{section['batch_size']}"):
        table.add_column(name, justify="right")
    for row in section["variants"]:
        agreement = "-" if row["agreement"] is None else f"{row['agreement']:.1%}"
        table.add_row(Text(row["name"] + (" *" if row["trained_on"] else "")),
                      f"{row['size_bytes'] / 1e6:.1f}", f"{row['accuracy']:.4f}",
                      f"{row['macro_f1']:.4f}", agreement, f"{row['p50_ms']:.1f}",
                      f"{row['p95_ms']:.1f}", f"{row['texts_per_s']:.0f}")
    console.print(table)
    console.print(f"* as trained. Latency over {section['latency_texts']:,} texts, one at a "
                  f"time, on {section['cores']} cores.")
