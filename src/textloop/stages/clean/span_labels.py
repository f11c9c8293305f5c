"""Label errors of a span project: out-of-fold token probabilities, cleanlab's token issues,
and span-level findings (``span_oof``, ``strategies.cleaning.token_issues``,
``span_issues``).

What ``label_issues.find_label_issues`` is for classes, this is for spans: it returns the
same ``LabelOutcome`` (a ``LabelSummary`` and findings), so ``textloop clean`` stores,
reports and reviews both alike. The summary's rates are per span type (given spans a
finding questions), ``flagged`` lists the records with a span finding, ``baseline_flagged``
those in which cleanlab flags any token, and ``quality`` is each record's worst-token
quality, which ranks records for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.models.span_model import TaggedText
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import Span, decode_spans
from textloop.stages.clean.inputs import CleanInputs
from textloop.stages.clean.options import CleanOptions
from textloop.stages.clean.result import Finding, LabelSummary
from textloop.stages.clean.span_issues import (
    SpanRecords,
    annotator_rates,
    inconsistent_types,
    model_spans,
    per_type_rates,
    span_candidates,
    split_findings,
)
from textloop.stages.clean.span_oof import (
    DEFAULT_MODEL,
    check_span_folds,
    out_of_fold_tagged,
    span_view,
)
from textloop.storage import Store, annotation_log
from textloop.strategies.cleaning.span_rules import (
    BASELINE_SPAN_METHOD,
    DEFAULT_SPAN_METHOD,
    get_span_method,
)
from textloop.strategies.cleaning.token_issues import (
    TokenIssues,
    find_token_issues,
    given_classes,
    type_probabilities,
)
from textloop.tasks import task_for


@dataclass(frozen=True)
class SpanOutcome:
    summary: LabelSummary
    findings: list[Finding]
    warnings: list[str]


def span_records(data: CleanInputs, project: Project) -> SpanRecords:
    """The records' decoded spans and the types present, in the project's order."""
    spans = [decode_spans(label) for label in data.labels]
    present = {span.label for row in spans for span in row}
    if not present:
        raise InvalidInputError(
            f"none of the {len(spans):,} labeled records carries a span; finding span label "
            "errors needs some", hint="label spans first, or import records with spans")
    names = project.spec.label_names
    types = [n for n in names if n in present] + sorted(present - set(names))
    return SpanRecords(data.ids, data.texts, spans, types)


def check_span_inputs(data: CleanInputs, project: Project, options: CleanOptions) -> None:
    """Refuse, before any work, what cross-validation cannot do."""
    check_span_folds(span_records(data, project).spans, options.folds)


@dataclass(frozen=True)
class SpanErrors:
    """Everything the span label-error step computed, for the summary and for benchmarks."""

    model: str
    tagged: list[TaggedText]
    proba: list[np.ndarray]
    """[tokens, 1 + types] out-of-fold type probabilities per record."""
    given: list[np.ndarray]
    issues: TokenIssues
    method: str
    """Full versioned name of the span method that chose ``findings``."""
    findings: list[Finding]
    """Flagged span findings (the method's), then the inconsistent-type ones."""
    ranked: list[Finding]
    """Every other disagreement with the model, ranked (lowest score first), not flagged."""
    baseline: int
    """How many span findings the baseline method (``span-cleanlab``) would flag."""
    warnings: list[str]
    """What the reader must know about how they were found (a view that fell back)."""


def span_label_errors(records: SpanRecords, strata: Sequence[int], *, model: str = DEFAULT_MODEL,
                      method: str = DEFAULT_SPAN_METHOD, folds: int = 5, seed: int = 0,
                      progress: Progress = NULL_PROGRESS) -> SpanErrors:
    """Out-of-fold tags, cleanlab's token issues and the span findings of ``records``; no
    store (``benchmarks/span_clean.py`` runs exactly this)."""
    method_name, rule = get_span_method(method)
    model, fallback = span_view(model)
    name, tagged = out_of_fold_tagged(model, records.texts, records.spans, strata,
                                      folds=folds, seed=seed, progress=progress)
    with progress.task("Finding span label errors"):
        proba = [type_probabilities(row.marginals, row.tag_names, records.types)
                 for row in tagged]
        given = [given_classes(row.tokens, spans, records.types)
                 for row, spans in zip(tagged, records.spans, strict=True)]
        issues = find_token_issues(given, proba)
        candidates = span_candidates(records, tagged, proba, issues)
        flagged, ranked = split_findings(candidates, rule)
        baseline = len(split_findings(candidates, get_span_method(BASELINE_SPAN_METHOD)[1])[0])
    return SpanErrors(name, tagged, proba, given, issues, method_name,
                      [*flagged, *inconsistent_types(records)], ranked, baseline,
                      [fallback] if fallback else [])


def find_span_issues(store: Store, project: Project, data: CleanInputs,
                     options: CleanOptions, progress: Progress = NULL_PROGRESS) -> SpanOutcome:
    """Span label errors (``span_label_errors``), per-type rates and annotator rates."""
    records = span_records(data, project)
    strata, _ = task_for(project).strata(data.labels, project.spec.label_names)
    errors = span_label_errors(records, strata, model=_model(options),
                               method=_method(options), folds=options.folds,
                               seed=options.seed, progress=progress)
    found, issues = errors.findings, errors.issues
    predicted = {rid: model_spans(row) for rid, row in zip(records.ids, errors.tagged,
                                                            strict=True)}
    annotators = annotator_rates(_answers(store, records.ids), predicted)
    flagged = sorted({f.record_id for f in found}, key=records.ids.index)
    cleanlab = issues.flagged_sentences
    kinds = {kind: sum(f.kind == kind for f in found) for kind in dict.fromkeys(
        f.kind for f in found)}
    summary = LabelSummary(
        method=errors.method, models=[errors.model], flagged=flagged,
        baseline_flagged=[rid for rid, hit in zip(records.ids, cleanlab, strict=True) if hit],
        per_class=per_type_rates(records, found),
        quality=np.round(issues.sentence_quality, 4).tolist(),
        is_flagged=[rid in set(flagged) for rid in records.ids],
        details={"unit": "spans", "kinds": kinds, "ranked_not_flagged": len(errors.ranked),
                 "baseline_findings": errors.baseline,
                 "flagged_tokens": int(sum(int(row.sum()) for row in issues.flagged)),
                 "tokens": int(sum(len(row) for row in errors.given)),
                 "annotators": annotators},
        ranked=errors.ranked)
    return SpanOutcome(summary, found,
                       [*errors.warnings, *_warnings(records, options, annotators)])


def _model(options: CleanOptions) -> str:
    """The span model to cross-validate: the first one named, else ``minilm-crf``."""
    return options.models[0] if options.models else DEFAULT_MODEL


def _method(options: CleanOptions) -> str:
    """The span method named, else ``span-confident``: the classification default
    (``views-knn``, what ``--method`` says when not given) stands for "the task's default"."""
    if options.method == CleanOptions().method:
        return DEFAULT_SPAN_METHOD
    return options.method


def _answers(store: Store, ids: Sequence[str]) -> list[tuple[str, str, list[Span]]]:
    with store.read() as conn:
        rows = annotation_log.human_votes(conn, list(ids))
    return [(rid, who, decode_spans(label)) for rid, who, label, kind, _ in rows
            if kind == "human"]


def _warnings(records: SpanRecords, options: CleanOptions,
              annotators: dict[str, dict[str, Any]]) -> list[str]:
    counts = {t: sum(1 for row in records.spans if any(s.label == t for s in row))
              for t in records.types}
    out = [f"type {label!r} is on {n} records, fewer than the {options.folds} folds: some "
           "folds train without it, so its spans tend to be flagged"
           for label, n in counts.items() if n < options.folds]
    for who, row in annotators.items():
        for measure in row["flagged"]:
            against = "the model" if measure == "model_disagreement" else "other annotators"
            out.append(f"annotator {who!r}: {row[measure]:.0%} of their "
                       f"{row['spans']} spans disagree with {against}, far more than the "
                       "rest; review their work")
    return out
