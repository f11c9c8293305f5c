"""``textloop preannotate``: ask an LLM for suggested spans ahead of labeling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, console, esc, print_json
from textloop.cli.context import open_project
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.label import PreannotateResult

_EPILOG = """Examples:\n
  textloop preannotate\n
  textloop preannotate --limit 200\n
  textloop preannotate --json"""


@app.command(epilog=_EPILOG)
def preannotate(
    limit: Annotated[int | None, typer.Option(
        min=1, help="Ask about the first N queued records only (default: the whole queue).")
                     ] = None,
    as_json: AsJson = False,
) -> None:
    """Ask the LLM in labeling.suggest_llm for spans on queued records, ahead of labeling."""
    with open_project() as project:
        result = cast("PreannotateResult",
                      project.preannotate(limit=limit, progress=RichProgress()))
    if as_json:
        print_json(result.to_dict())
        return
    _print(result)


def _print(result: PreannotateResult) -> None:
    if result.waiting == 0:
        console.print("No records wait in the labeling queue: queue some with "
                      "`textloop suggest`, then pre-annotate them.")
        return
    console.print(f"{result.waiting:,} queued records: asked {esc(result.model)} "
                  f"({esc(result.prompt)}) about {result.asked:,}, {result.cached:,} "
                  f"already pre-annotated; {result.suggested:,} "
                  f"span{'' if result.suggested == 1 else 's'} suggested.")
    if result.dropped:
        table = Table("dropped from the answers", "count")
        for reason, n in sorted(result.dropped.items()):
            table.add_row(reason.replace("_", " "), f"{n:,}")
        console.print(table)
    shown = ", ".join(result.examples) or "none (no record labeled by a person yet)"
    console.print(f"Examples in the prompt: {esc(shown)}")
    console.print("Suggestions are shown on the labeling page for annotators to accept or "
                  "reject. Next: textloop label")
