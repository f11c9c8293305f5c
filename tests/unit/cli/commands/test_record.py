"""``textloop show``: a record's final label, history table and JSON, through the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.unit.stages.labeling_fixtures import queued
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
