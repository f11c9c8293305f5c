"""Every command settles a killed command's leftovers when it opens the store, on stderr."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.runs.test_recovery import killed_at
from textloop.cli.main import app


def test_the_next_command_marks_a_killed_run_and_keeps_json_clean(project, store,
                                                                  tmp_path) -> None:
    released(store, project, tmp_path)
    killed_at(project, tmp_path, "train:running", "train")
    result = CliRunner().invoke(
        app, ["--project", str(project.root), "runs", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["status"] == "failed (interrupted)"
    assert "note:" in result.stderr and "run tfidf-lr-1 was interrupted" in result.stderr
