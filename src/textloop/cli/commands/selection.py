"""``textloop cv | search | runs``: model selection and runs side by side."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from textloop.cli.commands.modeling import _parse_params
from textloop.cli.console import (
    AsJson,
    ExecutorChoice,
    RichProgress,
    Text,
    console,
    esc,
    print_json,
)
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app
from textloop.errors import InvalidInputError

if TYPE_CHECKING:
    from textloop.stages.runs import RunRow

_MODEL_HELP = "tfidf-lr, embed-lr, embed-mlp or a full name."
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$")


def parse_budget(text: str) -> float:
    """``120``, ``120s``, ``5m`` or ``1h`` in seconds."""
    match = _DURATION.match(text)
    if not match:
        raise InvalidInputError(f"--budget {text!r} is not a duration",
                                hint="e.g. --budget 120s, --budget 5m or --budget 1h")
    return float(match[1]) * {"s": 1, "m": 60, "h": 3600}[match[2] or "s"]


@app.command(epilog="Example: textloop cv --model tfidf-lr --folds 5 --param C=3")
def cv(
    model: Annotated[str, typer.Option(help=_MODEL_HELP)] = "tfidf-lr",
    release: Annotated[str, typer.Option(help="Release id, or 'latest'.")] = "latest",
    folds: Annotated[int, typer.Option(help="Number of stratified folds.")] = 5,
    param: Annotated[list[str], typer.Option(help="Hyper-parameter KEY=VALUE (repeatable).")
                     ] = [],  # noqa: B006 - typer needs a literal default
    seed: Annotated[int, typer.Option(help="Seed of the fold assignment.")] = 0,
    executor: ExecutorChoice = None,
    as_json: AsJson = False,
) -> None:
    """Cross-validate a model on the train + validation rows: mean ± std per metric."""
    from textloop.stages.select import cross_validate

    project = current_project()
    with open_store(project) as store:
        result = cross_validate(store, project, model=model, release=release, folds=folds,
                                params=_parse_params(param), seed=seed, executor=executor,
                                progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    console.print(f"Run [bold]{esc(result.run_name)}[/] ({esc(result.model)}) on "
                  f"{result.release_id}: "
                  f"{result.folds} folds over {result.n_rows:,} rows in {result.seconds:.1f}s")
    mean, std = result.summary.mean, result.summary.std
    for key in mean:
        console.print(f"  {key:<12} {mean[key]:.4f} ± {std[key]:.4f}")


@app.command(epilog="Example: textloop search --model tfidf-lr --budget 120s --trials 30")
def search(
    model: Annotated[str, typer.Option(help=_MODEL_HELP)] = "tfidf-lr",
    release: Annotated[str, typer.Option(help="Release id, or 'latest'.")] = "latest",
    budget: Annotated[str, typer.Option(help="Time for the search: 120s, 5m, 1h.")] = "120s",
    trials: Annotated[int | None, typer.Option(help="Most trials (default: until the budget).")
                      ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds per trial.")] = 5,
    param: Annotated[list[str], typer.Option(help="Fix a hyper-parameter KEY=VALUE instead of "
                                                  "searching it (repeatable).")
                     ] = [],  # noqa: B006 - typer needs a literal default
    train_final: Annotated[bool, typer.Option(help="Train a model with the best values.")
                           ] = True,
    seed: Annotated[int, typer.Option(help="Seed of the sampler and the folds.")] = 0,
    executor: ExecutorChoice = None,
    as_json: AsJson = False,
) -> None:
    """Search the model's hyper-parameters (Optuna) for the goal metric, cross-validated.

    Records the trials as a run and trains the final model with the best values.
    Needs the search extra: pip install "textloop[search]".
    """
    from textloop.stages.select import search as run_search

    project = current_project()
    with open_store(project) as store:
        result = run_search(store, project, model=model, release=release,
                            budget_s=parse_budget(budget), trials=trials, folds=folds,
                            params=_parse_params(param), seed=seed, train_final=train_final,
                            executor=executor, progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    done = sum(t.state == "COMPLETE" for t in result.trials)
    console.print(f"Run [bold]{esc(result.run_name)}[/]: {done} trials complete, "
                  f"{len(result.trials) - done} cut by the budget, in {result.seconds:.1f}s "
                  f"(budget {result.budget_s:g}s)")
    console.print(f"Best {result.metric} {result.best_value:.4f} ± {result.best_std:.4f} with "
                  + esc(", ".join(f"{k}={v}" for k, v in result.best_params.items())))
    if result.final is not None:
        console.print(f"Trained [bold]{esc(result.final.run_name)}[/] with these values. "
                      f"Next: textloop evaluate {esc(result.final.run_name)}")


@app.command(epilog="Example: textloop runs --release v2 --sort macro_f1")
def runs(
    release: Annotated[str | None, typer.Option(help="Only runs on this release.")] = None,
    sort: Annotated[str | None, typer.Option(
        help="Best first by a metric (val/macro_f1, or macro_f1: cv/, else val/, else test/), "
             "or 'duration'.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compare runs side by side: params, metrics, release, duration, status."""
    from textloop.stages.runs import run_rows, runs_note

    project = current_project()
    with open_store(project) as store:
        rows = run_rows(store, release=release, sort=sort)
        note = runs_note(rows, store) if not as_json else None
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    if not rows:
        console.print("No runs yet. Train one with `textloop train` or `textloop cv`.")
        return
    console.print(_table(rows, project.spec.goal.metric))
    if note:
        console.print(f"[yellow]note:[/] {esc(note)}")


def _table(rows: list[RunRow], goal_metric: str) -> Table:
    from textloop.stages.runs import metric_columns

    columns = metric_columns(rows, goal_metric)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  title=f"{goal_metric} (goal metric)",
                  caption="run: kind-model-number; params: values changed from the "
                          "model's defaults")
    table.add_column("run", no_wrap=True)
    table.add_column("params", overflow="fold", ratio=1)
    table.add_column("release", no_wrap=True)  # beside the scores it qualifies
    for key in columns:
        table.add_column(key.split("/")[0], justify="right", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for r in rows:
        params = "\n".join(f"{k}={_short(v)}" for k, v in r.changed.items())
        cells = [_metric(r.metrics, key) for key in columns]
        duration = "" if r.duration is None else f"{r.duration:.0f}s"
        table.add_row(Text(r.name), Text(params), Text(r.release or ""),
                      *cells, duration, r.status)
    return table


def _metric(metrics: dict[str, float], key: str) -> str:
    if key not in metrics:
        return ""
    std = metrics.get(f"{key}_std")
    return f"{metrics[key]:.4f}" + ("" if std is None else f"±{std:.3f}")


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
