"""``textloop export mlflow`` and ``textloop export release`` as a user types them."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.pipeline_fixtures import released
from textloop.cli.main import app
from textloop.stages.export.mlflow import mlflow_client
from textloop.stages.train.training import train

runner = CliRunner()


def invoke(project, *args: str, uri: str = ""):
    return runner.invoke(app, ["--project", str(project.root), "export", "mlflow", *args],
                         env={"MLFLOW_TRACKING_URI": uri})


def test_export_twice_then_read_back(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    run = train(store, project).run_name
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    where = ["--experiment", "spam", "--artifact-location", str(tmp_path / "artifacts")]
    first = invoke(project, run, *where, uri=uri)
    assert first.exit_code == 0, first.output
    assert f"{run}" in first.output and "created" in first.output
    assert "Exported 1 runs to experiment spam" in first.output
    again = invoke(project, *where, "--tracking-uri", uri)  # all runs; the option beats the env
    assert again.exit_code == 0, again.output
    row = next(line for line in again.output.splitlines() if line.strip().startswith(run))
    assert row.split()[2:4] == ["updated", "0"]
    client = mlflow_client(uri)
    experiment = client.get_experiment_by_name("spam")
    assert [r.info.run_name for r in client.search_runs([experiment.experiment_id])] == [run]


def test_without_a_tracking_uri_the_hint_names_both_ways(project, store) -> None:
    result = invoke(project)
    assert result.exit_code == 2, result.output
    assert "--tracking-uri" in result.output and "MLFLOW_TRACKING_URI" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_run_or_a_store_mlflow_cannot_open_is_an_error_not_a_traceback(
        project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    train(store, project)
    unknown = invoke(project, "tfidf-lr-9", uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert unknown.exit_code == 3 and "no run 'tfidf-lr-9'" in unknown.output
    refused = invoke(project, uri="notascheme://somewhere")
    assert refused.exit_code == 9, refused.output
    assert "MLflow at notascheme://somewhere failed" in refused.output
    assert "Traceback" not in refused.output and "export again" in refused.output


def test_export_json_names_each_run_and_the_experiment(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    run = train(store, project).run_name
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    done = json_of(invoke(project, run, "--experiment", "spam", "--artifact-location",
                          str(tmp_path / "artifacts"), "--json", uri=uri))
    assert done["experiment"] == "spam" and done["tracking_uri"] == uri
    (exported,) = done["runs"]
    assert exported["name"] == run and exported["created"] is True
    assert exported["metrics_added"] > 0 and done["versions"] == []


def test_export_release_writes_conll_and_prints_json(tmp_path) -> None:
    from textloop.config import Label
    from textloop.spans import Span
    from textloop.spans.conll import read_conll
    from textloop.stages.project.init import init_project

    ner = init_project(tmp_path / "ner", labels=[Label(name="PER")], task="spans")
    data = tmp_path / "in.conll"
    data.write_text("".join(f"Ana\tB-PER\nsleeps\tO\n{i}\tO\n\n" for i in range(30)),
                    encoding="utf-8")
    root = ["--project", str(ner.root)]
    assert runner.invoke(app, [*root, "import", str(data)]).exit_code == 0
    assert runner.invoke(app, [*root, "release"]).exit_code == 0
    out = tmp_path / "out"
    report = json_of(runner.invoke(app, [*root, "export", "release", "v1", "--format", "conll",
                                         "--out", str(out), "--json"]))
    assert report["tokenizer"] == "whitespace" and report["scheme"] == "IOB2"
    assert sum(report["records"].values()) == 30
    back = {r.text: r.spans for r in read_conll(report["files"]["train"])}
    assert back and all(spans == [Span(0, 3, "PER")] for spans in back.values())
    plain = runner.invoke(app, [*root, "export", "release", "v1", "--format", "doccano",
                                "--out", str(tmp_path / "doccano")])
    assert plain.exit_code == 0 and "Exported v1 as doccano: 30 spans" in plain.output
    again = runner.invoke(app, [*root, "export", "release", "v1", "--format", "jsonl",
                                "--out", str(out)])
    assert again.exit_code != 0 and "is not empty" in again.output
    assert "Traceback" not in again.output and "Hint:" in again.output


def test_export_release_writes_a_classification_release_as_csv(project, store,
                                                                tmp_path) -> None:
    released(store, project, tmp_path)
    root = ["--project", str(project.root)]
    report = json_of(runner.invoke(app, [*root, "export", "release", "v1", "--format", "csv",
                                         "--out", str(tmp_path / "out"), "--json"]))
    assert report["files"]["train"].endswith("train.csv") and report["spans"] == 0
    assert report["dataset_yaml"].endswith("dataset.yaml")
    header = (tmp_path / "out" / "train.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,text,label")
    copy = ["--project", str(tmp_path / "copy")]
    assert runner.invoke(app, ["init", str(tmp_path / "copy"), "--labels",
                               "spam,ham"]).exit_code == 0
    imported = json_of(runner.invoke(app, [*copy, "import", report["files"]["train"],
                                           "--json"]))
    assert imported["records_new"] == imported["annotations_new"] == report["records"]["train"]
    assert imported["records_new"] > 0
    refused = runner.invoke(app, [*root, "export", "release", "v1", "--format", "conll",
                                  "--out", str(tmp_path / "conll")])
    assert refused.exit_code == 2
    assert "is a classification release" in refused.output and "Hint:" in refused.output
