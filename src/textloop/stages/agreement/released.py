"""Agreement on the records of a release, as its dataset card and manifest state it.

A release is a frozen snapshot, so its agreement is measured once, when it is made, from
the human answers standing then, and only on the records it holds: a disputed record that
was excluded or is still undecided (so not released) says nothing about the data users get.
The numbers are the ones ``textloop agreement`` reports (``report.build_report`` for labels,
``measures.span_agreement`` for spans, chosen on the project's task as ``report.task_report``
chooses), restricted to the released record ids; nothing here measures on its own.

The summary is plain JSON-ready data (stored in the manifest and catalog, rendered on the
card): undefined coefficients are ``None`` with their reason, never NaN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from functools import singledispatch
from typing import Any

from textloop.stages.agreement.answers import latest_answers, latest_decisions
from textloop.stages.agreement.breakdown import Answers, Decisions, overlapping
from textloop.stages.agreement.report import build_report
from textloop.stages.agreement.spans import decoded_answers
from textloop.stages.label.resolution import DECISIONS
from textloop.tasks import Task
from textloop.tasks.spans import SpanTask

NOT_MEASURED = "every record has one annotator or came from an import"
"""Why a release has no agreement numbers (the card says so in one line)."""

Vote = tuple[str, str, str, str, float]
"""(record_id, annotator, answer, kind, created_at): ``annotation_log.human_votes`` rows."""


def release_agreement(task: Task, votes: Iterable[Vote], label_kinds: Mapping[str, str],
                      texts: Mapping[str, str], labels: Sequence[str]) -> dict[str, Any]:
    """The agreement summary of the released records.

    ``label_kinds``: released record id -> the kind of its final label (``adjudicated`` or
    ``review`` when a person decided it, else the annotators' own answers settled it: all
    agreed, a majority or an estimate); ``texts``: the records' stored texts (spans are
    checked against them, before any rewrite of the release). Records outside
    ``label_kinds`` are left out entirely.
    """
    rows = [v for v in votes if v[0] in label_kinds]
    answers = latest_answers(rows)
    multi = overlapping(answers)
    if not multi:
        return {"measured": False, "records_with_overlap": 0, "note": NOT_MEASURED}
    adjudicated = sum(label_kinds[rid] in DECISIONS for rid in multi)
    return {"measured": True, "records_with_overlap": len(multi),
            "annotators": sorted({name for votes in multi.values() for name in votes}),
            "adjudicated": adjudicated, "majority": len(multi) - adjudicated,
            **_measured(task, multi, latest_decisions(rows),
                        {rid: texts[rid] for rid in multi}, labels)}


@singledispatch
def _measured(task: Task, answers: Answers, decided: Decisions, texts: Mapping[str, str],
              labels: Sequence[str]) -> dict[str, Any]:
    """``answers``: the released records with two or more answers.

    One label per record: the chance-corrected coefficients and the disputes per label."""
    report = build_report(answers, decided, labels)
    return {
        "measure": "labels", "disputed": report.n_disputed,
        "krippendorff_alpha": report.krippendorff_alpha.to_dict(),
        "fleiss_kappa": report.fleiss_kappa.to_dict(),
        "pairs": [{"a": p.a, "b": p.b, "shared": p.n_shared, "observed": p.observed,
                   "cohen_kappa": p.kappa.to_dict()} for p in report.pairs if p.n_shared],
        "labels": [{"label": row.label, "records": row.n_items, "disputed": row.n_disputed,
                    "rate": row.rate} for row in report.labels if row.n_items],
        "min_shared": report.min_shared,
    }


@_measured.register
def _(task: SpanTask, answers: Answers, decided: Decisions, texts: Mapping[str, str],
      labels: Sequence[str]) -> dict[str, Any]:
    """Spans: entity F1 (strict and partial, micro and per label) and token-level kappa."""
    from textloop.measures.span_agreement import span_agreement

    report = span_agreement(decoded_answers(answers), texts, labels=labels)
    return {
        "measure": "spans", "disputed": report.n_disputed,
        "strict": asdict(report.strict), "partial": asdict(report.partial),
        "token_kappa": report.kappa.to_dict(),
        "labels": [{"label": row.label, "spans": row.n_spans, "strict_f1": row.strict.f1,
                    "partial_f1": row.partial.f1} for row in report.labels],
    }


def agreement_headline(found: dict[str, Any]) -> str:
    """One line for a terminal: the main numbers of a release's agreement summary."""
    if not found.get("measured"):
        return f"not measured — {found.get('note', NOT_MEASURED)}"
    if found["measure"] == "spans":
        numbers = (f"strict entity F1 {_number(found['strict']['f1'])}, partial "
                   f"{_number(found['partial']['f1'])}, token kappa "
                   f"{_number(found['token_kappa']['value'])}")
    else:
        numbers = (f"Krippendorff's alpha {_number(found['krippendorff_alpha']['value'])}, "
                   f"Fleiss' kappa {_number(found['fleiss_kappa']['value'])}")
    return (f"{numbers} on {found['records_with_overlap']:,} records with two or more "
            f"annotators ({found['adjudicated']:,} adjudicated, {found['majority']:,} by "
            "their answers)")


def _number(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.2f}"
