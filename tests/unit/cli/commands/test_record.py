"""``textloop show``: a record's final label, history table and JSON, through the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.unit.stages.labeling_fixtures import queued
from textloop.cli.console import console
from textloop.cli.main import app
from textloop.stages.label import queue as labeling

runner = CliRunner()


def test_show_prints_the_final_label_and_every_annotation(project, store, tmp_path) -> None:
    (rid,) = queued(store, project, tmp_path, n=1)
    labeling.next_item(store, "ann")
    labeling.submit(store, project, "ann", rid, ["ham"])
    labeling.undo(store, "ann")
    labeling.submit(store, project, "ann", rid, ["spam"])
    result = runner.invoke(app, ["--project", str(project.root), "show", rid])
    assert result.exit_code == 0, result.output
    assert "final label: spam (human; labeled by ann)" in result.output
    assert "undone" in result.output and "standing" in result.output
    as_json = json.loads(runner.invoke(app, ["--project", str(project.root), "show", rid,
                                             "--json"]).output)
    assert as_json["final"]["label"] == "spam" and len(as_json["annotations"]) == 2
    missing = runner.invoke(app, ["--project", str(project.root), "show", "nope"])
    assert missing.exit_code != 0 and "no record with id 'nope'" in missing.output


def test_show_marks_a_records_spans_safely_for_the_terminal(tmp_path, monkeypatch) -> None:
    from tests.unit.cli.hostile import import_one
    from tests.unit.stages.rules.span_fixtures import LABELS, add_spans, span
    from textloop.config import Label
    from textloop.stages.project.init import init_project
    from textloop.storage import Store

    monkeypatch.setattr(console, "_width", 200)
    text = "Ana \x1b[31mworks\x1b[0m at [Acme] \u202eevil"
    project = init_project(tmp_path / "ner", labels=[Label(name=n) for n in LABELS],
                           task="spans")
    with Store.for_project(project) as store:
        rid = import_one(store, project, tmp_path, text)
        add_spans(store, rid, [span(text, "Ana", "PER"), span(text, "[Acme]", "ORG")],
                  who="ann")
    result = runner.invoke(app, ["--project", str(project.root), "show", rid])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    # the text's own brackets are escaped, its escape sequences shown, not obeyed
    marked = r"[Ana](PER) \x1b\[31mworks\x1b\[0m at [\[Acme\]](ORG) \u202eevil"
    assert f"final spans (human; labeled by ann): {marked}" in result.output
    assert "2 spans: PER 1, ORG 1" in result.output
    offsets = [[cell.strip() for cell in line.split("│")[1:4]]
               for line in result.output.splitlines()]
    assert ["22", "28", "ORG"] in offsets
    history = [line for line in result.output.splitlines() if "ann" in line and "human" in line]
    assert history and "[Ana](PER)" in history[0]
    as_json = json.loads(runner.invoke(app, ["--project", str(project.root), "show", rid,
                                             "--json"]).output)
    assert as_json["final_spans"][1] == {"start": 22, "end": 28, "label": "ORG",
                                         "text": "[Acme]"}


def test_show_prints_a_records_text_metadata_annotators_and_comments_safely(
        project, store, tmp_path, monkeypatch) -> None:
    """Everything ``show`` prints of a classification record is someone's text: each shows its
    escape sequences, carriage returns and bidi overrides as escapes and its markup
    literally; ``--json`` holds the stored text exactly."""
    from tests.unit.cli.hostile import HOSTILE, SHOWN, assert_safe, import_one
    from textloop.storage import annotation_log, comments

    monkeypatch.setattr(console, "_width", 400)
    rid = import_one(store, project, tmp_path, HOSTILE, team=HOSTILE)
    with store.write() as conn:
        annotation_log.add_one(conn, record_id=rid, label="spam", kind="human",
                               annotator=HOSTILE)
        comments.add(conn, rid, HOSTILE, HOSTILE)
    result = runner.invoke(app, ["--project", str(project.root), "show", rid])
    assert result.exit_code == 0, result.output
    shown = assert_safe(result.output)
    assert f"\n{SHOWN}\n" in shown  # the text
    assert f"team: {SHOWN}" in shown
    assert f"comment by {SHOWN} (" in shown and shown.rstrip().endswith(SHOWN)
    assert any(SHOWN in line and "human" in line for line in shown.splitlines())
    as_json = json.loads(runner.invoke(app, ["--project", str(project.root), "show", rid,
                                             "--json"]).stdout)
    assert as_json["text"] == HOSTILE and as_json["meta"] == {"team": HOSTILE}
    assert as_json["annotations"][0]["annotator"] == HOSTILE
    assert as_json["comments"][0]["text"] == HOSTILE
