"""``textloop agreement``: inter-annotator agreement, where annotators disagree, what waits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from textloop.cli.console import console, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.agreement import AgreementReport, Coefficient

_EPILOG = """Examples:\n
  textloop agreement\n
  textloop agreement --json > agreement.json"""


@app.command(epilog=_EPILOG)
def agreement(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    min_shared: Annotated[int, typer.Option(
        min=2, help="Records two annotators must share before their kappa is shown.")] = 10,
) -> None:
    """Agreement between annotators (Cohen, Fleiss, Krippendorff) and disputed records."""
    from textloop.stages.agreement import agreement_report

    project = current_project()
    with open_store(project) as store:
        report = agreement_report(store, project, min_shared=min_shared)
    if as_json:
        print_json(report.to_dict())
        return
    _print_report(report)


def _print_report(report: AgreementReport) -> None:
    console.print(f"Human answers on {report.n_records:,} records; {report.n_overlapping:,} "
                  f"answered by two or more annotators, {report.n_disputed:,} of them disputed.")
    if report.note:
        console.print(Text(f"{report.note[:1].upper()}{report.note[1:]}."))
    else:
        console.print(_overall(report))
        console.print(_pairs(report))
        console.print(_annotators(report))
        console.print(_labels(report))
    _print_adjudication(report)


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


def _print_adjudication(report: AgreementReport) -> None:
    waiting = report.awaiting_adjudication
    if waiting == 0:
        console.print("No record waits for adjudication.")
        return
    console.print(f"[bold]{waiting:,}[/] record{'s' if waiting != 1 else ''} wait for "
                  f"adjudication: decide them on the adjudication page of the labeling web app "
                  f"([bold]{report.adjudication_path}[/]). Until then their final label follows "
                  "labeling.policy in textloop.yaml.")


def _value(found: Coefficient) -> Text:
    return Text(f"{found.value:.3f}") if found.value is not None else Text("-", style="dim")


def _strength(found: Coefficient) -> str:
    from textloop.stages.agreement import strength

    return strength(found.value) if found.value is not None else found.note or "undefined"


def _share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "-"
