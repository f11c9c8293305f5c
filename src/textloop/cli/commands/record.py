"""``textloop show``: one record, its final label and why, and its whole history."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from textloop.cli.console import Text, console, esc, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.config import Project
    from textloop.stages.label import RecordHistory

_EPILOG = """Examples:\n
  textloop show 3f2a9c0d1e4b5a67\n
  textloop show 3f2a9c0d1e4b5a67 --json"""


@app.command(epilog=_EPILOG)
def show(
    record_id: Annotated[str, typer.Argument(help="The record's id (reports, releases, app).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON.")] = False,
) -> None:
    """Show a record: text, metadata, final label and why, and every annotation ever given."""
    from textloop.stages.label import record_history

    project = current_project()
    with open_store(project) as store:
        found = record_history(store, project, record_id)
    if as_json:
        print_json(found.to_dict())
        return
    rec = found.record
    console.print(f"[bold]record {esc(rec.id)}[/]  from {esc(rec.source_kind)}"
                  + (f" {esc(rec.source_ref)}" if rec.source_ref else ""))
    if found.final_spans is None:
        console.print(Text(rec.text))
    for key, value in rec.meta.items():
        console.print(Text(f"  {key}: {value}", style="dim"))
    if found.final_spans is not None:
        _print_spans(project, found)
    elif found.final:
        console.print(Text.assemble("final label: ", (found.final.label, "bold"),
                                    f" ({found.final.kind}; {found.final.reason})"))
    else:
        console.print("final label: none (unlabeled)")
    if found.excluded:
        batch, item = rec.meta.get("synth_batch"), rec.meta.get("synth_item")
        how = (f"accept it again: textloop synth accept {batch} {item}"
               if rec.source_kind == "synthetic" and batch else
               "undo the review decision")
        console.print(f"[bold red]excluded[/] from releases ({esc(how)} to bring it back)")
    console.print(_history_table(found.annotations))
    for item in found.queued:
        console.print(Text(f"queued {_when(item['created_at'])} ({item['status']}): "
                           f"{item['strategy']}"))
    for note in found.comments:
        console.print(Text(f"comment by {note['annotator']} ({_when(note['created_at'])}): "
                           f"{note['text']}"))


def _print_spans(project: Project, found: RecordHistory) -> None:
    """The text with its final spans marked, a count per label and each span's offsets."""
    from textloop.tasks import task_for

    final, spans = found.final, found.final_spans or []
    how = f" ({final.kind}; {final.reason})" if final else " (unlabeled)"
    console.print(Text(f"final spans{how}: {found.marked or ''}"))
    if not spans:
        return
    task = task_for(project)
    console.print(Text(task.describe_values(task.tally([final.label] if final else [],
                                                       project.spec.label_names))))
    table = Table("start", "end", "label", "text")
    for span in spans:
        table.add_row(str(span["start"]), str(span["end"]), Text(span["label"]),
                      Text(span["text"]))
    console.print(table)


def _history_table(rows: list[dict[str, Any]]) -> Table:
    """Every annotation; a span answer shows as its marked text."""
    table = Table("when", "kind", "by", "label", "state", title="Annotations, oldest first")
    for row in rows:
        state = f"undone {_when(row['retracted_at'])}" if row["retracted_at"] else "standing"
        table.add_row(_when(row["created_at"]), row["kind"], Text(row["annotator"]),
                      Text(row.get("marked", row["label"])), state)
    return table


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))

