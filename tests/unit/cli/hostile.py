"""User text that a terminal or rich would obey, and the check that the CLI printed it safely.

Stored texts, labels, annotator names, comments and file contents come from anyone: a colour
(``ESC [31m``), an OSC 8 hyperlink ended by BEL, a carriage return that overwrites the line,
a bidi override that reorders what follows, and rich markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textloop.config import Project
    from textloop.storage import Store

HOSTILE = "a\x1b[31mred \x1b]8;;http://x\x07link\x1b]8;;\x07\rover \u202eevil [bold red]x[/]"
"""The text as stored."""

SHOWN = r"a\x1b[31mred \x1b]8;;http://x\x07link\x1b]8;;\x07\rover \u202eevil [bold red]x[/]"
"""What a terminal must show of it: every escape visible, the markup literal."""

RAW = ("\x1b", "\x07", "\r", "\u202e", "\x9b")


def assert_safe(output: str) -> str:
    """``output`` when nothing in it acts on a terminal; fails naming what would."""
    for raw in RAW:
        assert raw not in output, f"{raw!r} reached the terminal:\n{output!r}"
    return output


def import_one(store: Store, project: Project, folder: Path, text: str, **meta: str) -> str:
    """Import one unlabeled record (``meta`` as its metadata fields); its id."""
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.storage import records

    data = folder / "one.jsonl"
    data.write_text(json.dumps({"text": text, **meta}) + "\n", encoding="utf-8")
    import_file(store, project, data, ImportOptions(label_col="", meta_cols=list(meta) or None))
    with store.read() as conn:
        (rid,) = [r.id for r in records.iter_all(conn)]
    return rid
