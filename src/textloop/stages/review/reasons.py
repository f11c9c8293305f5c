"""Why a record was flagged, in one sentence a reviewer reads before deciding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def describe(kind: str, score: float | None, details: dict[str, Any]) -> str:
    """The finding's reason from its kind and details (what ``textloop clean`` stored)."""
    explain = _REASONS.get(kind)
    return explain(score, details) if explain else f"flagged as {kind}"


def _label_issue(score: float | None, d: dict[str, Any]) -> str:
    quality = "" if score is None else f" (label quality {score:.2f})"
    confidence = d.get("confidence")
    sure = "" if confidence is None else f", {confidence:.0%} confident"
    return (f"labeled {d.get('given')!s} ({d.get('label_kind', 'unknown')} label), but models "
            f"trained without it say {d.get('suggested')!s}{sure}{quality}")


_SPAN_ISSUES = {
    "missing_span": "no span is given here, but models trained without this record mark "
                    "{suggested}",
    "spurious_span": "{given} is given, but models trained without this record mark no span "
                     "there",
    "wrong_type": "{given} is given, but models trained without this record say {type}",
    "wrong_boundary": "{given} is given, but models trained without this record mark "
                      "{suggested}",
}
"""A span finding's reason by kind (``stages.clean.span_issues``): the given span and the
out-of-fold model's."""


def _span_issue(kind: str) -> Callable[[float | None, dict[str, Any]], str]:
    def explain(score: float | None, d: dict[str, Any]) -> str:
        said = _SPAN_ISSUES[kind].format(given=_span(d.get("given")),
                                         suggested=_span(d.get("suggested")),
                                         type=(d.get("suggested") or {}).get("label"))
        return said + _quality(score)
    return explain


def _quality(score: float | None) -> str:
    return "" if score is None else f" (label quality {score:.2f})"


def _inconsistent(score: float | None, d: dict[str, Any]) -> str:
    counts = ", ".join(f"{label} {n}" for label, n in (d.get("counts") or {}).items())
    fix = d.get("suggested")
    advice = f"; most say {fix['label']}" if fix else "; no type is the majority"
    return f"“{d.get('surface')}” is labeled with different types across records ({counts}){advice}"


def _span(shown: dict[str, Any] | None) -> str:
    shown = shown or {}
    return f"{shown.get('label')} “{shown.get('text')}”"


def _conflict(score: float | None, d: dict[str, Any]) -> str:
    labels = ", ".join(f"{label} {n}" for label, n in (d.get("labels") or {}).items())
    return (f"duplicate cluster {d.get('cluster')} of {d.get('size')} records carries "
            f"different labels ({labels})")


def _duplicate(score: float | None, d: dict[str, Any]) -> str:
    similar = "" if score is None else f", similarity {score:.2f}"
    return (f"{d.get('match', 'exact')} duplicate of record {d.get('of')} (cluster "
            f"{d.get('cluster')} of {d.get('size')} records{similar})")


def _outlier(score: float | None, d: dict[str, Any]) -> str:
    distance = "" if score is None else f" (distance {score:.3f}, cutoff {d.get('cutoff')})"
    return f"far from the other labeled records{distance}"


def _pii(score: float | None, d: dict[str, Any]) -> str:
    kinds = ", ".join(f"{kind} {n}" for kind, n in (d.get("kinds") or {}).items())
    return f"contains personal data ({kinds})"


def _leakage(score: float | None, d: dict[str, Any]) -> str:
    similar = "" if score is None else f", similarity {score:.2f}"
    return (f"in the {d.get('split')} split of {d.get('release')} but matches training record "
            f"{d.get('train_record')} ({d.get('match')}{similar})")


def _text_problem(score: float | None, d: dict[str, Any]) -> str:
    return str(d.get("reason") or "the text is unusable")


_REASONS = {"label_issue": _label_issue, **{kind: _span_issue(kind) for kind in _SPAN_ISSUES},
            "inconsistent_type": _inconsistent,
            "conflict": _conflict, "duplicate": _duplicate,
            "outlier": _outlier, "pii": _pii, "leakage": _leakage, "empty": _text_problem,
            "garbage": _text_problem, "overlong": _text_problem}
