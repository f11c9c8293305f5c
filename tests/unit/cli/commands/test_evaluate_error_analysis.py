"""``textloop evaluate`` prints the weakest slices and the worst probe; --no-probes skips them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.unit.stages.pipeline_fixtures import released
from textloop.cli.main import app
from textloop.config import Slice

runner = CliRunner()


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), *args])


def test_evaluate_summarises_slices_and_probes_and_can_skip_the_probes(project, store,
                                                                       tmp_path) -> None:
    released(store, project, tmp_path)
    project.spec.slices = [Slice(name="prize", keywords=["prize"])]
    project.save()
    assert invoke(project, "train").exit_code == 0
    full = invoke(project, "evaluate", "latest")
    assert full.exit_code == 0, full.output
    printed = full.output.replace("\n", "")  # rich wraps at 80 columns
    assert "Weakest slices (macro_f1): prize=" in printed and "too small" in printed
    assert "Robustness: worst probe " in printed and "on 24 rows" in printed
    skipped = invoke(project, "evaluate", "latest", "--no-probes")
    assert skipped.exit_code == 0, skipped.output
    assert "Robustness probes skipped (--no-probes)" in skipped.output
    metrics_json = skipped.output.split("JSON:")[-1].strip().replace("\n", "")
    saved = json.loads(Path(metrics_json).read_text(encoding="utf-8"))
    assert saved["robustness"] is None and set(saved["slices"]) == {"prize=yes", "prize=no"}
