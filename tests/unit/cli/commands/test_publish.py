"""``textloop publish release`` as a user types it: the dry run's listing, and a refusal
that names the reason and the fix without a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.pipeline_fixtures import released
from textloop.cli.main import app

runner = CliRunner()


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "publish", "release", *args])


def test_a_dry_run_lists_files_with_sizes_and_sends_nothing(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    project.spec.release.license = "CC-BY-4.0"
    project.save()
    out = tmp_path / "out"
    shown = invoke(project, "v1", "--to", str(out), "--dry-run")
    assert shown.exit_code == 0, shown.output
    assert f"Would publish release v1 to folder {out}:" in " ".join(shown.output.split())
    assert "train.parquet" in shown.output and "6 files," in shown.output
    assert "data.csv: 240 records, license unknown" in " ".join(shown.output.split())
    body = json_of(invoke(project, "latest", "--to", "hf://acme/reviews", "--dry-run",
                          "--json"))
    assert body["dry_run"] and body["tag"] == "v1"
    assert body["target"].startswith("private Hub dataset repository acme/reviews")
    assert [f["path"] for f in body["files"]] == [
        "README.md", "dataset.yaml", "test.parquet", "train.parquet", "validation.parquet"]
    assert body["bytes"] == sum(f["bytes"] for f in body["files"]) > 0
    assert not out.exists()


def test_a_refusal_names_the_reason_and_the_fix(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    result = invoke(project, "v1", "--to", str(tmp_path / "out"))
    assert result.exit_code == 4, result.output
    assert "no license is set" in result.output and "release.license" in result.output
    assert "Traceback" not in result.output
    dry = invoke(project, "v1", "--to", str(tmp_path / "out"), "--dry-run")
    assert dry.exit_code == 4 and "Would publish release v1" in dry.output
    assert not (tmp_path / "out").exists()


def test_publish_model_names_why_a_model_cannot_run_without_textloop(project, store,
                                                                    tmp_path) -> None:
    from textloop.stages.train.training import train
    from textloop.stages.versions.register import register_run

    released(store, project, tmp_path)
    project.spec.release.license = "MIT"
    project.save()
    register_run(store, project, train(store, project, model="tfidf-lr").run_name,
                 actor="ana")
    result = runner.invoke(app, ["--project", str(project.root), "publish", "model",
                                 "challenger", "--to", str(tmp_path / "out")])
    assert result.exit_code == 4, result.output
    assert "model m1 (textloop.model.tfidf-lr" in " ".join(result.output.split())
    assert "not a linear head over sentence vectors" in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_a_regression_release_publishes_its_numeric_target(tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    root = tmp_path / "scores"
    root.mkdir()
    (root / "textloop.yaml").write_text(
        "name: scores\ntask: regression\ntarget: {name: share, min: 0, max: 1}\n"
        "release: {license: CC0-1.0}\n", encoding="utf-8")
    data = tmp_path / "scores.csv"
    data.write_text("text,score\n" + "".join(f"tweet number {i} says things,{i / 40:.3f}\n"
                                             for i in range(40)), encoding="utf-8")
    for args in (["import", str(data), "--label-col", "score"], ["release"]):
        done = runner.invoke(app, ["--project", str(root), *args])
        assert done.exit_code == 0, done.output
    out = tmp_path / "out"
    published = runner.invoke(app, ["--project", str(root), "publish", "release", "v1",
                                    "--to", str(out)])
    assert published.exit_code == 0, published.output
    loaded = datasets.load_dataset(str(out))
    values = sorted(v for split in loaded.values() for v in split["label"])
    assert values == [i / 40 for i in range(40)]
