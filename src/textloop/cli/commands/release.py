"""``textloop release | releases``: freeze labeled records into a version, list versions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, console, esc, print_json
from textloop.cli.context import current_project, open_project, open_store
from textloop.cli.main import app

if TYPE_CHECKING:  # the release stage (pandas, pyarrow) loads when a command runs
    from textloop.stages.release import ReleaseInfo

_RELEASE_EPILOG = """Examples:\n
  textloop release\n
  textloop release --group-col movie_name --seed 7 --message "relabeled 40 reviews"\n
  textloop release --group-col none"""


@app.command(epilog=_RELEASE_EPILOG)
def release(
    group_col: Annotated[str | None, typer.Option(
        help="Metadata column whose rows must stay in one split; 'none' drops the parent "
             "release's (default: the parent release's, else release.group_field in "
             "textloop.yaml).")] = None,
    seed: Annotated[int | None, typer.Option(
        help="Seed of the split (default: the parent release's, else release.seed in "
             "textloop.yaml).")] = None,
    message: Annotated[str, typer.Option(help="Release notes for the dataset card.")] = "",
    as_json: AsJson = False,
) -> None:
    """Freeze the labeled records into an immutable version vN (train/validation/test).

    The group column, seed and fractions are kept from the previous release unless an
    option or an edit of textloop.yaml changes them.
    """
    with open_project() as project:
        info = project.release(group_col=group_col, seed=seed, message=message,
                               progress=RichProgress())
    if as_json:
        print_json(info.to_dict())
        return
    print_release(info)


def print_release(info: ReleaseInfo) -> None:
    from textloop.stages.agreement import agreement_headline
    from textloop.stages.release import describe

    console.print(f"Released [bold]{info.id}[/]: {info.rows:,} records")
    console.print(_counts_table(info))
    console.print(f"  path:    {esc(str(info.path))}")
    console.print(f"  changes: {esc(info.diff_summary)}")
    for line in describe(info.settings):
        console.print(f"  {esc(line)}")
    if info.agreement:
        console.print(f"  agreement: {esc(agreement_headline(info.agreement))}")
    for warning in info.warnings:
        console.print(f"  [yellow]warning:[/] {esc(warning)}")


def _counts_table(info: ReleaseInfo) -> Table:
    from textloop.stages.release import SPLITS

    table = Table("label", *SPLITS, "total")
    for label in info.labels:
        counts = [info.label_counts[label][s] for s in SPLITS]
        table.add_row(esc(label), *(f"{c:,}" for c in counts), f"{sum(counts):,}")
    table.add_section()
    table.add_row("all", *(f"{info.counts[s]:,}" for s in SPLITS), f"{info.rows:,}")
    return table


@app.command(epilog="Example: textloop releases")
def releases(
    as_json: Annotated[bool, typer.Option("--json", help="Print the releases as JSON.")] = False,
) -> None:
    """List releases: id, when, how many rows, parent and what changed."""
    from textloop.stages.release import list_releases

    project = current_project()
    with open_store(project) as store:
        entries = list_releases(store)
    if as_json:
        print_json([entry.to_dict() for entry in entries])
        return
    if not entries:
        console.print("No releases yet. Create one with `textloop release`.")
        return
    table = Table("id", "created", "rows", "parent", "changes", "message")
    for entry in entries:
        created = dt.datetime.fromtimestamp(entry.created_at).strftime("%Y-%m-%d %H:%M")
        table.add_row(entry.id, created, f"{entry.rows:,}", entry.parent or "-",
                      esc(entry.changes), esc(entry.message))
    console.print(table)
