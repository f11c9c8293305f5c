"""User text that a terminal or rich would obey, and the check that the CLI printed it safely.

Stored texts, labels, annotator names, comments and file contents come from anyone: a colour
(``ESC [31m``), an OSC 8 hyperlink ended by BEL, a carriage return that overwrites the line,
a bidi override that reorders what follows, and rich markup.
"""

from __future__ import annotations

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
