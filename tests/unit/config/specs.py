"""A small valid spec and a writer, shared by the tests of each section."""

from __future__ import annotations

from pathlib import Path

VALID = """
name: spam-filter
labels:
  - name: spam
    description: Unwanted ads
  - name: ham
goal: {metric: macro_f1, target: 0.95}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "textloop.yaml"
    path.write_text(text, encoding="utf-8")
    return path
