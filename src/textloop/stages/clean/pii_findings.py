"""Personal data findings: which records hold which kinds, never the values themselves.

A finding keeps the kinds, their counts and the character spans, so a reviewer's screen can
highlight them, but the store and the JSON report never copy an email address or a card
number out of the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.pii import KINDS, count_kinds, find_pii, redact
from textloop.stages.clean.result import Finding

EXAMPLES = 20


def find_personal_data(ids: Sequence[str], texts: Sequence[str],
                       progress: Progress = NULL_PROGRESS, expected: Sequence[str] = ()
                       ) -> tuple[dict[str, Any], list[Finding]]:
    """Counts per kind (matches and records), redacted examples, and one finding per record.

    ``expected`` kinds (``clean.pii.expected``) are the task's signal: not flagged, not
    counted, and listed under ``expected`` so the report says why they are absent.
    """
    flagged = [kind for kind in KINDS if kind not in set(expected)]
    matches_by_kind = dict.fromkeys(flagged, 0)
    records_by_kind = dict.fromkeys(flagged, 0)
    findings: list[Finding] = []
    examples: list[dict[str, str]] = []
    with progress.task("Personal data", total=len(texts)) as task:
        for record_id, text in zip(ids, texts, strict=True):
            found = find_pii(text, expected)
            task.advance()
            if not found:
                continue
            counts = count_kinds(found)
            for kind, n in counts.items():
                matches_by_kind[kind] += n
                records_by_kind[kind] += 1
            findings.append(Finding(record_id, "pii", None, {
                "kinds": counts, "spans": [[m.kind, m.start, m.end] for m in found]}))
            if len(examples) < EXAMPLES:
                examples.append({"record_id": record_id, "redacted": redact(text, found)})
    return {"records": len(findings), "expected": list(expected), "matches": matches_by_kind,
            "records_by_kind": records_by_kind, "examples": examples}, findings
