"""A regression project end to end, as a user runs it: import a numeric target, release,
train ridge and MLP regressors, evaluate, predict. Real data: the share of Davidson et al.'s
annotators who called a tweet offensive (0 to 1), a score with real disagreement behind it.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_data
from textloop.cli.main import app
from textloop.config import SPEC_FILE

runner = CliRunner()
ROWS = 500
SPEC = """name: offensiveness
task: regression
target: {name: offensive_share, description: Share of annotators who found it offensive,
         min: 0, max: 1}
goal: {metric: mae, target: 0.3}
training: {epochs: 30, patience: 3}
slices:
  - {name: length, length: [0, 60, 100]}
  - {name: mentions, keywords: ["@"], min_rows: 1000}
"""


def invoke(root: Path, *args: str):
    return runner.invoke(app, ["--project", str(root), *args])


def scored_tweets(path: Path, rows: int = ROWS) -> Path:
    """A CSV of tweets with their offensive-or-hateful vote share as the target."""
    with gzip.open(shared_data("davidson_hate_offensive.jsonl.gz"), "rt") as source, \
            path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["text", "score"])
        for i, line in enumerate(source):
            if i >= rows:
                break
            row = json.loads(line)
            share = 1 - row["votes_neither"] / row["annotators"]
            writer.writerow([row["text"], f"{share:.4f}"])
    return path


@pytest.fixture
def regression_project(tmp_path: Path) -> Path:
    root = tmp_path / "offensiveness"
    root.mkdir()
    (root / SPEC_FILE).write_text(SPEC, encoding="utf-8")
    data = scored_tweets(tmp_path / "scores.csv")
    imported = invoke(root, "import", str(data), "--label-col", "score")
    assert imported.exit_code == 0, imported.output
    released = invoke(root, "release")
    assert released.exit_code == 0, released.output
    return root


def test_release_holds_float_targets_with_split_statistics(regression_project: Path) -> None:
    folder = regression_project / ".textloop" / "releases" / "v1"
    table = pq.read_table(folder / "train.parquet")
    assert str(table.schema.field("label").type) == "double"
    values = table.column("label").to_pylist()
    assert all(0.0 <= v <= 1.0 for v in values) and len(set(values)) > 2
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["task"] == "regression" and manifest["labels"] == []
    stats = manifest["target"]["splits"]
    assert sum(s["n"] for s in stats.values()) == ROWS
    assert stats["test"]["n"] > 0 and stats["test"]["min"] < stats["test"]["max"]
    card = (folder / "README.md").read_text()
    assert "## Target" in card and "offensive_share" in card and "float64" in card


def test_ridge_and_mlp_regressors_train_evaluate_and_predict(regression_project: Path) -> None:
    ridge = invoke(regression_project, "train")
    assert ridge.exit_code == 0, ridge.output
    assert "tfidf-ridge-1" in ridge.output and "val/mae" in ridge.output
    mlp = invoke(regression_project, "train", "--model", "embed-mlp-regressor",
                 "--param", "loss=huber")
    assert mlp.exit_code == 0, mlp.output
    assert "Verdict:" in mlp.output
    evaluated = invoke(regression_project, "evaluate", "embed-mlp-regressor-2")
    assert evaluated.exit_code == 0, evaluated.output
    assert "MAE" in evaluated.output and "Goal mae <= 0.3" in evaluated.output
    folder = regression_project / ".textloop" / "runs" / "embed-mlp-regressor-2"
    metrics = json.loads((folder / "evaluation-test" / "metrics.json").read_text())
    assert metrics["context"]["goal"] == {"metric": "mae", "target": 0.3}
    assert metrics["mae"] < metrics["baseline_mae"], "the model must beat predicting the mean"
    assert metrics["spearman"] > 0.3
    assert sum(r["n"] for r in metrics["error_by_range"]) == metrics["n"]
    lengths = {k: v for k, v in metrics["slices"].items() if v["slice"] == "length"}
    assert sum(v["n"] for v in lengths.values()) == metrics["n"] and len(lengths) == 3
    assert all(v["too_small"] for k, v in metrics["slices"].items() if k.startswith("mentions"))
    assert all("mae" in v for v in metrics["slices"].values())
    html = (folder / "evaluation-test" / "report.html").read_text()
    assert "Largest errors" in html and "Predicted against true" in html
    assert 'id="slices"' in html and "too few to trust" in html
    card = (folder / "evaluation-test" / "model_card.md").read_text()
    assert "Predicts the number `offensive_share`" in card
    predicted = invoke(regression_project, "predict", "embed-mlp-regressor-2", "--json",
                       "you are a stupid bitch", "have a lovely day")
    assert predicted.exit_code == 0, predicted.output
    values = [row["value"] for row in json.loads(predicted.stdout)]
    assert values[0] > values[1]


def test_regression_refuses_classifiers_and_bad_targets(regression_project: Path,
                                                        tmp_path: Path) -> None:
    wrong = invoke(regression_project, "train", "--model", "tfidf-lr")
    assert wrong.exit_code != 0 and "classification model" in wrong.output
    assert "tfidf-ridge" in wrong.output
    bad = tmp_path / "bad.csv"
    bad.write_text("text,score\nfine text,0.5\nanother,high\n", encoding="utf-8")
    refused = invoke(regression_project, "import", str(bad), "--label-col", "score")
    assert refused.exit_code != 0
    assert "line 3" in refused.output and "'high' is not a number" in refused.output
    outside = tmp_path / "outside.csv"
    outside.write_text("text,score\nway off,1.5\n", encoding="utf-8")
    refused = invoke(regression_project, "import", str(outside), "--label-col", "score")
    assert "above target.max" in refused.output


@pytest.mark.parametrize("command", [["cv"], ["learning-curve"], ["clean"], ["suggest"],
                                     ["label"], ["monitor"]])
def test_classification_only_verbs_refuse_a_regression_project(regression_project: Path,
                                                                command: list[str]) -> None:
    result = invoke(regression_project, *command)
    assert result.exit_code != 0
    # suggest works on span projects too ("works on classification and spans projects")
    assert "works on classification" in result.output
    assert "is a regression project" in result.output and "Traceback" not in result.output


def test_a_regressor_is_registered_and_promoted_on_its_error_goal(regression_project: Path
                                                                  ) -> None:
    assert invoke(regression_project, "train").exit_code == 0
    registered = invoke(regression_project, "register", "latest")
    assert registered.exit_code == 0, registered.output
    promoted = invoke(regression_project, "promote", "challenger")
    assert promoted.exit_code == 0, promoted.output
    assert "no mae on test" not in promoted.output
    versions = invoke(regression_project, "versions")
    assert "champion" in versions.output
