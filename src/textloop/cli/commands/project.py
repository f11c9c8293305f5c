"""``textloop init``: create a project folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from textloop.cli.console import console
from textloop.cli.main import app
from textloop.config import Goal
from textloop.stages.project import init_project, parse_labels


@app.command(epilog="Example: textloop init spam-filter --labels spam,ham")
def init(
    name: Annotated[str, typer.Argument(help="Folder to create (its name is the project name).")],
    labels: Annotated[str, typer.Option(
        help="Labels as 'a,b' or with descriptions 'spam=Unwanted ads;ham=Everything else'.")] = "",
    text_field: Annotated[str, typer.Option(help="Column that holds the text.")] = "text",
    metadata_fields: Annotated[str, typer.Option(
        help="Comma-separated metadata columns to keep on import.")] = "",
    goal_metric: Annotated[str, typer.Option(help="Metric the goal is stated in.")] = "macro_f1",
    goal_target: Annotated[float, typer.Option(help="Target value of the goal metric.")] = 0.9,
) -> None:
    """Create a project: textloop.yaml (the task spec) and an empty store."""
    project = init_project(
        Path(name), labels=parse_labels(labels), text_field=text_field,
        metadata_fields=[m.strip() for m in metadata_fields.split(",") if m.strip()],
        goal=Goal(metric=goal_metric, target=goal_target))
    console.print(f"Created project [bold]{project.spec.name}[/] in {project.root}")
    console.print(f"  spec:  {project.spec_path}\n  store: {project.store_url}")
    console.print(f"Next: cd {name} && textloop import data.csv --text-col text --label-col label")
