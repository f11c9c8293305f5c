"""``cv | search | runs`` through the CLI runner, as a user types them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.selection_fixtures import noisy_release
from textloop.cli.commands.selection import parse_budget
from textloop.cli.main import app
from textloop.errors import InvalidInputError

runner = CliRunner()


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), *args], env={"COLUMNS": "100"})


def test_cv_search_and_runs(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    cv = invoke(project, "cv", "--folds", "3", "--param", "C=2")
    assert cv.exit_code == 0, cv.output
    assert "Run cv-tfidf-lr-1" in cv.output and "3 folds" in cv.output
    assert "macro_f1" in cv.output and " ± " in cv.output
    found = invoke(project, "search", "--trials", "2", "--folds", "3", "--budget", "10m")
    assert found.exit_code == 0, found.output
    assert "Run search-tfidf-lr-2: 2 trials complete, 0 cut by the budget" in found.output
    assert "Trained tfidf-lr-3 with these values" in found.output
    table = invoke(project, "runs")
    assert table.exit_code == 0, table.output
    header = next(line for line in table.output.splitlines() if "release" in line)
    assert header.split() == ["run", "params", "release", "cv", "val", "time", "status"]
    assert "cv-tfidf-lr-1" in table.output and "C=2" in table.output
    listed = json.loads(invoke(project, "runs", "--json", "--sort", "cv/macro_f1").output)
    assert [r["run"] for r in listed][-1] == "tfidf-lr-3"  # no cv/ score: last
    assert set(listed[0]) == {"run", "kind", "model", "release", "status", "duration_s",
                              "params", "metrics"}


def test_runs_on_an_empty_project_and_a_bad_sort(project, store, tmp_path) -> None:
    empty = invoke(project, "runs")
    assert empty.exit_code == 0 and "No runs yet" in empty.output
    noisy_release(store, project, tmp_path)
    invoke(project, "train")
    bad = invoke(project, "runs", "--sort", "val/nope")
    assert bad.exit_code == 2 and "no run has a metric 'val/nope'" in bad.output


@pytest.mark.parametrize(("text", "seconds"), [("120", 120.0), ("90s", 90.0), ("5m", 300.0),
                                               ("1.5h", 5400.0)])
def test_budget_durations(text: str, seconds: float) -> None:
    assert parse_budget(text) == seconds


def test_a_budget_without_a_number_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="is not a duration"):
        parse_budget("soon")


def test_runs_of_two_releases_say_their_scores_are_not_comparable(project, store,
                                                                  tmp_path) -> None:
    from tests.unit.stages.pipeline_fixtures import released
    from textloop.stages.release import create_release
    from textloop.stages.train.training import train

    released(store, project, tmp_path)
    train(store, project)
    create_release(store, project)
    train(store, project, release="v2")
    table = invoke(project, "runs")
    assert table.exit_code == 0, table.output
    text = " ".join(table.output.split())
    assert "note: scores come from 2 releases (v1, v2)" in text
    assert "--release v2" in text
    assert "finished" in table.output and "done" not in table.output
    one = " ".join(invoke(project, "runs", "--release", "v2").output.split())
    assert "scores come from" not in one
    status = " ".join(invoke(project, "status").output.split())
    assert "scores come from 2 releases (v1, v2)" in status


def test_cv_and_search_json_print_the_scores_and_trials(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    cv = json_of(invoke(project, "cv", "--folds", "3", "--json"))
    assert cv["run_name"] == "cv-tfidf-lr-1" and cv["folds"] == 3
    assert len(cv["summary"]["per_fold"]) == 3
    assert isinstance(cv["mean"]["macro_f1"], float) and cv["std"]["macro_f1"] >= 0
    found = json_of(invoke(project, "search", "--trials", "2", "--folds", "3", "--budget",
                           "10m", "--no-train-final", "--json"))
    assert found["run_name"] == "search-tfidf-lr-2" and len(found["trials"]) == 2
    assert found["metric"] == "macro_f1" and found["final"] is None
    assert found["best_value"] == max(t["value"] for t in found["trials"])


def test_executor_option_runs_the_folds_there_and_refuses_an_unknown_one(project, store,
                                                                        tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    local = json_of(invoke(project, "cv", "--folds", "3", "--executor", "local", "--json"))
    default = json_of(invoke(project, "cv", "--folds", "3", "--json"))
    assert local["mean"] == default["mean"]
    bad = invoke(project, "search", "--trials", "1", "--folds", "3", "--executor", "spark")
    assert bad.exit_code != 0
    assert "unknown executor 'spark'" in bad.output and "use one of local, ray" in bad.output
    assert [r["run"] for r in json.loads(invoke(project, "runs", "--json").output)] == \
        ["cv-tfidf-lr-1", "cv-tfidf-lr-2"]  # the refused search recorded no run
