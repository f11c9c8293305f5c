"""``textloop demo`` as a user types it, on their own file (no download): a labeled CSV, or
with ``--task spans`` a CoNLL file."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.demo.conll_fixtures import sentences, write_conll
from tests.unit.stages.pipeline_fixtures import write_dataset
from textloop.cli.main import app


def demo_on_a_csv(tmp_path, models: str, folder: str = "demo", *more: str):
    """``textloop demo --data mine.csv --models MODELS --dir FOLDER`` on 240 labeled rows."""
    data = write_dataset(tmp_path / "mine.csv")
    return CliRunner().invoke(app, ["demo", "--data", str(data), "--models", models,
                                    "--dir", str(tmp_path / folder), *more])


def test_demo_json_prints_the_summary_and_the_steps_on_stderr(tmp_path) -> None:
    result = demo_on_a_csv(tmp_path, "tfidf-lr", "demo", "--json")
    summary = json_of(result)
    assert summary["release_id"] == "v1" and summary["rows_read"] == 240
    assert summary["project_root"] == str(tmp_path / "demo")
    (outcome,) = summary["outcomes"]
    assert outcome["run"] == "tfidf-lr-1" and outcome["test_macro_f1"] > 0.8
    assert "1. Creating the project" in result.stderr


def test_demo_models_none_imports_and_releases_without_training(tmp_path) -> None:
    summary = json_of(demo_on_a_csv(tmp_path, "none", "demo", "--json"))
    assert summary["release_id"] == "v1" and summary["records_new"] == 240
    assert summary["outcomes"] == []
    assert not (tmp_path / "demo" / ".textloop" / "runs").exists() or not any(
        (tmp_path / "demo" / ".textloop" / "runs").iterdir())
    shown = demo_on_a_csv(tmp_path, "none", "again")
    assert shown.exit_code == 0, shown.output
    assert "release v1" in shown.stdout and "Baselines" not in shown.stdout
    assert "textloop train --model tfidf-lr" in shown.stdout  # nothing to predict with yet


@pytest.mark.model
def test_demo_task_spans_runs_a_conll_file_and_says_what_to_run_next(tmp_path) -> None:
    data = write_conll(tmp_path / "ner.conll", sentences(50))
    folder = tmp_path / "ner-demo"
    result = CliRunner().invoke(app, ["demo", "--task", "spans", "--data", str(data),
                                      "--max-train", "20", "--dir", str(folder), "--json"])
    summary = json_of(result)
    assert summary["format"] == "conll" and summary["release_id"] == "v1"
    assert summary["n_train"] == 20 and summary["max_train"] == 20
    assert summary["promoted"] and summary["version"] == "m1"
    assert summary["test"]["entity_micro_f1"] > 0.5 and set(summary["per_type"]) == {"LOC",
                                                                                    "PER"}
    assert "1. Creating the span project" in result.stderr

    shown = CliRunner().invoke(app, ["demo", "--task", "spans", "--data", str(data),
                                     "--dir", str(folder), "--fresh"])
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.output.split())
    assert "Entities per type on the test split" in said and "Mistakes: missed" in said
    assert "Version m1 is the champion" in said and "report.html" in said
    body = json.dumps({"text": json_of(result)["example"]["text"]})
    curl = f"curl -s localhost:8000/v1/extract -H 'content-type: application/json' -d '{body}'"
    assert curl in [line.strip() for line in shown.stdout.splitlines()]  # one line, to paste
    assert "textloop serve" in said and "textloop label" in said


def test_demo_task_spans_refuses_what_it_cannot_run_with_the_fix(tmp_path) -> None:
    runner = CliRunner()
    folder = str(tmp_path / "ner-demo")
    no_file = runner.invoke(app, ["demo", "--task", "spans", "--dir", folder])
    assert no_file.exit_code == 2 and "needs --data" in no_file.output
    assert "Hint:" in no_file.output and "wnut17train.conll" in no_file.output
    csv = write_dataset(tmp_path / "mine.csv")
    not_spans = runner.invoke(app, ["demo", "--task", "spans", "--data", str(csv),
                                    "--dir", folder])
    assert not_spans.exit_code == 2 and "reads as csv" in not_spans.output
    assert "Traceback" not in not_spans.output
    mixed = runner.invoke(app, ["demo", "--task", "spans", "--data", str(csv),
                                "--text-col", "text", "--dir", folder])
    assert mixed.exit_code == 2
    assert "--text-col is for --task classification only" in _unboxed(mixed.output)
    capped = runner.invoke(app, ["demo", "--data", str(csv), "--max-train", "10",
                                 "--dir", folder])
    assert capped.exit_code == 2
    assert "--max-train is for --task spans only" in _unboxed(capped.output)
    assert not (tmp_path / "ner-demo").exists()


def _unboxed(output: str) -> str:
    """A usage error's text without the box typer draws around it, on one line."""
    return " ".join(output.replace("│", " ").split())
