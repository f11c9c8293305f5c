"""The ``textloop`` command: global options, error handling, and command registration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from textloop import __version__
from textloop.cli.console import render_error
from textloop.cli.context import set_project_dir
from textloop.errors import TextloopError

# Help lists commands in the order of the loop, not in the order modules register them.
LOOP_ORDER = ("init", "import", "crawl", "label", "suggest", "preannotate", "annotators",
              "agreement", "rules", "clean", "review", "synth", "release", "releases", "train",
              "evaluate", "predict",
              "learning-curve", "cv", "search", "runs",
              "register", "versions", "promote", "rollback", "lineage", "serve", "keys", "monitor",
              "export", "publish",
              "simulate-al", "status", "show", "models", "demo")


class _Group(TyperGroup):
    """Turns a ``TextloopError`` from any command into ``Error:``/``Hint:`` and its exit code.

    Doing it here (rather than in ``main``) means the test runner sees exactly what a
    user sees.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        rank = {name: i for i, name in enumerate(LOOP_ORDER)}
        return sorted(super().list_commands(ctx), key=lambda name: rank.get(name, len(rank)))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TextloopError as error:
            render_error(error)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    name="textloop",
    cls=_Group,
    help="From raw text to a monitored text model, and back.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"textloop {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    project: Annotated[Path | None, typer.Option(
        "--project", "-p", help="Project folder (default: the nearest folder with textloop.yaml).",
        envvar="TEXTLOOP_PROJECT")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    set_project_dir(project)


def main() -> None:
    """Console-script entry point."""
    app()


# Importing the command modules registers their commands on ``app``.
from textloop.cli import commands  # noqa: E402,F401
