"""``textloop preannotate``: suggested spans ahead of labeling, from the current span model
or an LLM."""

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
  textloop preannotate --source model\n
  textloop preannotate --source model --run span-rules-2\n
  textloop preannotate --source llm --limit 200\n
  textloop preannotate --json"""


@app.command(epilog=_EPILOG)
def preannotate(
    source: Annotated[str | None, typer.Option(
        help="Who suggests: model (the current span model) or llm (labeling.suggest_llm). "
             "Default: llm where labeling.suggest_llm is set and no --run is given, else "
             "model.")] = None,
    run: Annotated[str | None, typer.Option(
        help="The span run, model version or alias to predict with (default: the champion, "
             "else the latest finished run).")] = None,
    limit: Annotated[int | None, typer.Option(
        min=1, help="Ask about the first N queued records only (default: the whole queue).")
                     ] = None,
    as_json: AsJson = False,
) -> None:
    """Suggest spans for queued records ahead of labeling, from the current span model or
    the LLM in labeling.suggest_llm; suggestions are cached and shown on the labeling page."""
    with open_project() as project:
        result = cast("PreannotateResult",
                      project.preannotate(source=source, run=run, limit=limit,
                                          progress=RichProgress()))
    if as_json:
        print_json(result.to_dict())
        return
    _print(result)


_CHOSEN = {"champion": "the champion", "latest": "the latest finished run, no champion yet",
           "given": "as asked"}


def _print(result: PreannotateResult) -> None:
    if result.waiting == 0:
        console.print("No records wait in the labeling queue: queue some with "
                      "`textloop suggest`, then pre-annotate them.")
        return
    spans = f"{result.suggested:,} span{'' if result.suggested == 1 else 's'} suggested."
    if result.source == "model":
        version = f", {result.version}" if result.version else ""
        console.print(f"Model: run {esc(result.run or '')} ({esc(result.model)}{version}; "
                      f"{_CHOSEN.get(result.chosen or '', esc(result.chosen or ''))})")
        console.print(f"{result.waiting:,} queued records: predicted {result.asked:,}, "
                      f"{result.cached:,} already pre-annotated by this run; {spans}")
    else:
        console.print(f"{result.waiting:,} queued records: asked {esc(result.model)} "
                      f"({esc(result.prompt or '')}) about {result.asked:,}, "
                      f"{result.cached:,} already pre-annotated; {spans}")
    if result.dropped:
        table = Table("dropped from the answers", "count")
        for reason, n in sorted(result.dropped.items()):
            table.add_row(reason.replace("_", " "), f"{n:,}")
        console.print(table)
    if result.source != "model":
        shown = ", ".join(result.examples) or "none (no record labeled by a person yet)"
        console.print(f"Examples in the prompt: {esc(shown)}")
    console.print("Suggestions are shown on the labeling page for annotators to accept or "
                  "reject. Next: textloop label")
