"""``textloop agreement``: inter-annotator agreement, where annotators disagree, what waits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import Text, console, esc, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.measures.span_agreement import SpanScores
    from textloop.stages.agreement import AgreementReport, Coefficient, SpanAgreement

SHOWN_IDS = 20
"""Disputed record ids printed in a table report; ``--json`` lists them all."""

_EPILOG = """Examples:\n
  textloop agreement\n
  textloop agreement --json > agreement.json"""


@app.command(epilog=_EPILOG)
def agreement(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    min_shared: Annotated[int | None, typer.Option(
        min=2, help="Records two annotators must share before their kappa is shown "
                    "(default 10; label projects only: span pair kappa is over tokens).")
                          ] = None,
) -> None:
    """Agreement between annotators (Cohen, Fleiss, Krippendorff; entity F1 and token kappa
    in span projects) and disputed records."""
    from textloop.stages.agreement import SpanAgreement, agreement_report

    project = current_project()
    with open_store(project) as store:
        report = agreement_report(store, project, min_shared=min_shared)
    if as_json:
        print_json(report.to_dict())
    elif isinstance(report, SpanAgreement):
        _print_span_report(report)
    else:
        _print_report(report)


def _print_report(report: AgreementReport) -> None:
    _print_tables(f"Human answers on {report.n_records:,} records; {report.n_overlapping:,} "
                  f"answered by two or more annotators, {report.n_disputed:,} of them disputed.",
                  report.note, lambda: [_overall(report), _pairs(report), _annotators(report),
                                        _labels(report)])
    _print_adjudication(report)


def _print_span_report(report: SpanAgreement) -> None:
    _print_tables(f"Spans on {report.n_records:,} records; {report.n_overlapping:,} annotated "
                  f"by two or more annotators, {report.n_disputed:,} of them disputed.",
                  report.note, lambda: [_span_overall(report), _span_pairs(report),
                                        _span_labels(report)])
    if report.disputed_records:
        shown = ", ".join(report.disputed_records[:SHOWN_IDS])
        more = len(report.disputed_records) - SHOWN_IDS
        console.print(Text(f"Disputed records: {shown}"
                           + (f" and {more:,} more (--json lists them all)" if more > 0
                              else "")))
    _print_adjudication(report)


def _print_tables(headline: str, note: str, tables: Callable[[], list[Table]]) -> None:
    """The headline, then why nothing could be measured or the report's tables."""
    console.print(headline)
    if note:
        console.print(Text(f"{note[:1].upper()}{note[1:]}."))
    else:
        for table in tables():
            console.print(table)


def _span_overall(report: SpanAgreement) -> Table:
    table = Table("measure", "precision", "recall", "F1", "note",
                  title="Entity agreement, mean over pairs of annotators")
    for name, scores in (("strict (same start, end, label)", report.strict),
                         ("partial (overlap, same label)", report.partial)):
        table.add_row(name, *_scores(scores), "")
    kappa = report.kappa
    table.add_row("token kappa (Light's: mean of Cohen's)", "", "", _value(kappa),
                  Text(f"{_strength(kappa)}; {kappa.n_items:,} tokens"
                       + (f"; {kappa.note}" if kappa.note and kappa.value is not None
                          else "")))
    return table


def _span_pairs(report: SpanAgreement) -> Table:
    table = Table("annotator", "annotator", "shared", "same spans", "strict F1", "partial F1",
                  "token kappa", "strength", title="Annotator pairs (the second against the "
                                                  "first)")
    for pair in report.pairs:
        table.add_row(Text(pair.a), Text(pair.b), f"{pair.n_shared:,}", _share(pair.observed),
                      _number(pair.strict.f1), _number(pair.partial.f1), _value(pair.kappa),
                      _strength(pair.kappa))
    return table


def _span_labels(report: SpanAgreement) -> Table:
    table = Table("label", "spans", "strict P", "strict R", "strict F1", "partial F1",
                  title="Agreement per label (mean over pairs; records with 2+ annotators)")
    for row in report.labels:
        table.add_row(Text(row.label), f"{row.n_spans:,}", *_scores(row.strict),
                      _number(row.partial.f1))
    return table


def _scores(scores: SpanScores) -> tuple[str, str, str]:
    return _number(scores.precision), _number(scores.recall), _number(scores.f1)


def _number(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "-"


def _overall(report: AgreementReport) -> Table:
    table = Table("coefficient", "value", "strength", "records", "note",
                  title="Agreement beyond chance (1 = perfect, 0 = chance)")
    for name, found in (("Fleiss' kappa", report.fleiss_kappa),
                        ("Krippendorff's alpha (nominal)", report.krippendorff_alpha)):
        table.add_row(name, _value(found), _strength(found), f"{found.n_items:,}",
                      Text(found.note))
    return table


def _pairs(report: AgreementReport) -> Table:
    table = Table("annotator", "annotator", "shared", "same label", "Cohen's kappa", "strength",
                  title="Annotator pairs")
    for pair in report.pairs:
        table.add_row(Text(pair.a), Text(pair.b), f"{pair.n_shared:,}", _share(pair.observed),
                      _value(pair.kappa), _strength(pair.kappa))
    return table


def _annotators(report: AgreementReport) -> Table:
    table = Table("annotator", "answers", "compared", "agrees with the decision",
                  title="Annotators against adjudicated labels (records someone else decided)")
    for row in report.annotators:
        table.add_row(Text(row.annotator), f"{row.n_answers:,}", f"{row.n_compared:,}",
                      _share(row.agreement))
    return table


def _labels(report: AgreementReport) -> Table:
    table = Table("label", "records", "disputed", "rate", "most confused with",
                  title="Disagreement per label (records with 2+ answers)")
    for row in report.labels:
        confused = ", ".join(f"{other} ({n})" for other, n in row.confused_with[:3])
        table.add_row(Text(row.label), f"{row.n_items:,}", f"{row.n_disputed:,}",
                      _share(row.rate), Text(confused or "-"))
    return table


def _print_adjudication(report: AgreementReport | SpanAgreement) -> None:
    waiting = report.awaiting_adjudication
    if waiting == 0:
        console.print("No record waits for adjudication.")
        return
    console.print(f"[bold]{waiting:,}[/] {'records wait' if waiting != 1 else 'record waits'} for "
                  "adjudication: decide them on the adjudication page of the labeling web app "
                  f"([bold]{esc(str(report.adjudication_path))}[/]). Until then their final "
                  "answer follows labeling.policy in textloop.yaml.")


def _value(found: Coefficient) -> Text:
    return Text(f"{found.value:.3f}") if found.value is not None else Text("-", style="dim")


def _strength(found: Coefficient) -> str:
    from textloop.stages.agreement import strength

    return strength(found.value) if found.value is not None else found.note or "undefined"


def _share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "-"
