"""``textloop clean`` through the CLI runner: summary, JSON, errors with hints."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.unit.stages.clean.clean_fixtures import flip, import_rows, rows
from textloop.cli.console import console
from textloop.cli.main import LOOP_ORDER, app

runner = CliRunner()
FAST = ("--model", "tfidf-lr", "--no-embeddings")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch) -> None:
    monkeypatch.setattr(console, "_width", 200)


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "clean", *args])


def test_summary_names_each_check_and_the_report(project, store, tmp_path) -> None:
    data, _ = flip(rows(80), 10)
    import_rows(store, project, tmp_path, [*data, ("mail me at a@b.com", "ham")])
    result = invoke(project, *FAST)
    assert result.exit_code == 0, result.output
    for words in ("Cleaning c1", "Label issues:", "Duplicates:", "Outliers:",
                  "Personal data: email 1", "Leakage: not checked (no release yet)",
                  "report.html"):
        assert words in result.output


def test_min_precision_prints_the_target_and_the_estimates(project, store, tmp_path) -> None:
    data, _ = flip(rows(80), 10)
    import_rows(store, project, tmp_path, data)
    result = invoke(project, *FAST, "--min-precision", "0.8")
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if row.startswith("Label issues:"))
    assert "(target 80%)" in line and "estimated label noise" in line
    assert "estimated model error" in result.output  # the per-class table's columns
    summary = json.loads(invoke(project, *FAST, "--min-precision", "0.8", "--json").stdout)
    precision = summary["label_issues"]["precision"]
    assert precision["min_precision"] == 0.8
    assert precision["expected_precision"] is None or precision["expected_precision"] >= 0.8
    refused = invoke(project, *FAST, "--min-precision", "1.5")
    assert refused.exit_code == 2 and "less than or equal to 1" in refused.output


def test_json_output(project, store, tmp_path) -> None:
    import_rows(store, project, tmp_path, rows(40))
    result = invoke(project, *FAST, "--json", "--method", "cleanlab")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cleaning_id"] == "c1"
    assert data["label_issues"]["method"] == "textloop.cleaning.cleanlab.v1"
    assert data["records"] == 40


def test_no_labeled_records_is_a_clear_error(project, store) -> None:
    result = invoke(project, *FAST)
    assert result.exit_code == 2
    assert "Error: nothing to clean" in result.output
    assert "Hint:" in result.output


def test_fewer_records_than_folds_is_a_clear_error(project, store, tmp_path) -> None:
    import_rows(store, project, tmp_path, rows(4))
    result = invoke(project, *FAST, "--folds", "5")
    assert result.exit_code == 2
    assert "fewer than the 5 folds" in result.output


def test_clean_comes_after_rules_in_the_help() -> None:
    assert LOOP_ORDER.index("clean") == LOOP_ORDER.index("rules") + 1
    result = runner.invoke(app, ["clean", "--help"])
    assert result.exit_code == 0
    assert "textloop clean --redact" in result.output


@pytest.mark.model
def test_a_span_project_prints_span_findings_by_kind(tmp_path) -> None:
    from tests.unit.stages.clean.span_clean_fixtures import span_clean_project

    project, _, _ = span_clean_project(tmp_path)
    result = invoke(project, "--folds", "3", "--no-embeddings", "--no-leakage")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    header = next(line for line in result.output.splitlines() if "questioned" in line)
    assert header.split()[1:8:2] == ["type", "spans", "questioned", "estimated"]
    assert "Span label errors (textloop.cleaning.span-confident.v1): missing span 1" in said
    assert "wrong type" in said and "spurious span" not in said
    assert "more disagreements with the model ranked, not flagged" in said
    assert "cleanlab flags" in said and "of 347 tokens" in said
    shown = json.loads(runner.invoke(app, ["--project", str(project.root), "review",
                                           "--json"]).output)
    assert shown["by_kind"]["missing_span"]["open"] >= 1
    as_json = invoke(project, "--folds", "3", "--no-embeddings", "--no-leakage", "--json")
    summary = json.loads(as_json.stdout)
    assert summary["cleaning_id"] == "c2" and summary["classes"] == ["PER", "LOC"]
    labels = summary["label_issues"]
    assert labels["unit"] == "spans" and labels["tokens"] == 347
    assert labels["method"] == "textloop.cleaning.span-confident.v1"
    assert labels["ranked_not_flagged"] >= 1  # the planted spurious span among them
    assert set(labels["per_class"]) == {"PER", "LOC"}
    # c1's open findings stay open: nobody decided them, so nothing is carried
    assert summary["carried_decisions"] == 0 and summary["findings"]["wrong_type"] >= 1
