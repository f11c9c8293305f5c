"""``textloop suggest``: fill the labeling queue with a query strategy."""

from __future__ import annotations

from typing import Annotated

import typer

from textloop.cli.console import RichProgress, console, esc
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app

_EPILOG = """Examples:\n
  textloop suggest\n
  textloop suggest --strategy margin --batch 100 --overlap 2"""


@app.command(epilog=_EPILOG)
def suggest(
    strategy: Annotated[str | None, typer.Option(
        help="Query strategy (default: labeling.strategy in textloop.yaml), e.g. margin, "
             "entropy, qbc, cold-start, random.")] = None,
    batch: Annotated[int | None, typer.Option(help="How many records to queue.")] = None,
    overlap: Annotated[int | None, typer.Option(
        help="Annotators per record (default: labeling.overlap).")] = None,
    seed: Annotated[int, typer.Option(help="Seed for strategies that sample.")] = 0,
) -> None:
    """Pick the records worth labeling next and put them in the labeling queue."""
    from textloop.stages.active_learn import labeling_progress
    from textloop.stages.active_learn import suggest as run

    project = current_project()
    with open_store(project) as store:
        result = run(store, project, strategy=strategy, batch=batch, overlap=overlap,
                     seed=seed, progress=RichProgress())
        progress = labeling_progress(store, project)
    how = "cold start: diverse, representative records" if result.cold_start else (
        f"model trained on {result.labeled:,} labels")
    console.print(f"Queued [bold]{result.queued}[/] of {result.pool_size:,} unlabeled records "
                  f"with {esc(result.strategy)} ({how}).")
    console.print(f"Labeled by people so far: {progress.labeled:,}; "
                  f"{esc(progress.estimate_reason)}")
    console.print("Next: textloop label   (opens the labeling app)")
