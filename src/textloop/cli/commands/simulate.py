"""``textloop simulate-al``: replay active learning on a labeled file, before labeling anything."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, Text, console, esc, print_json
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.simulate import SimulationResult

_EPILOG = """Examples:\n
  textloop simulate-al labeled.csv --strategy random,margin,cluster-margin --seeds 5 --budget 1000\n
  textloop simulate-al tickets.jsonl.gz --text-col body --label-col queue --batch 25 --out sim"""


@app.command("simulate-al", epilog=_EPILOG)
def simulate_al(
    data: Annotated[Path, typer.Argument(help="A labeled file in any format `textloop import` "
                                              "reads; a 'split' column with 'test' rows is "
                                              "used as the test set.")],
    strategy: Annotated[str, typer.Option(
        help="Comma-separated strategies (random is always added as the baseline).")
                        ] = "random,default",
    seeds: Annotated[int, typer.Option(help="Repetitions with different seeds.")] = 5,
    budget: Annotated[int, typer.Option(help="Labels per session, first batch included.")
                      ] = 1000,
    batch: Annotated[int, typer.Option(help="Labels per round.")] = 50,
    initial: Annotated[int | None, typer.Option(
        help="Size of the cold-start first batch (default: --batch).")] = None,
    text_col: Annotated[str | None, typer.Option(help="Column with the text.")] = None,
    label_col: Annotated[str | None, typer.Option(help="Column with the label.")] = None,
    out: Annotated[Path, typer.Option(help="Folder for curves, figure and savings table.")
                   ] = Path("simulation"),
    as_json: AsJson = False,
) -> None:
    """Simulate active learning with the file's labels as the annotator; compare strategies."""
    from textloop.stages.simulate import simulate_al as run_simulation

    result = run_simulation(data, strategies=strategy.split(","), seeds=seeds, budget=budget,
                            batch=batch, initial=initial, text_col=text_col,
                            label_col=label_col, out_dir=out, progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    _print_table(result)
    console.print(f"Files in [bold]{esc(str(result.out_dir))}[/]: curves.json, "
                  "learning_curves.png, savings.json, savings.md "
                  f"({result.seconds:.0f}s)")
    console.print(Text(result.verdict))


def _print_table(result: SimulationResult) -> None:
    """The savings table; the stop signal goes on its own line so the table fits 80 columns."""
    from textloop.stages.simulate import stop_text, table_cells, table_header, table_note

    table = Table(title=f"Labels to reach 95% and 98% of the full-data macro-F1 "
                        f"({result.reference_macro_f1:.3f})", caption=table_note(result.budget),
                  caption_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  collapse_padding=True)
    for i, name in enumerate(table_header(with_stop=False)):
        table.add_column(name, no_wrap=True, justify="left" if i == 0 else "right")
    for row in result.rows:
        table.add_row(*(Text(cell) for cell in table_cells(row, with_stop=False)))
    console.print(table)
    stops = ", ".join(f"{row.strategy} {stop_text(row)}" for row in result.rows)
    console.print(Text(f"stop at: {stops}"))
