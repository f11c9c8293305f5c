"""``textloop export mlflow``: runs (and registered versions) into an MLflow tracking store;
``textloop export release``: a release as JSONL, CSV, Parquet, HF or TFRecord (and a span
release as CoNLL, span JSONL, doccano, Label Studio or HF token files)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, Text, console, esc, print_json
from textloop.cli.context import current_project, open_project, open_store
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.export import MlflowExport, ReleaseExport

export_app = typer.Typer(help="Copy runs into other tools' stores, or write a release in "
                              "other tools' file formats.", no_args_is_help=True)
app.add_typer(export_app, name="export",
              help="Copy runs and registered versions into MLflow (optional extra), or "
                   "write a release as JSONL, CSV, Parquet, HF or TFRecord files (span "
                   "releases also as CoNLL, doccano or Label Studio).")

# Literal lists: --help must not import the export stage (``tests/unit/cli/test_main.py``)
_RELEASE_FORMATS = ("jsonl, csv, parquet, hf, tfrecord (classification, regression); conll, "
                    "jsonl, doccano, label-studio, hf, parquet, csv (spans)")
_TOKENIZERS = "auto, whitespace, words"
_RELEASE_EPILOG = """Examples:\n
  textloop export release v2 --format csv --out exports/v2-csv\n
  textloop export release latest --format tfrecord --out exports/tfrecord\n
  textloop export release v2 --format conll --out exports/conll\n
  textloop export release latest --format hf --out exports/hf --scheme IOBES\n
  textloop export release v2 --format jsonl --out exports/jsonl --json"""

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


@export_app.command("release", epilog=_RELEASE_EPILOG)
def release(
    release_id: Annotated[str, typer.Argument(metavar="RELEASE",
                                              help="The release: v3, or latest.")],
    format: Annotated[str, typer.Option("--format", help=f"One of {_RELEASE_FORMATS}.")],
    out: Annotated[Path, typer.Option(help="A new (or empty) folder for the files: one "
                                           "file, or HF dataset folder, per split, with the "
                                           "card, dataset.yaml and manifest.json.")],
    scheme: Annotated[str, typer.Option(
        help="conll and hf: tag scheme (IOB1, IOB2/BIO, IOBES, BILOU).")] = "IOB2",
    tokenizer: Annotated[str, typer.Option(
        help=f"conll and hf: how texts become tokens ({_TOKENIZERS}); auto keeps "
             "whitespace tokens when every span falls on them.")] = "auto",
    as_json: AsJson = False,
) -> None:
    """Write a release's splits in the formats people load; each file imports back.

    The release's task decides the formats. CSV cells a spreadsheet would run as formulas
    get a guarding quote, which `textloop import` drops again. Span releases: spans are code
    points over the stored text; token formats (conll, hf) widen a span that cuts a token to
    the tokens covering it, and say how many. See docs/publishing.md and docs/spans.md.
    """
    with open_project() as project:
        result = project.export_release(release_id, format=format, out=out, scheme=scheme,
                                        tokenizer=tokenizer, progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    _print_release_export(result)


def _print_release_export(result: ReleaseExport) -> None:
    for name, path in result.files.items():
        console.print(f"{name}: {result.records[name]:,} records -> {esc(str(path))}")
    if result.tokenizer:
        console.print(f"tags {esc(result.scheme or '')}, tokens: {esc(result.tokenizer)}")
    if result.widened or result.dropped:
        console.print(f"[yellow]{result.widened:,} spans widened to token boundaries, "
                      f"{result.dropped:,} dropped[/]; first: {esc(result.first_misaligned or '')}")
    spans = f": {result.spans:,} spans" if result.spans else ""
    console.print(f"Exported {result.release} as {esc(result.format)}{spans}; described in "
                  f"{esc(str(result.dataset_yaml))}")


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
