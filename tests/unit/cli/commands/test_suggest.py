"""``textloop suggest`` through the CLI runner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from textloop.cli.main import app
from textloop.stages.ingest import ImportOptions, import_file

pytestmark = pytest.mark.model


def test_suggest_fills_the_queue_and_says_how(project, store, tmp_path) -> None:
    data = tmp_path / "pool.csv"
    data.write_text("text\n" + "\n".join(f"message {i} about lunch" for i in range(40)) + "\n")
    import_file(store, project, data, ImportOptions())
    result = CliRunner().invoke(app, ["--project", str(project.root), "suggest", "--batch", "7"])
    assert result.exit_code == 0, result.output
    assert "Queued 7 of 40" in result.output and "cold start" in result.output
    again = CliRunner().invoke(app, ["--project", str(project.root), "suggest", "--strategy",
                                     "margin"])
    assert again.exit_code == 2 and "needs a trained model" in again.output
