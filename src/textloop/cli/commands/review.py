"""``textloop review``: what a cleaning run flagged, what is decided, and where to review it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import typer
from rich.table import Table

from textloop.cli.console import Text, console, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app

_EPILOG = """Examples:\n
  textloop review\n
  textloop review --cleaning c2 --json\n
  textloop review --kind pii --label spam\n
  textloop review --kind label_issue --max-score 0.2\n
  textloop review --kind wrong_type --label LOC   (span findings of type LOC)\n
Reviewing happens in the browser: start `textloop label` and open /review (adjudicator or
admin role)."""
STATUSES = ("open", "accepted", "relabeled", "kept", "excluded", "merged")


@app.command("review", epilog=_EPILOG)
def review(
    cleaning: Annotated[str, typer.Option(help="Cleaning run to summarise (c1, c2...).")
                        ] = "latest",
    kind: Annotated[str | None, typer.Option(
        help="Only findings of this kind (label_issue, duplicate, pii...).")] = None,
    label: Annotated[str | None, typer.Option(
        help="Only findings whose record currently has this label; span findings of this "
             "span type (given or suggested).")] = None,
    min_score: Annotated[float | None, typer.Option(
        help="Only findings scored at least this (findings without a score are left out).")
    ] = None,
    max_score: Annotated[float | None, typer.Option(
        help="Only findings scored at most this (label issues: label quality, low = suspect).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Findings of a `textloop clean` run by kind and decision, and how to review them.

    With --kind, --label, --min-score or --max-score the counts cover the findings the
    filter keeps and the first open ones are listed; /review takes the same filter.
    """
    from textloop.stages.review import ReviewFilter, review_summary

    project = current_project()
    flt = ReviewFilter(kind=kind, label=label, min_score=min_score, max_score=max_score)
    with open_store(project) as store:
        summary = review_summary(store, cleaning, project=project, flt=flt)
    if as_json:
        print_json(summary.to_dict())
        return
    table = Table("finding", *STATUSES, title=f"Review of {summary.cleaning_id}: "
                                              f"{summary.open:,} open, {summary.decided:,} decided")
    for name, counts in summary.by_kind.items():
        table.add_row(Text(name), *(f"{counts.get(s, 0):,}" for s in STATUSES))
    console.print(table)
    for row in summary.first_open:
        score = "" if row["score"] is None else f" ({row['score']:.3f})"
        console.print(Text(f"  #{row['finding_id']} {row['kind']}{score} record "
                           f"{row['record_id']}: {row['reason']}"))
    if summary.batches:
        console.print(Text("Open label issues in review order, by batch (estimated precision: "
                           "the expected share of real label errors):"))
        for batch in summary.batches:
            console.print(Text(f"  {batch['first']:,}-{batch['last']:,}: "
                               f"{batch['expected_precision']:.0%}"))
    console.print(Text(f"Records excluded from releases: {summary.excluded_records:,}"))
    console.print(Text(f"Review in the browser: run `textloop label`, then open "
                       f"{summary.path}{_query(flt.to_dict())} (adjudicator or admin role). "
                       "Every decision can be undone there."))


def _query(values: dict[str, object]) -> str:
    """The filter as the page's query string (empty without a filter)."""
    given = {key: value for key, value in values.items() if value is not None}
    return f"?{urlencode(given)}" if given else ""
