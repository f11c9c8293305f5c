"""The public API against the CLI: the same calls with the same defaults, so the same
project files, release rows, run metrics and predictions; typed results; run names."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import textloop
from tests.unit.stages.monitor.fixtures import log_traffic
from tests.unit.stages.pipeline_fixtures import released, write_dataset
from tests.unit.stages.runs.test_recovery import killed_at
from textloop.cli.main import app
from textloop.config import find_project
from textloop.errors import ConflictError, InvalidInputError, NotFoundError
from textloop.stages.release import load_release
from textloop.storage import Store

runner = CliRunner()
VOLATILE = ("seconds", "import_id", "created_at", "path", "report_path", "source",
            "bundle_path", "id", "run_id", "training", "inference", "duration_s")
"""Keys that differ between two projects by time or folder, never by what was computed."""


def cli(root: Path, *args: str) -> str:
    done = runner.invoke(app, ["--project", str(root), *args])
    assert done.exit_code == 0, done.output
    return done.stdout


def cli_json(root: Path, *args: str) -> dict:
    return json.loads(cli(root, *args, "--json"))


def stable(value):
    """``value`` without the keys that name a time or a folder."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Path, textloop.Project]:
    """The same project made twice, once by `textloop init` and once by the API, each in a
    folder of the same name (the name is the project's), with the same data file."""
    data = write_dataset(tmp_path / "data.csv")
    (tmp_path / "cli").mkdir()
    init = runner.invoke(app, ["init", str(tmp_path / "cli" / "spam-filter"),
                               "--labels", "spam=Unwanted ads;ham=Anything else",
                               "--score-labels", "spam", "--goal-target", "0.8"])
    assert init.exit_code == 0, init.output
    api = textloop.init_project(tmp_path / "api" / "spam-filter",
                                labels={"spam": "Unwanted ads", "ham": "Anything else"},
                                score_labels=["spam"], goal_target=0.8)
    return data, tmp_path / "cli" / "spam-filter", api


def test_init_writes_the_spec_the_cli_writes(twins) -> None:
    _, cli_root, api = twins
    assert (api.root / "textloop.yaml").read_text() == (cli_root / "textloop.yaml").read_text()
    assert api.labels == ["spam", "ham"]
    assert api.config.spec.goal.metric == "macro_f1" and api.config.spec.goal.target == 0.8


def test_import_release_train_evaluate_predict_match_the_cli(twins) -> None:
    data, cli_root, api = twins
    cli(cli_root, "import", str(data), "--text-col", "text", "--label-col", "label")
    imported = api.import_file(data, text_col="text", label_col="label")
    assert (imported.records_new, imported.annotations_new) == (240, 240)

    cli(cli_root, "release", "--seed", "3")
    released = api.release(seed=3)
    with Store.for_project(find_project(cli_root)) as store:
        cli_release = load_release(store, "v1")
    api_release = load_release(api.store, released.id)
    for split in ("train", "validation", "test"):
        assert api_release.splits[split].ids == cli_release.splits[split].ids
    assert released.counts == {s: len(cli_release.splits[s].ids) for s in released.counts}

    cli_run = cli_json(cli_root, "train", "--model", "tfidf-lr", "--param", "C=3")
    run = api.train(model="tfidf-lr", params={"C": 3})
    assert run.name == cli_run["run_name"] == "tfidf-lr-1"
    assert run.metrics == cli_run["metrics"] and run.params["C"] == 3
    assert run.training is not None and run.training.bands == cli_run["bands"]

    cli_eval = cli_json(cli_root, "evaluate", "tfidf-lr-1", "--no-probes")
    evaluation = api.evaluate(run, probes=False)
    assert stable(evaluation.metrics) == stable(cli_eval["metrics"])
    assert 0.0 <= evaluation.metrics["macro_f1"] <= 1.0
    assert evaluation.report_path.is_file() and evaluation.report_path.suffix == ".html"

    texts = ["WIN a FREE phone, claim your cash prize now", "see you at lunch, mum"]
    printed = json.loads(cli(cli_root, "predict", "tfidf-lr-1", "--json", *texts))
    predictions = api.predict(run, texts)
    assert [{k: p.to_dict()[k] for k in line} for p, line in zip(predictions, printed,
                                                               strict=True)] == printed
    assert predictions.labels == ["spam", "ham"] and predictions.run == "tfidf-lr-1"

    scored = {"cli": cli_root.parent / "scored.csv", "api": api.root.parent / "scored.csv"}
    summary = cli_json(cli_root, "predict", "tfidf-lr-1", "--input", str(data), "--output",
                       str(scored["cli"]))
    done = api.predict_file(run, data, scored["api"])
    assert summary["rows"] == done.rows == 240 and summary["run"] == done.run == "tfidf-lr-1"
    assert scored["cli"].read_bytes() == scored["api"].read_bytes()
    api.close()


def test_every_result_is_typed_and_its_to_dict_is_json(tmp_path: Path) -> None:
    with textloop.init_project(tmp_path / "p", labels=["spam", "ham"]) as project:
        results = [project.import_file(write_dataset(tmp_path / "d.csv"), meta_cols="*"),
                   project.release()]
        run = project.train()
        results += [run, project.evaluate(run, probes=False), project.predict(run, "win cash"),
                    project.register(run, actor="ana"), project.status(), project.run("m1")]
        results += [project.promote("m1", actor="ana"), *project.versions(), *project.runs(),
                    *project.releases(), project.lineage("champion", ids=True)]
        for result in results:
            body = result.to_dict()
            assert isinstance(body, dict) and body
            assert json.loads(json.dumps(body)) == body, type(result).__name__
        assert isinstance(results[0], textloop.ImportResult)
        assert isinstance(results[1], textloop.ReleaseInfo)
        assert results[0].to_dict()["records_new"] == 240
        assert results[1].to_dict()["rows"] == 240
        assert project.versions()[0].aliases == ["champion"]
        assert project.versions()[0].created_by == "ana"


def test_a_run_is_named_by_object_name_latest_version_or_alias(tmp_path: Path) -> None:
    with textloop.init_project(tmp_path / "p", labels=["spam", "ham"]) as project:
        project.import_file(write_dataset(tmp_path / "d.csv"))
        project.release()
        first = project.train()
        second = project.train(params={"C": 0.1})
        project.register(first)
        project.promote("m1")
        assert project.run("latest").name == second.name == "tfidf-lr-2"
        for ref in (first, "tfidf-lr-1", "m1", "champion", "1"):
            assert project.run(ref).name == "tfidf-lr-1", ref
        assert project.predict("champion", "win cash").run == "tfidf-lr-1"
        with pytest.raises(NotFoundError, match="no run 'tfidf-lr-9'"):
            project.evaluate("tfidf-lr-9")
        with pytest.raises(InvalidInputError, match="does not name a run"):
            project.predict("  ", ["hello"])


def test_a_refused_promotion_raises_unless_asked_for_the_decision(tmp_path: Path) -> None:
    with textloop.init_project(tmp_path / "p", labels=["spam", "ham"]) as project:
        project.import_file(write_dataset(tmp_path / "d.csv"))
        project.release()
        strong = project.train()
        project.register(strong)
        project.promote(strong)  # the first champion: nothing to beat
        project.register(project.train(params={"C": 0.0001}))
        decision = project.promote("m2", check=False)
        assert not decision.promoted and decision.to_dict()["version"] == "m2"
        with pytest.raises(ConflictError, match="m2 was not promoted"):
            project.promote("m2")
        assert project.run("champion").name == strong.name


def test_open_project_finds_the_nearest_spec_and_opens_the_store_lazily(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    textloop.init_project(tmp_path / "p", labels=["spam", "ham"]).close()
    (tmp_path / "p" / "sub").mkdir()
    monkeypatch.delenv("TEXTLOOP_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path / "p" / "sub")
    project = textloop.open_project()
    assert project.root == (tmp_path / "p").resolve()
    assert project._store is None  # nothing opened until a method needs it
    assert project.status().records == 0
    store = project.store
    assert project.store is store
    project.close()
    assert project._store is None and project.status().records == 0
    project.close()
    with pytest.raises(NotFoundError, match=r"no textloop\.yaml"):
        textloop.open_project(tmp_path)


def test_bad_arguments_are_clear_errors(tmp_path: Path) -> None:
    with textloop.init_project(tmp_path / "p", labels=["spam", "ham"]) as project:
        with pytest.raises(InvalidInputError, match="source 'log' is not a source"):
            project.suggest(source="log")
        with pytest.raises(InvalidInputError, match="reference 'dev' is not a split"):
            project.monitor(reference="dev")
        with pytest.raises(InvalidInputError, match="since='yesterday' is not a time"):
            project.suggest(source="production", since="yesterday")  # type: ignore[arg-type]
        with pytest.raises(ConflictError, match="already exists"):
            textloop.init_project(project.root)


def test_opening_the_store_settles_a_killed_run_as_the_cli_does(
        project, store, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    released(store, project, tmp_path)
    killed_at(project, tmp_path, "train:running", "train")
    with caplog.at_level("WARNING", logger="textloop"), textloop.open_project(
            project.root) as api:
        assert [r.status for r in api.runs()] == ["failed (interrupted)"]
    assert "run tfidf-lr-1 was interrupted" in caplog.text


def test_suggest_clean_lineage_and_rollback(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "d.csv")
    unlabeled = tmp_path / "pool.csv"
    unlabeled.write_text("text\n" + "".join(f"free lunch offer {i}\n" for i in range(30)),
                         encoding="utf-8")
    with textloop.init_project(tmp_path / "p", labels=["spam", "ham"]) as project:
        project.import_file(data)
        project.import_file(unlabeled)
        queued = project.suggest(strategy="margin", batch=5)
        assert isinstance(queued, textloop.SuggestResult) and queued.queued == 5
        assert queued.to_dict()["queued"] == 5 and queued.pool_size == 30

        project.release()
        cleaned = project.clean(embeddings=False, folds=3)
        assert cleaned.n_records == 240
        assert cleaned.config["models"] == ["textloop.model.tfidf-lr.v1"]  # no MiniLM needed
        assert cleaned.report_html is not None and cleaned.report_html.is_file()

        first, second = project.train(), project.train(params={"C": 20})
        for run in (first, second):
            project.register(run)
            project.promote(run, force=True, reason="test")
        traced = project.lineage("champion", ids=True)
        assert traced.run["name"] == second.name and len(traced.row_ids) == 240
        back = project.rollback(reason="test")
        assert back.to_dict() == {"previous": "m2", "champion": "m1"}
        assert project.run("champion").name == first.name


def test_synth_and_monitor_as_on_the_cli(tmp_path: Path) -> None:
    with textloop.init_project(tmp_path / "p", labels=["spam", "ham"]) as project:
        project.import_file(write_dataset(tmp_path / "d.csv"))
        project.release()
        run = project.train()
        project.register(run, actor="ana")

        made = project.synth(generator="swap", classes=1, per_class=12, embeddings=False,
                             actor="ana")
        assert made.batch["created_by"] == "ana" and made.batch["generator"].startswith(
            "textloop.synth.swap")
        assert [t.label for t in made.targets] == ["spam"]
        assert json.loads(json.dumps(made.to_dict()))["batch"]["id"] == "s1"

        texts = [p.text for p in project.predict(run, [f"free cash now {i}" for i in range(40)]
                                                 + [f"lunch at home {i}" for i in range(40)])]
        log_traffic(project.store, texts, start=time.time() - 100, tag="r")
        checked = project.monitor(model="m1", window=80)
        assert checked.window["rows"] == 80 and checked.served.run_name == run.name
        assert checked.status in ("ok", "drift", "not enough data")
        assert json.loads(json.dumps(checked.to_dict()))["report_id"] == checked.report_id
        printed = cli_json(project.root, "monitor", "--model", "m1", "--window", "80")
        assert printed["status"] == checked.status and printed["window"]["rows"] == 80
        assert [c["name"] for c in printed["checks"]] == [c.name for c in checked.checks]


def test_a_span_project_imports_and_exports_as_the_cli_does(tmp_path) -> None:
    data = tmp_path / "dev.txt"
    data.write_text("".join(f"Ana\tNNP\tB-PER\nsleeps\tVBZ\tO\n{i}\tCD\tO\n\n"
                            for i in range(30)), encoding="utf-8")
    (tmp_path / "cli").mkdir()
    cli_root = tmp_path / "cli" / "ner"
    assert runner.invoke(app, ["init", str(cli_root), "--task", "spans",
                               "--labels", "PER"]).exit_code == 0
    cli(cli_root, "import", str(data), "--format", "conll", "--tag-col", "2")
    cli(cli_root, "release")
    from_cli = cli_json(cli_root, "export", "release", "v1", "--format", "conll", "--out",
                        str(tmp_path / "cli-out"), "--tokenizer", "words")
    with textloop.init_project(tmp_path / "api" / "ner", labels=["PER"], task="spans") as api:
        imported = api.import_file(data, format="conll", tag_col=2, scheme="IOB2")
        assert imported.span_reading["scheme_reason"] == "given"
        api.release()
        exported = api.export_release("v1", format="conll", out=tmp_path / "api-out",
                                      tokenizer="words")
    def computed(result: dict) -> dict:  # the folders differ, nothing else may
        return {k: v for k, v in stable(result).items()
                if k not in ("out", "files", "dataset_yaml")}

    assert computed(exported.to_dict()) == computed(from_cli)
    assert {k: Path(v).name for k, v in exported.to_dict()["files"].items()} == {
        k: Path(v).name for k, v in from_cli["files"].items()}
    assert exported.tokenizer == "words" and sum(exported.records.values()) == 30
    assert Path(from_cli["dataset_yaml"]).name == Path(exported.to_dict()["dataset_yaml"]).name


def test_import_file_takes_tag_names_as_a_list_or_a_string(tmp_path) -> None:
    data = tmp_path / "ints.jsonl"
    data.write_text('{"tokens": ["Ana", "sleeps"], "ner_tags": [1, 0]}\n', encoding="utf-8")
    with textloop.init_project(tmp_path / "ner", labels=["PER"], task="spans") as project:
        first = project.import_file(data, format="hf-tokens", tag_names="O, B-PER")
        again = project.import_file(data, format="hf-tokens", tag_names=["O", "B-PER"])
        assert (first.records_new, first.annotations_new) == (1, 1)
        assert (again.records_new, again.previous_imports) == (0, [first.import_id])
        with pytest.raises(InvalidInputError, match="'O' is listed twice"):
            project.import_file(data, format="hf-tokens", tag_names="O,B-PER,O")


def test_import_file_pins_a_split_as_the_cli_does(tmp_path: Path) -> None:
    with textloop.init_project(tmp_path / "p", labels=["spam", "ham"]) as project:
        project.import_file(write_dataset(tmp_path / "d.csv"))
        test = tmp_path / "official.csv"
        test.write_text("text,label\nofficial one,spam\nofficial two,ham\n")
        imported = project.import_file(test, split="test")
        assert imported.to_dict()["pinned"] == {"test": 2}
        release = project.release()
        assert release.counts["test"] == 2
        assert set(load_release(project.store, release.id).splits["test"].texts) == {
            "official one", "official two"}
