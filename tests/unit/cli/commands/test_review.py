"""``textloop review`` through the CLI runner: counts by kind and decision, JSON, errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.unit.stages.review_fixtures import cleaned, first_of
from textloop.cli.console import console
from textloop.cli.main import LOOP_ORDER, app
from textloop.stages import review
from textloop.storage import findings

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch) -> None:
    monkeypatch.setattr(console, "_width", 200)


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "review", *args])


def test_counts_by_kind_and_decision_and_where_to_review(project, store, tmp_path) -> None:
    cleaned(store, project, tmp_path)
    review.exclude(store, "rita", first_of(store, "duplicate")["id"])
    result = invoke(project)
    assert result.exit_code == 0, result.output
    assert "Review of c1: 11 open, 1 decided" in result.output
    assert "Records excluded from releases: 1" in result.output
    assert "textloop label" in result.output and "/review" in result.output
    line = next(row for row in result.output.splitlines() if "duplicate" in row)
    assert [cell.strip() for cell in line.strip("│ ").split("│")][:6] == [
        "duplicate", "2", "0", "0", "0", "1"]


def test_json(project, store, tmp_path) -> None:
    cleaned(store, project, tmp_path)
    data = json.loads(invoke(project, "--json").output)
    assert (data["cleaning_id"], data["open"], data["decided"]) == ("c1", 12, 0)
    assert data["by_kind"]["label_issue"] == {"open": 7}
    assert list(data["by_kind"])[:3] == ["label_issue", "conflict", "duplicate"]


def test_without_a_cleaning_run_the_error_says_what_to_run(project, store) -> None:
    result = invoke(project)
    assert result.exit_code != 0
    assert "no cleaning run 'latest'" in result.output and "textloop clean" in result.output
    assert LOOP_ORDER.index("review") == LOOP_ORDER.index("clean") + 1


def test_filters_count_and_list_the_findings_they_keep(project, store, tmp_path) -> None:
    cleaned(store, project, tmp_path)
    data = json.loads(invoke(project, "--kind", "conflict", "--label", "spam", "--json").output)
    assert data["filter"] == {"kind": "conflict", "label": "spam", "min_score": None,
                              "max_score": None}
    assert data["by_kind"] == {"conflict": {"open": 1}} and data["open"] == 1
    (row,) = data["first_open"]
    assert row["kind"] == "conflict" and "different labels" in row["reason"]
    with store.read() as conn:  # the evidence and any fix, as the review page shows them
        assert row["details"] == findings.get_one(conn, row["finding_id"])["details"]
    assert row["details"]
    shown = invoke(project, "--kind", "conflict", "--label", "spam")
    assert shown.exit_code == 0, shown.output
    assert f"#{row['finding_id']} conflict" in shown.output
    assert "/review?kind=conflict&label=spam" in shown.output


def test_an_unknown_kind_is_refused_with_the_kinds_to_use(project, store, tmp_path) -> None:
    cleaned(store, project, tmp_path)
    result = invoke(project, "--kind", "urls")
    assert result.exit_code != 0
    assert "unknown finding kind 'urls'" in result.output and "label_issue" in result.output


def test_review_of_a_span_project_asks_for_a_cleaning_run(tmp_path) -> None:
    from tests.unit.stages.rules.span_fixtures import span_project

    project = span_project(tmp_path / "ner")
    result = runner.invoke(app, ["--project", str(project.root), "review"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert "no cleaning run 'latest'" in said and "run `textloop clean` first" in said
    assert "spans project" not in said


def test_label_issues_are_listed_by_batch_with_their_estimated_precision(
        project, store, tmp_path) -> None:
    result = cleaned(store, project, tmp_path)
    chances = [f.details["error_probability"] for f in result.findings
               if f.kind == "label_issue"]
    shown = invoke(project)
    assert shown.exit_code == 0, shown.output
    assert "Open label issues in review order, by batch (estimated precision" in shown.output
    assert f"1-{len(chances)}: {sum(chances) / len(chances):.0%}" in shown.output
    data = json.loads(invoke(project, "--json").stdout)
    assert data["batches"] == [{"first": 1, "last": len(chances), "expected_precision":
                                pytest.approx(sum(chances) / len(chances), abs=1e-4)}]
