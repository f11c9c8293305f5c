"""``textloop init | status``: create a project and see it at a glance."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table

from textloop.cli.console import AsJson, Text, console, esc, print_json
from textloop.cli.context import open_project
from textloop.cli.main import app

if TYPE_CHECKING:  # stages load when a command runs, so `textloop --help` starts fast
    from textloop.stages.project import ProjectStatus


@app.command(epilog="Example: textloop init spam-filter --labels spam,ham --score-labels spam"
                     "   Regression: textloop init reviews --task regression --target stars:1:5")
def init(
    name: Annotated[str, typer.Argument(help="Folder to create (its name is the project name).")],
    labels: Annotated[str, typer.Option(
        help="Labels separated by ';' or ',' ('PER;ORG;LOC' = 'PER,ORG,LOC'); with "
             "descriptions, separated by ';' only, so a description may hold commas: "
             "'spam=Unwanted ads, scams;ham=Everything else'. A name holds neither "
             "separator.")] = "",
    text_field: Annotated[str, typer.Option(help="Column that holds the text.")] = "text",
    metadata_fields: Annotated[str, typer.Option(
        help="Comma-separated metadata columns to keep on import.")] = "",
    goal_metric: Annotated[str | None, typer.Option(
        help="Metric the goal is stated in (default: macro_f1; regression: r2).")] = None,
    goal_target: Annotated[float | None, typer.Option(
        help="Target value of the goal metric (default: 0.9; regression: 0.5).")] = None,
    score_labels: Annotated[str, typer.Option(
        help="For content filters: labels whose probability drives block/review/allow, "
             "e.g. 'spam'.")] = "",
    task: Annotated[str, typer.Option(
        help="classification; regression for a numeric target (a rating, a score); or "
             "spans for entities and other spans in the text (see docs/spans.md).")
    ] = "classification",
    target: Annotated[str, typer.Option(
        help="Regression: the target's name and optional range, e.g. 'rating:1:5'.")] = "",
    language: Annotated[str | None, typer.Option(
        help="Language of the texts as a BCP 47 tag (ko, ja, en); detected at the first "
             "import when not given. Korean, Japanese, Chinese and Thai get character "
             "n-gram features.")] = None,
    as_json: AsJson = False,
) -> None:
    """Create a project: textloop.yaml (the task spec) and an empty store."""
    from textloop.api import init_project

    project = init_project(
        Path(name), labels=labels, text_field=text_field,
        metadata_fields=[m.strip() for m in metadata_fields.split(",") if m.strip()],
        goal_metric=goal_metric, goal_target=goal_target, task=task, target=target,
        language=language,
        score_labels=[s.strip() for s in score_labels.split(",") if s.strip()]).config
    if as_json:
        print_json(project.to_dict())
        return
    console.print(f"Created project [bold]{esc(project.spec.name)}[/] in {esc(str(project.root))}")
    console.print(f"  spec:  {esc(str(project.spec_path))}\n  store: {esc(project.store_url)}")
    if project.spec.task == "spans":  # span files carry text and spans in known places
        console.print(f"Next: cd {esc(name)} && textloop import data.conll (or --format "
                      "spans-jsonl, doccano, label-studio, hf-tokens; see docs/spans.md)")
    else:
        console.print(f"Next: cd {esc(name)} && textloop import data.csv --text-col text "
                      "--label-col label")


@app.command(epilog="Example: textloop status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Show the project at a glance: records, labels per class, releases, runs and scores."""
    from textloop.tasks import next_train_hint, task_for

    with open_project() as opened:
        project = opened.config
        info = opened.status()
    if as_json:
        print_json(info.to_dict())
        return
    goal = info.goal
    console.print(f"[bold]{esc(info.name)}[/]  {esc(info.root)}\n"
                  f"store: {esc(info.store_url)}   goal: {esc(goal['metric'])} "
                  f"{'>=' if project.spec.goal.higher_is_better else '<='} {goal['target']}")
    console.print(f"records: {info.records:,}   labeled: {info.labeled:,} "
                  f"({info.labeled_share:.1%})   by source: "
                  + (", ".join(f"{k} {v:,}" for k, v in info.label_kinds.items()) or "-"))
    task = task_for(project)
    if task.value_kind == "number":
        console.print(f"target {esc(project.spec.target.name)}: "
                      f"{esc(task.describe_values(info.per_label))}")
    elif task.value_kind == "spans":
        console.print(esc(task.describe_values(info.per_label)))
    else:
        console.print(_labels_table(info))
    if info.labeling:
        lab = info.labeling
        console.print(f"labeling: {lab.annotators:,} annotators   queue: {lab.waiting:,} waiting, "
                      f"{lab.answered:,} answered   disputes to adjudicate: {lab.disputes:,}")
    if info.releases:
        console.print(_releases_table(info.releases))
    if info.runs:
        console.print(_runs_table(info.runs, goal["metric"], task.summary_metrics))
        if info.runs_note:
            console.print(f"[yellow]note:[/] {esc(info.runs_note)}")
    if not info.records:
        console.print("Next: textloop import FILE --text-col TEXT --label-col LABEL")
    elif not info.labeled and info.labeling and info.labeling.waiting:
        console.print("Next: textloop label (the queue is ready)")
    elif not info.labeled:
        console.print("Next: textloop suggest (queue the most useful records), then textloop label")
    elif not info.releases:
        console.print("Next: textloop release")
    elif not info.runs:
        console.print(f"Next: {esc(next_train_hint(project))}")


def _labels_table(info: ProjectStatus) -> Table:
    table = Table("label", "records", "share", title="Labeled records per class")
    total = max(info.labeled, 1)
    for label, count in info.per_label.items():
        table.add_row(Text(label), f"{count:,}", f"{count / total:.1%}")
    return table


def _releases_table(rows: list[dict]) -> Table:
    table = Table("release", "created", "train", "validation", "test", "parent", title="Releases")
    for rel in rows:
        counts = rel["stats"].get("counts", {})
        sizes = [f"{counts.get(name, 0):,}" for name in ("train", "validation", "test")]
        table.add_row(rel["id"], _when(rel["created_at"]), *sizes, rel["parent_id"] or "-")
    return table


def _runs_table(rows: list[dict], goal_metric: str, tested: tuple[str, ...]) -> Table:
    keys = [f"val/{goal_metric}", *(f"test/{k}" for k in tested)]
    # the run name is what the user types next: it never truncates; headers wrap at the
    # space ("val" over "macro_f1") so an 80-column terminal still fits every column
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, title="Runs")
    table.add_column("run", no_wrap=True)
    for name in ("model", "release"):
        table.add_column(name)
    table.add_column("status", min_width=len("(interrupted)"))  # "failed" over it, whole
    for name in keys:
        table.add_column(name.replace("/", " "))
    for run in rows:
        metrics = run["metrics"]
        shown = [f"{metrics[k]:.4f}" if k in metrics else "-" for k in keys]
        table.add_row(Text(run["name"]), run["model"].split(".")[2], run["release_id"] or "-",
                      run["status"], *shown)
    return table


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))
