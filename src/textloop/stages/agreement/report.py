"""``textloop agreement``: how much annotators agree, where they do not, and what waits.

Built from the standing human answers (each annotator's latest answer per record; undone
answers and adjudicators' decisions are not answers here). Fleiss' kappa and Krippendorff's
alpha cover every record with two or more answers; Cohen's kappa covers each pair of
annotators on the records both answered. Each annotator is measured against adjudicated
labels only (the latest adjudication or review decision on a record, by someone else):
final labels from a majority or Dawid-Skene are made of the annotators' own votes, so with
two annotators the one whose votes settled the ties would look always right.

Span projects get their own report (``spans``: entity F1 and token kappa), chosen by
``task_report``, which dispatches on the project's task as ``evaluate_split`` does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import singledispatch
from typing import Any

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.stages.agreement.answers import ADJUDICATION_PATH, latest_answers, latest_decisions
from textloop.stages.agreement.breakdown import (
    Answers,
    ConsensusAgreement,
    Decisions,
    LabelDisagreement,
    PairAgreement,
    consensus_agreement,
    label_disagreement,
    overlapping,
    pair_agreement,
    pair_confusions,
)
from textloop.stages.agreement.spans import SpanAgreement, span_agreement_report
from textloop.stages.agreement.stats import Coefficient, fleiss_kappa, krippendorff_alpha
from textloop.stages.label.queue import disputes
from textloop.storage import Store, annotation_log
from textloop.tasks import Task, require_verb, task_for
from textloop.tasks.spans import SpanTask

MIN_SHARED = 10


@dataclass
class AgreementReport:
    n_records: int
    """Records with at least one human answer."""
    n_overlapping: int
    """Records with two or more answers: the ones agreement is measured on."""
    n_disputed: int
    """Records whose answers differ (adjudicated or not)."""
    annotators: list[ConsensusAgreement]
    pairs: list[PairAgreement]
    fleiss_kappa: Coefficient
    krippendorff_alpha: Coefficient
    labels: list[LabelDisagreement]
    confusions: list[tuple[str, str, int]]
    """Pairs of labels given to the same record, most frequent first."""
    awaiting_adjudication: int
    disputed_records: list[str] = field(default_factory=list)
    """Ids of the records whose answers differ (``n_disputed`` of them), decided or not."""
    awaiting_records: list[str] = field(default_factory=list)
    """Ids of the disputed records no adjudicator or reviewer has decided yet."""
    min_shared: int = MIN_SHARED
    adjudication_path: str = ADJUDICATION_PATH
    note: str = ""
    """Why nothing could be measured (no answers, a single annotator, no overlap); else empty."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def agreement_report(store: Store, project: Project, *, min_shared: int | None = None
                     ) -> AgreementReport | SpanAgreement:
    """The report for the project's store (read-only), as the project's task measures
    agreement: labels per record, or spans (``spans.span_agreement_report``).

    ``min_shared``: records a pair must share before its kappa shows (None: ``MIN_SHARED``);
    label projects only, so a span project refuses it rather than ignore it."""
    require_verb(project, "agreement")
    return task_report(task_for(project), store, project, min_shared)


@singledispatch
def task_report(task: Task, store: Store, project: Project, min_shared: int | None
                ) -> AgreementReport | SpanAgreement:
    """Agreement on one label (or label set) per record: every task but spans."""
    with store.read() as conn:
        votes = list(annotation_log.human_votes(conn))
    return build_report(latest_answers(votes), latest_decisions(votes),
                        project.spec.label_names,
                        awaiting=[d.record_id for d in disputes(store)],
                        min_shared=MIN_SHARED if min_shared is None else min_shared)


@task_report.register
def _(task: SpanTask, store: Store, project: Project, min_shared: int | None
      ) -> SpanAgreement:
    """Spans: entity F1 and token kappa (``min_shared`` does not apply: a pair's kappa is
    over tokens, which even a few shared records give plenty of)."""
    if min_shared is not None:
        raise InvalidInputError(
            f"--min-shared {min_shared} applies to label projects (a pair's Cohen's kappa over "
            "the records both labeled); a span project's pair kappa is over tokens, which "
            "even a few shared records give plenty of, so it has no minimum",
            hint="leave --min-shared out for span projects")
    return span_agreement_report(store, project)


def build_report(answers: Answers, decided: Decisions, labels: Sequence[str], *,
                 awaiting: Sequence[str] = (), min_shared: int = MIN_SHARED
                 ) -> AgreementReport:
    """The report from answers, decisions and the disputed records no one decided yet
    (pure; ``agreement_report`` reads the store)."""
    annotators = sorted({name for votes in answers.values() for name in votes})
    multi = overlapping(answers)
    seen = {label for votes in multi.values() for label in votes.values()}
    categories = [*labels, *sorted(seen - set(labels))]
    fleiss = fleiss_kappa(_count_table(multi, categories))
    alpha = krippendorff_alpha([[votes.get(a) for a in annotators] for votes in multi.values()])
    disputed = sorted(rid for rid, votes in multi.items() if len(set(votes.values())) > 1)
    return AgreementReport(
        n_records=len(answers), n_overlapping=len(multi), n_disputed=len(disputed),
        annotators=consensus_agreement(answers, decided, annotators),
        pairs=pair_agreement(multi, annotators, min_shared),
        fleiss_kappa=fleiss, krippendorff_alpha=alpha,
        labels=label_disagreement(answers, categories),
        confusions=[(x, y, n) for (x, y), n in pair_confusions(answers).most_common()],
        awaiting_adjudication=len(awaiting), disputed_records=disputed,
        awaiting_records=sorted(awaiting), min_shared=min_shared,
        note=_why_unmeasured(len(answers), annotators, len(multi)))


def _why_unmeasured(n_records: int, annotators: Sequence[str], n_overlapping: int) -> str:
    """What is missing before agreement can be measured; empty when it can be."""
    if n_records == 0:
        return ("no human answers yet: label records in the labeling web app "
                "(`textloop label`) before measuring agreement")
    if len(annotators) == 1:
        return (f"only one annotator ({annotators[0]}) has answered: agreement needs two or "
                "more annotators on the same records; add annotators and set "
                "labeling.overlap: 2 (or more) in textloop.yaml")
    if n_overlapping == 0:
        return ("no record has answers from two or more annotators: set labeling.overlap: 2 "
                "(or more) in textloop.yaml so some records are labeled twice")
    return ""


def _count_table(answers: Answers, categories: Sequence[str]) -> np.ndarray:
    """[records, labels]: how many annotators gave each label to each record."""
    column = {label: j for j, label in enumerate(categories)}
    table = np.zeros((len(answers), len(categories)), dtype=np.int64)
    for row, votes in enumerate(answers.values()):
        for label, n in Counter(votes.values()).items():
            table[row, column[label]] = n
    return table
