"""The fix a span finding suggests, applied to the record's spans as they are now.

A span finding of ``textloop clean`` (``stages.clean.span_issues``) stores the given span it
questions and the span it suggests instead, either of them ``None``: accepting it takes the
given span out of the record's current spans and puts the suggested one in, so one rule
covers a missing span (add), a spurious one (remove), a wrong type and a wrong boundary
(replace). It is applied to the spans the record has *now*, not to those of clean time: an
annotator's other spans added since are kept, and a given span that is no longer there
means someone changed it meanwhile, which is refused instead of guessed.
"""

from __future__ import annotations

from typing import Any

from textloop.errors import ConflictError
from textloop.spans import Span, decode_spans, encode_spans


def is_span_fix(details: dict[str, Any]) -> bool:
    """Whether a finding's details carry a span fix: a given span to take out or a suggested
    one to put in (a label issue's ``given`` and ``suggested`` are labels, not spans)."""
    return isinstance(details.get("given"), dict) or isinstance(details.get("suggested"), dict)


def fixed_value(current: str | None, details: dict[str, Any], finding_id: int) -> str:
    """The record's spans ``current`` (stored JSON) with the finding's fix applied."""
    spans = decode_spans(current or "[]")
    given, suggested = _span(details.get("given")), _span(details.get("suggested"))
    if given is not None:
        if given not in spans:
            raise ConflictError(
                f"finding {finding_id}: the record no longer has the span {_said(given)} the "
                "fix replaces (its spans changed since the cleaning run)",
                hint="keep the finding and edit the spans, or run `textloop clean` again")
        spans.remove(given)
    if suggested is not None and suggested not in spans:
        spans.append(suggested)
    return encode_spans(spans)


def describe_fix(details: dict[str, Any]) -> str | None:
    """The fix in words (``add LOC "Paris"``), or None when the finding suggests none."""
    given, suggested = details.get("given"), details.get("suggested")
    if suggested is None and given is None:
        return None
    if suggested is None:
        return f"remove {_said(given)}"
    if given is None:
        return f"add {_said(suggested)}"
    return f"{_said(given)} → {_said(suggested)}"


def _span(shown: dict[str, Any] | None) -> Span | None:
    return None if not shown else Span(int(shown["start"]), int(shown["end"]),
                                       str(shown["label"]))


def _said(shown: dict[str, Any] | Span | None) -> str:
    if shown is None:
        return "nothing"
    if isinstance(shown, Span):
        return f"{shown.label} {shown.start}–{shown.end}"
    return f"{shown['label']} “{shown.get('text', '')}”"
