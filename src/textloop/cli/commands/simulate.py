"""``textloop simulate-al``: replay active learning on a labeled file, before labeling anything."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, Text, console, esc, print_json
from textloop.cli.main import app
from textloop.errors import InvalidInputError

if TYPE_CHECKING:
    from textloop.stages.simulate import SimulationResult

_EPILOG = """Examples:\n
  textloop simulate-al labeled.csv --strategy random,margin,cluster-margin --seeds 5 --budget 1000\n
  textloop simulate-al tickets.jsonl.gz --text-col body --label-col queue --batch 25 --out sim\n
  textloop simulate-al wnut17/train.conll --schedule 50,100,200,400,800 --seeds 3\n
  textloop simulate-al entities.jsonl --format spans-jsonl --strategy random,span-mnlp"""


@app.command("simulate-al", epilog=_EPILOG)
def simulate_al(
    data: Annotated[Path, typer.Argument(help="A labeled file in any format `textloop import` "
                                              "reads, or a span file (CoNLL, span JSONL ...); "
                                              "a 'split' column with 'test' rows is used as "
                                              "the test set.")],
    strategy: Annotated[str | None, typer.Option(
        help="Comma-separated strategies (random is always added as the baseline; default: "
             "random,default, or random,span-default for a span file).")] = None,
    seeds: Annotated[int, typer.Option(help="Repetitions with different seeds.")] = 5,
    budget: Annotated[int, typer.Option(help="Labels per session, first batch included.")
                      ] = 1000,
    batch: Annotated[int, typer.Option(help="Labels per round.")] = 50,
    initial: Annotated[int | None, typer.Option(
        help="Size of the cold-start first batch (default: --batch).")] = None,
    text_col: Annotated[str | None, typer.Option(help="Column with the text.")] = None,
    label_col: Annotated[str | None, typer.Option(help="Column with the label.")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="The file's format, as for `textloop import` (conll, spans-jsonl, "
                         "... for span files; default: detected).")] = None,
    schedule: Annotated[str | None, typer.Option(
        help="Span files: labeled sentences after each round, e.g. 50,100,200,400,800 (sets "
             "the first batch and the budget).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for curves, figure and savings table.")
                   ] = Path("simulation"),
    as_json: AsJson = False,
) -> None:
    """Simulate active learning with the file's labels as the annotator; compare strategies."""
    from textloop.stages.simulate import simulate_al as run_simulation

    result = run_simulation(data, strategies=strategy.split(",") if strategy else None,
                            seeds=seeds, budget=budget, batch=batch, initial=initial,
                            text_col=text_col, label_col=label_col, out_dir=out,
                            progress=RichProgress(), fmt=fmt,
                            schedule=_counts(schedule) if schedule else ())
    if as_json:
        print_json(result.to_dict())
        return
    _print_table(result)
    console.print(f"Files in [bold]{esc(str(result.out_dir))}[/]: curves.json, "
                  "learning_curves.png, savings.json, savings.md "
                  f"({result.seconds:.0f}s)")
    console.print(Text(result.verdict))


def _counts(schedule: str) -> list[int]:
    try:
        return [int(part) for part in schedule.split(",") if part.strip()]
    except ValueError:
        raise InvalidInputError(f"--schedule {schedule!r} is not a list of label counts",
                                hint="e.g. --schedule 50,100,200,400,800") from None


def _print_table(result: SimulationResult) -> None:
    """The savings table; the stop signal goes on its own line so the table fits 80 columns."""
    from textloop.stages.simulate import (
        metric_name,
        plateau_text,
        stop_text,
        table_cells,
        table_header,
        table_note,
    )

    metric = metric_name(result.metric)
    table = Table(title=f"Labels to reach 95% and 98% of the full-data {metric} "
                        f"({result.reference_score:.3f})",
                  caption=table_note(result.budget, metric),
                  caption_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  collapse_padding=True)
    for i, name in enumerate(table_header(with_stop=False)):
        table.add_column(name, no_wrap=True, justify="left" if i == 0 else "right")
    for row in result.rows:
        table.add_row(*(Text(cell) for cell in table_cells(row, with_stop=False)))
    console.print(table)
    stops = ", ".join(f"{row.strategy} {stop_text(row)}" for row in result.rows)
    console.print(Text(f"stop at: {stops}"))
    flats = ", ".join(f"{row.strategy} {plateau_text(row)}" for row in result.rows)
    console.print(Text(f"flat from: {flats}"))
