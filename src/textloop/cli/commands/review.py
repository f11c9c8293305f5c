"""``textloop review``: what a cleaning run flagged, what is decided, and where to review it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from textloop.cli.console import console
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app

_EPILOG = """Examples:\n
  textloop review\n
  textloop review --cleaning c2 --json\n
Reviewing happens in the browser: start `textloop label` and open /review (adjudicator or
admin role)."""
STATUSES = ("open", "accepted", "relabeled", "kept", "excluded", "merged")


@app.command("review", epilog=_EPILOG)
def review(
    cleaning: Annotated[str, typer.Option(help="Cleaning run to summarise (c1, c2...).")
                        ] = "latest",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Findings of a `textloop clean` run by kind and decision, and how to review them."""
    from textloop.stages.review import review_summary

    project = current_project()
    with open_store(project) as store:
        summary = review_summary(store, cleaning)
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
        return
    table = Table("finding", *STATUSES, title=f"Review of {summary.cleaning_id}: "
                                              f"{summary.open:,} open, {summary.decided:,} decided")
    for kind, counts in summary.by_kind.items():
        table.add_row(Text(kind), *(f"{counts.get(s, 0):,}" for s in STATUSES))
    console.print(table)
    console.print(Text(f"Records excluded from releases: {summary.excluded_records:,}"))
    console.print(Text(f"Review in the browser: run `textloop label`, then open {summary.path} "
                       "(adjudicator or admin role). Every decision can be undone there."))
