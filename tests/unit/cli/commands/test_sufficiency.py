"""``textloop learning-curve`` through the CLI runner."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.selection_fixtures import noisy_release
from textloop.cli.main import app

runner = CliRunner()


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), *args], env={"COLUMNS": "100"})


def test_prints_the_points_the_sentence_and_the_files(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    result = invoke(project, "learning-curve", "--folds", "3", "--fractions", "0.25,0.5,0.75,1")
    assert result.exit_code == 0, result.output
    assert "25%" in result.output and "100%" in result.output
    assert "tfidf-lr (3-fold CV on v1) reaches macro_f1" in result.output
    assert "Goal macro_f1 ≥ 0.9:" in result.output
    assert "learning-curve.png" in result.output and "learning-curve.json" in result.output


def test_bad_fractions_are_a_clean_error(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    result = invoke(project, "learning-curve", "--fractions", "0.5,1.5")
    assert result.exit_code == 2 and "each must lie in (0, 1]" in result.output
    assert "Traceback" not in result.output


def test_json_gives_the_points_the_answer_and_the_files(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    found = json_of(invoke(project, "learning-curve", "--folds", "3", "--fractions", "0.5,1",
                           "--json"))
    assert [p["fraction"] for p in found["points"]] == [0.5, 1.0]
    assert found["answer"]["metric"] == "macro_f1" and found["answer"]["sentence"]
    assert found["release_id"] == "v1" and found["json_path"].endswith("learning-curve.json")
