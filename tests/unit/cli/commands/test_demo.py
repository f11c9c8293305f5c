"""``textloop demo`` as a user types it, on their own file (no download)."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.pipeline_fixtures import write_dataset
from textloop.cli.main import app


def test_demo_json_prints_the_summary_and_the_steps_on_stderr(tmp_path) -> None:
    data = write_dataset(tmp_path / "mine.csv")
    result = CliRunner().invoke(app, ["demo", "--data", str(data), "--models", "tfidf-lr",
                                      "--dir", str(tmp_path / "demo"), "--json"])
    summary = json_of(result)
    assert summary["release_id"] == "v1" and summary["rows_read"] == 240
    assert summary["project_root"] == str(tmp_path / "demo")
    (outcome,) = summary["outcomes"]
    assert outcome["run"] == "tfidf-lr-1" and outcome["test_macro_f1"] > 0.8
    assert "1. Creating the project" in result.stderr
