"""``textloop suggest``: fill the labeling queue with a query strategy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer

from textloop.cli.choices import one_of
from textloop.cli.commands.monitor import parse_time
from textloop.cli.console import (
    AsJson,
    ExecutorChoice,
    RichProgress,
    Text,
    console,
    esc,
    print_json,
)
from textloop.cli.context import current_project, open_project, open_store
from textloop.cli.main import app
from textloop.errors import InvalidInputError

if TYPE_CHECKING:
    from textloop.stages.active_learn import SuggestResult

_EPILOG = """Examples:\n
  textloop suggest\n
  textloop suggest --strategy margin --batch 100 --overlap 2\n
  textloop suggest --strategy span-mnlp --batch 50   (a span project)\n
  textloop suggest --from production --window 2000 --batch 50\n
  textloop suggest --from production --since 7d"""


@app.command(epilog=_EPILOG)
def suggest(
    strategy: Annotated[str | None, typer.Option(
        help=f"Query strategy: {one_of('query')} (default: labeling.strategy in "
             "textloop.yaml); span projects: the span-* strategies, cold-start, random or "
             "rule-coverage.")] = None,
    batch: Annotated[int | None, typer.Option(help="How many records to queue.")] = None,
    overlap: Annotated[int | None, typer.Option(
        help="Annotators per record (default: labeling.overlap).")] = None,
    seed: Annotated[int, typer.Option(help="Seed for strategies that sample.")] = 0,
    source: Annotated[str, typer.Option(
        "--from", help="pool (unlabeled records in the store) or production (disputed, "
                       "drifted and uncertain rows of the prediction log).")] = "pool",
    window: Annotated[int | None, typer.Option(
        min=1, help="--from production: the latest N logged predictions "
                    "(default: monitoring.window).")] = None,
    since: Annotated[str | None, typer.Option(
        help="--from production: rows logged since a date/time or an age (24h, 7d).")] = None,
    executor: ExecutorChoice = None,
    as_json: AsJson = False,
) -> None:
    """Pick the records worth labeling next and put them in the labeling queue."""
    from textloop.stages.active_learn import labeling_progress

    if source not in ("pool", "production"):
        raise InvalidInputError(f"--from {source!r} is not a source",
                                hint="use --from pool (default) or --from production")
    if source == "production":
        _from_production(window, since, batch, overlap, as_json)
        return
    with open_project() as project:
        result = cast("SuggestResult", project.suggest(
            strategy=strategy, batch=batch, overlap=overlap, seed=seed, executor=executor,
            progress=RichProgress()))
        progress = labeling_progress(project.store, project.config)
    if as_json:
        print_json({**result.to_dict(), "progress": progress.to_dict()})
        return
    how = result.basis or ("cold start: diverse, representative records" if result.cold_start
                           else f"model trained on {result.labeled:,} labels")
    console.print(f"Queued [bold]{result.queued}[/] of {result.pool_size:,} unlabeled records "
                  f"with {esc(result.strategy)} ({how}).")
    if result.suggested_spans:
        console.print(f"Stored {result.suggested_spans:,} spans the model found in them as "
                      "suggestions: the labeling page shows them to accept, and teach mode offers "
                      "them one by one.")
    if result.choice.get("noisy"):
        console.print(Text(_noise_line(result.choice)))
    console.print(f"Labeled by people so far: {progress.labeled:,}; "
                  f"{esc(progress.estimate_reason)}")
    if progress.flat:
        console.print(Text(f"Flat learning curve: {progress.flat_note}."))
    console.print("Next: textloop label   (opens the labeling app)")


def _noise_line(choice: dict) -> str:
    """Why the batch keeps away from some records: the default's noise switch fired."""
    evidence = ("annotators' answers disagree on" if choice.get("evidence") == "votes"
                else "out-of-fold models contradict")
    classes = ", ".join(choice.get("noisy_classes") or [str(choice.get("noisiest_class"))])
    share = choice.get("class_share", choice.get("contradicted_share"))
    amount = f" {share:.0%} of" if isinstance(share, float) else ""
    return (f"Unreliable labels: {evidence}{amount} the records labeled {classes}, so this "
            "batch keeps away from records near them (review them: textloop clean).")


def _from_production(window: int | None, since: str | None, batch: int | None,
                     overlap: int | None, as_json: bool) -> None:
    from textloop.stages.active_learn import KINDS, suggest_from_production

    project = current_project()
    with open_store(project) as store:
        result = suggest_from_production(store, project, last=window,
                                         since=parse_time(since, "--since"), batch=batch,
                                         overlap=overlap)
    if as_json:
        print_json(result.to_dict())
        return
    kinds = ", ".join(f"{result.count(kind)} {kind}" for kind in KINDS)
    console.print(f"Queued [bold]{result.queued}[/] of {result.rows_read:,} logged "
                  f"predictions ({kinds}); {result.skipped} already queued or labeled.")
    console.print("Drifted rows from monitor report "
                  f"{esc(result.report_id)}." if result.report_id else
                  "No monitor report yet: run `textloop monitor` to add drifted rows.")
    console.print("Next: textloop label   (opens the labeling app)")
