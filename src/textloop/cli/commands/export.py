"""``textloop export mlflow``: runs (and registered versions) into an MLflow tracking store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from textloop.cli.console import AsJson, RichProgress, console, esc, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.export import MlflowExport

export_app = typer.Typer(help="Copy runs into other tools' stores.", no_args_is_help=True)
app.add_typer(export_app, name="export",
              help="Copy runs and registered versions into MLflow (optional extra).")

_MLFLOW_EPILOG = """Examples:\n
  textloop export mlflow --tracking-uri sqlite:///mlflow.db\n
  textloop export mlflow embed-lr-3 --tracking-uri http://localhost:5000 --experiment spam\n
  textloop export mlflow --tracking-uri sqlite:///mlflow.db --registered-model spam-filter"""


@export_app.command("mlflow", epilog=_MLFLOW_EPILOG)
def mlflow(
    run: Annotated[list[str] | None, typer.Argument(
        help="Runs to export (run names, numbers, ids, versions such as m3, aliases); all "
             "runs when none are given.")] = None,
    tracking_uri: Annotated[str, typer.Option(
        envvar="MLFLOW_TRACKING_URI",
        help="MLflow tracking store: sqlite:///mlflow.db, http://host:5000, databricks.")] = "",
    experiment: Annotated[str | None, typer.Option(
        help="Experiment name (created when missing; default: the project name).")] = None,
    artifact_location: Annotated[str | None, typer.Option(
        help="Where a newly created experiment keeps artifacts (default: the store's).")
    ] = None,
    registered_model: Annotated[str | None, typer.Option(
        help="Also export registered versions and their aliases as versions of this MLflow "
             "model.")] = None,
    as_json: AsJson = False,
) -> None:
    """Copy runs into MLflow: params, metric histories, tags, times, evaluation reports.

    Exporting again updates the same MLflow runs (found by their textloop.run_id tag)
    instead of duplicating them. Needs the mlflow extra: pip install "textloop\\[mlflow]".
    """
    from textloop.stages.export import export_to_mlflow
    from textloop.storage.model_versions import version_name

    project = current_project()
    with open_store(project) as store:
        result = export_to_mlflow(store, project, run or [], tracking_uri=tracking_uri,
                                  experiment=experiment, artifact_location=artifact_location,
                                  registered_model=registered_model, progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    console.print(_runs_table(result))
    for version in result.versions:
        aliases = f" @{', @'.join(version.aliases)}" if version.aliases else ""
        console.print(f"{version_name(version.version)} -> {esc(result.registered_model or '')} "
                      f"version {version.mlflow_version}{esc(aliases)}")
    console.print(f"Exported {len(result.runs)} runs to experiment "
                  f"[bold]{esc(result.experiment)}[/] ({result.experiment_id}) "
                  f"at {esc(result.tracking_uri)}")


def _runs_table(result: MlflowExport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("run", no_wrap=True)
    table.add_column("MLflow run id", no_wrap=True, min_width=32)
    table.add_column("")
    table.add_column("new values", justify="right")
    table.add_column("artifacts", overflow="fold")
    for item in result.runs:
        table.add_row(Text(item.name), item.mlflow_run_id,
                      "created" if item.created else "updated", str(item.metrics_added),
                      Text(", ".join(item.artifacts)))
    return table
