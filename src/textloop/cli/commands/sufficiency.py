"""``textloop learning-curve``: is there enough data for the goal in textloop.yaml?"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from textloop.cli.commands.modeling import _parse_params
from textloop.cli.console import AsJson, RichProgress, Text, console, esc, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app
from textloop.errors import InvalidInputError

_EPILOG = """Examples:\n
  textloop learning-curve\n
  textloop learning-curve --release v2 --model embed-lr --folds 3"""


def _fractions(text: str) -> tuple[float, ...]:
    """``0.1,0.2,0.5,1`` into sorted fractions in (0, 1]."""
    try:
        values = sorted({float(part) for part in text.split(",") if part.strip()})
    except ValueError as exc:
        raise InvalidInputError(f"--fractions {text!r} is not a list of numbers",
                                hint="e.g. --fractions 0.1,0.2,0.35,0.5,0.7,1") from exc
    if not values or values[0] <= 0 or values[-1] > 1:
        raise InvalidInputError(f"--fractions {text!r}: each must lie in (0, 1]",
                                hint="e.g. --fractions 0.1,0.2,0.35,0.5,0.7,1")
    return tuple(values)


@app.command("learning-curve", epilog=_EPILOG)
def learning_curve(
    release: Annotated[str, typer.Option(help="Release id, or 'latest'.")] = "latest",
    model: Annotated[str, typer.Option(help="tfidf-lr, embed-lr, embed-mlp or a full name.")
                     ] = "tfidf-lr",
    folds: Annotated[int, typer.Option(help="Cross-validation folds per fraction.")] = 5,
    fractions: Annotated[str, typer.Option(help="Fractions of the train split to train on.")
                         ] = "0.1,0.2,0.35,0.5,0.7,1",
    param: Annotated[list[str], typer.Option(help="Hyper-parameter KEY=VALUE (repeatable).")
                     ] = [],  # noqa: B006 - typer needs a literal default
    seed: Annotated[int, typer.Option(help="Seed of the folds and the fraction order.")] = 0,
    as_json: AsJson = False,
) -> None:
    """Train on growing fractions of the train split; say what more labels would bring.

    Answers with the expected goal metric at twice the labels and the labels estimated
    to reach the goal in textloop.yaml, and writes a figure (SVG, PNG) and a JSON file.
    """
    from textloop.stages.select import data_sufficiency

    project = current_project()
    with open_store(project) as store:
        result = data_sufficiency(store, project, model=model, release=release, folds=folds,
                                  fractions=_fractions(fractions), params=_parse_params(param),
                                  seed=seed, progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    table = Table("fraction", "labels", result.answer.metric, "± std",
                  title=f"{result.model.split('.')[2]} on {result.release_id}")
    for p in result.points:
        table.add_row(f"{p.fraction:.0%}", f"{p.labels:,}", f"{p.mean:.4f}", f"{p.std:.4f}")
    console.print(table)
    console.print(Text(result.answer.sentence))
    console.print(f"Figure: {esc(str(result.png_path))}\n        {esc(str(result.svg_path))}\n"
                  f"JSON:   {esc(str(result.json_path))}")
