"""``init`` and ``status`` through the CLI runner."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.pipeline_fixtures import released
from textloop.cli.main import app
from textloop.config import load_spec
from textloop.errors import InvalidInputError

runner = CliRunner()


def test_init_creates_a_project(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "filter", "--labels", "spam,ham", "--score-labels",
                                 "spam", "--goal-target", "0.95"])
    assert result.exit_code == 0, result.output
    spec = load_spec(tmp_path / "filter" / "textloop.yaml")
    assert spec.label_names == ["spam", "ham"] and spec.goal.target == 0.95
    again = runner.invoke(app, ["init", "filter"])
    assert again.exit_code == 4 and "already exists" in again.output


def test_init_of_a_span_project_suggests_importing_a_span_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "ner", "--task", "spans", "--labels", "PER,ORG"])
    assert result.exit_code == 0, result.output
    assert "Next: cd ner && textloop import data.conll" in result.output
    assert "docs/spans.md" in result.output and "--label-col" not in result.output


def test_status_outside_a_project_says_how_to_start(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEXTLOOP_PROJECT", raising=False)
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 3
    assert "Error:" in result.output and "textloop init" in result.output


def test_status_lists_labels_releases_and_next_step(project, store, tmp_path) -> None:
    empty = runner.invoke(app, ["--project", str(project.root), "status"])
    assert "Next: textloop import" in empty.output
    released(store, project, tmp_path)
    result = runner.invoke(app, ["--project", str(project.root), "status"])
    assert result.exit_code == 0
    assert "spam" in result.output and "v1" in result.output
    assert "Next: textloop train" in result.output


def test_status_in_an_80_column_terminal_shows_whole_run_names_and_statuses(
        project, store, tmp_path) -> None:
    """A run name is what the user types next; cut to `tfidf-lr…` it names nothing."""
    from textloop.stages.train.training import train

    released(store, project, tmp_path)
    run = train(store, project).run_name
    result = runner.invoke(app, ["--project", str(project.root), "status"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    runs_table = result.output[result.output.index("Runs"):]
    assert "…" not in runs_table, runs_table
    assert run in runs_table and "finished" in runs_table


def test_every_command_has_an_example_in_its_help() -> None:
    import typer.main

    from textloop.cli.main import app as application

    group = typer.main.get_command(application)
    for name, command in group.commands.items():
        if getattr(command, "commands", None):  # sub-apps: check their commands
            for sub in command.commands.values():
                assert "textloop" in (sub.epilog or ""), f"{name} {sub.name} lacks an example"
            continue
        assert "textloop" in (command.epilog or ""), f"{name} lacks an example"


def test_status_of_unlabeled_records_points_to_suggest_then_shows_the_queue(
        project, store, tmp_path) -> None:
    from tests.unit.stages.labeling_fixtures import queued

    data = tmp_path / "more.csv"
    data.write_text("text\nan unlabeled message\nanother one\n")
    runner.invoke(app, ["--project", str(project.root), "import", str(data)])
    before = runner.invoke(app, ["--project", str(project.root), "status"])
    assert "Next: textloop suggest" in before.output and "labeling:" not in before.output
    queued(store, project, tmp_path, n=3)
    after = runner.invoke(app, ["--project", str(project.root), "status"])
    assert "queue: 5 waiting" in after.output and "Next: textloop label" in after.output


def test_init_a_regression_project_with_a_target_range(tmp_path, monkeypatch) -> None:
    from textloop.config import load_spec

    monkeypatch.chdir(tmp_path)
    made = runner.invoke(app, ["init", "reviews", "--task", "regression", "--target",
                               "stars:1:5"])
    assert made.exit_code == 0, made.output
    spec = load_spec(tmp_path / "reviews" / "textloop.yaml")
    assert spec.task == "regression" and spec.labels == []
    assert (spec.target.name, spec.target.min, spec.target.max) == ("stars", 1.0, 5.0)
    assert spec.goal.metric == "r2" and spec.training.loss == "mse"
    bad = runner.invoke(app, ["init", "other", "--task", "regression", "--target", "x:a:1"])
    assert bad.exit_code != 0 and "--target 'x:a:1': the bounds must be numbers" in bad.output
    assert not (tmp_path / "other").exists()
    plain = runner.invoke(app, ["init", "spam", "--labels", "spam,ham"])
    assert plain.exit_code == 0
    assert "\ntarget:" not in (tmp_path / "spam" / "textloop.yaml").read_text()


def test_init_labels_with_semicolons_or_commas_make_the_same_labels(tmp_path,
                                                                    monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name, labels in [("semi", "PER;ORG;LOC"), ("comma", "PER,ORG,LOC")]:
        result = runner.invoke(app, ["init", name, "--labels", labels])
        assert result.exit_code == 0, result.output
        assert load_spec(tmp_path / name / "textloop.yaml").label_names == ["PER", "ORG", "LOC"]
    described = runner.invoke(app, ["init", "desc", "--labels",
                                    "spam=Unwanted ads, or scams;ham=Anything else"])
    assert described.exit_code == 0, described.output
    spec = load_spec(tmp_path / "desc" / "textloop.yaml")
    assert [lab.description for lab in spec.labels] == ["Unwanted ads, or scams", "Anything else"]


def test_init_help_states_the_separator_rule() -> None:
    result = runner.invoke(app, ["init", "--help"], env={"COLUMNS": "200"})
    assert "separated by ';'" in " ".join(result.output.split())


def test_init_refuses_a_look_alike_label_with_a_message_not_a_traceback(tmp_path,
                                                                         monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "p", "--labels", "spam,\u0455\u0440\u0430m"])
    assert result.exit_code == InvalidInputError.exit_code
    assert "looks like the label 'spam'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "p").exists()


def test_status_json_is_one_document_with_the_tables_facts(project, store, tmp_path) -> None:
    """A script reads counts, releases and runs by name, not by parsing rich tables."""
    import json

    from textloop.stages.train.training import train

    released(store, project, tmp_path)
    run = train(store, project).run_name
    shown = runner.invoke(app, ["--project", str(project.root), "status"])
    result = runner.invoke(app, ["--project", str(project.root), "status", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["name"] == project.spec.name and info["records"] > 0
    assert f"records: {info['records']:,}" in shown.output
    assert f"labeled: {info['labeled']:,}" in shown.output
    assert set(info["per_label"]) == {"spam", "ham"}
    assert sum(info["per_label"].values()) == info["labeled"]
    assert info["labeled_share"] == info["labeled"] / info["records"]
    assert [r["id"] for r in info["releases"]] == ["v1"]
    assert [(r["name"], r["status"]) for r in info["runs"]] == [(run, "finished")]
    assert "val/macro_f1" in info["runs"][0]["metrics"]
    assert info["goal"]["metric"] == project.spec.goal.metric


def test_init_json_says_where_the_project_lives(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    made = json_of(runner.invoke(app, ["init", "spam-filter", "--labels", "spam,ham",
                                       "--json"]))
    assert made["name"] == "spam-filter" and made["labels"] == ["spam", "ham"]
    assert made["root"] == str(tmp_path / "spam-filter")
    assert made["spec_path"] == str(tmp_path / "spam-filter" / "textloop.yaml")
    assert made["task"] == "classification" and made["goal"]["metric"] == "macro_f1"
    assert load_spec(tmp_path / "spam-filter" / "textloop.yaml").name == "spam-filter"


def test_status_of_a_span_project_prints_spans_per_label(tmp_path) -> None:
    from tests.unit.stages.rules.span_fixtures import BRANDS, label_people, opened_span_project

    with opened_span_project(tmp_path, BRANDS) as (project, store, ids):
        label_people(store, ids)
    root = ["--project", str(project.root)]
    result = runner.invoke(app, [*root, "status"])
    assert result.exit_code == 0, result.output
    assert "labeled: 3 (50.0%)   by source: human 3" in result.output
    assert "5 spans: PER 1, PHONE 2, BRAND 2" in result.output
    assert json_of(runner.invoke(app, [*root, "status", "--json"]))["per_label"] == {
        "PER": 1, "ORG": 0, "PHONE": 2, "BRAND": 2}


def test_status_prints_a_hostile_project_name_escaped(project, store, monkeypatch) -> None:
    """The project's name is free text in textloop.yaml (a shared or downloaded project):
    status shows its escapes and markup as text; ``--json`` gives it exactly."""
    import json

    from tests.unit.cli.hostile import HOSTILE, SHOWN, assert_safe
    from textloop.cli.console import console

    monkeypatch.setattr(console, "_width", 400)
    spec = project.root / "textloop.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        f"name: {project.spec.name}\n", f"name: {json.dumps(HOSTILE)}\n", 1), encoding="utf-8")
    shown = runner.invoke(app, ["--project", str(project.root), "status"])
    assert shown.exit_code == 0, shown.output
    assert assert_safe(shown.output).startswith(SHOWN)
    as_json = runner.invoke(app, ["--project", str(project.root), "status", "--json"])
    assert json.loads(as_json.stdout)["name"] == HOSTILE
