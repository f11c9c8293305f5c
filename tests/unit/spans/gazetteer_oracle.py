"""The gazetteer pattern as first written, kept as the oracle the shared look-behind is
checked against (tests/unit/spans/test_rules.py) and the baseline it is timed against
(benchmarks/gazetteer_speed.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from textloop.spans.matching import MARK_CHAR, SPACED_WORD_CHAR
from textloop.spans.rules import SPACED_START


def one_lookbehind_per_phrase(phrases: Iterable[str], case_sensitive: bool) -> re.Pattern[str]:
    """Every phrase carries its own look-arounds."""
    parts = []
    for phrase in sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p)):
        body = r"\s+".join(re.escape(word) for word in phrase.split())
        before = f"(?<!{SPACED_WORD_CHAR})" if SPACED_START.match(phrase[0]) else ""
        after = (f"(?!{SPACED_WORD_CHAR}|{MARK_CHAR})" if SPACED_START.match(phrase[-1])
                 else "")
        parts.append(f"{before}{body}{after}")
    return re.compile(f"(?:{'|'.join(parts)})", 0 if case_sensitive else re.IGNORECASE)
