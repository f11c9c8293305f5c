"""``train``: a run with params, metrics under MLflow-style keys, and a verified bundle."""

from __future__ import annotations

import time

import pytest

from tests.unit.stages.pipeline_fixtures import embedded_model_ids, project_in, released
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.train.training import train
from textloop.storage import Store, annotation_log, runs
from textloop.storage.bundles import load_bundle


def test_train_records_a_finished_run_with_metrics_and_bundle(project, store, tmp_path) -> None:
    release_id = released(store, project, tmp_path)
    result = train(store, project, model="tfidf-lr", params={"C": 5.0})
    assert result.run_name == "tfidf-lr-1" and result.release_id == release_id
    assert result.metrics["val/macro_f1"] > 0.8
    assert {"train/accuracy", "val/accuracy", "val/log_loss"} <= set(result.metrics)
    with store.read() as conn:
        run = runs.get(conn, "tfidf-lr-1")
    assert run["status"] == "finished"
    assert run["params"]["C"] == 5.0 and run["params"]["release"] == release_id
    assert run["metrics"]["val/macro_f1"] == pytest.approx(result.metrics["val/macro_f1"])
    bundle = load_bundle(store.path_for(run["bundle_path"]), run["bundle_sha256"])
    assert bundle.meta["release_id"] == release_id
    assert bundle.meta["model"] == "textloop.model.tfidf-lr.v1"
    assert bundle.meta["actions"]["bands"]


def test_runs_are_numbered_and_found_by_name_number_and_latest(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    first = train(store, project)
    second = train(store, project, params={"ngram_max": 1})
    with store.read() as conn:
        assert runs.get(conn, "latest")["name"] == second.run_name == "tfidf-lr-2"
        assert runs.get(conn, "1")["name"] == first.run_name
        assert runs.get(conn, first.run_id[:8])["id"] == first.run_id
        with pytest.raises(NotFoundError, match="recent runs: tfidf-lr-1, tfidf-lr-2"):
            runs.get(conn, "nope")


def test_failure_marks_the_run_failed(project, store, tmp_path, monkeypatch) -> None:
    released(store, project, tmp_path)
    import textloop.stages.train.training as stage

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(stage, "save_bundle", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        train(store, project)
    with store.read() as conn:
        assert runs.get(conn, "tfidf-lr-1")["status"] == "failed"


def test_single_class_release_is_refused(project, store, tmp_path) -> None:
    data = tmp_path / "one.csv"
    data.write_text("text,label\n" + "\n".join(f"text number {i},ham" for i in range(30)))
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.release import create_release

    import_file(store, project, data, ImportOptions())
    create_release(store, project)
    with pytest.raises(InvalidInputError, match="fewer than two labels"):
        train(store, project)


def test_no_release_is_a_clear_error(project, store) -> None:
    with pytest.raises(NotFoundError, match="release"):
        train(store, project)


def test_train_uses_the_labels_as_of_the_release(project, store, tmp_path) -> None:
    """A relabel after the release must not leak into training on that release."""
    released(store, project, tmp_path)
    with store.read() as conn:
        from textloop.stages.label.resolution import labeled_records

        records = labeled_records(conn)
    with store.write() as conn:
        annotation_log.insert(conn, [{"record_id": r.id, "label": "spam", "kind": "human",
                                   "annotator": "x", "created_at": time.time()}
                                  for r in records])
    result = train(store, project, release="v1")
    assert result.metrics["val/macro_f1"] > 0.8  # still trained on v1's two classes


def test_bundle_carries_calibrator_and_thresholds_fitted_on_validation(project, store,
                                                                       tmp_path) -> None:
    from textloop.config import Actions, BandTarget

    project.spec.actions = Actions(bands={"block": 0.9, "review": 0.5}, default="allow",
                                   score_labels=["spam"],
                                   targets={"block": BandTarget(precision=0.9),
                                            "review": BandTarget(recall=1.0)})
    released(store, project, tmp_path)
    result = train(store, project)
    assert result.calibration == "textloop.calibration.temperature.v1"
    assert {"val/ece", "val/calibrated_ece"} <= set(result.metrics)
    with store.read() as conn:
        run = runs.get(conn, result.run_name)
    bundle = load_bundle(store.path_for(run["bundle_path"]), run["bundle_sha256"])
    assert bundle.meta["calibration"]["extra"]["temperature"] > 0
    saved = bundle.meta["thresholds"]
    assert saved["declared"]["targets"]["block"] == {"precision": 0.9}
    review = next(row for row in saved["bands"] if row["band"] == "review")
    assert review["met"] is True and review["cumulative_recall"] == 1.0
    fitted = bundle.meta["actions"]["bands"]
    assert fitted["review"] <= fitted.get("block", 1.0)
    assert [row["band"] for row in result.bands][-1] == "allow"


def test_calibration_method_can_be_overridden_or_refused(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    result = train(store, project, calibration="isotonic")
    assert result.calibration == "textloop.calibration.isotonic.v1"
    with pytest.raises(NotFoundError, match="no calibration named 'platt'"):
        train(store, project, calibration="platt")


def test_the_calibration_choice_is_said_in_the_result_the_run_and_the_report(
        project, store, tmp_path) -> None:
    from tests.unit.stages.pipeline_fixtures import write_dataset
    from textloop.stages.evaluate.evaluation import evaluate_run
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.release import create_release

    # enough validation rows to compare out of fold
    import_file(store, project, write_dataset(tmp_path / "data.csv", n=800), ImportOptions())
    create_release(store, project)
    result = train(store, project, calibration="isotonic")
    choice = result.calibration_choice
    assert choice is not None and "cross-validated ECE on validation" in choice
    with store.read() as conn:
        run = runs.get(conn, result.run_name)
    assert run["params"]["calibration_choice"] == choice
    assert run["params"]["calibration"] == result.calibration
    bundle = load_bundle(store.path_for(run["bundle_path"]), run["bundle_sha256"])
    saved = bundle.meta["calibration"]["choice"]
    assert saved["sentence"] == choice and saved["method"] == "textloop.calibration.isotonic.v1"
    assert (result.calibration == saved["method"]) == saved["kept"]
    assert result.metrics["val/calibrated_ece_cv"] == pytest.approx(saved["ece_calibrated_cv"])
    report = evaluate_run(store, project, result.run_name, probes=False)
    assert report.metrics["calibration"]["choice"]["sentence"] == choice
    assert 'id="calibration-choice"' in report.report_html.read_text(encoding="utf-8")


@pytest.mark.model
def test_a_korean_project_trains_embed_lr_on_the_multilingual_encoder(tmp_path) -> None:
    project = project_in("ko", tmp_path)
    with Store.for_project(project) as store:
        released(store, project, tmp_path)
        result = train(store, project, model="embed-lr")
        with store.read() as conn:
            run = runs.get(conn, result.run_name)
        bundle = load_bundle(store.path_for(run["bundle_path"]), run["bundle_sha256"])
        cached = embedded_model_ids(store)
    assert run["params"]["embedder"] == "use-multilingual-v3-int8"
    assert bundle.meta["embedder"] == "use-multilingual-v3-int8"
    assert cached == {"use-multilingual-v3/int8-per-token-exact"}  # no MiniLM vectors
    assert result.metrics["val/macro_f1"] > 0.8


def test_max_train_fits_on_a_fixed_sample_of_the_train_split_and_says_so(project, store,
                                                                         tmp_path) -> None:
    from textloop.stages.release import load_release

    release_id = released(store, project, tmp_path)
    train_split = load_release(store, release_id).train
    capped = train(store, project, model="tfidf-lr", max_train=60)
    assert capped.n_train == 60 < len(train_split)
    assert any(f"60 of {len(train_split)} training records" in note for note in capped.notes)
    with store.read() as conn:
        run = runs.get(conn, capped.run_name)
    assert run["params"]["n_train"] == 60 and run["params"]["max_train"] == 60
    bundle = load_bundle(store.path_for(run["bundle_path"]), run["bundle_sha256"])
    assert bundle.meta["config"]["max_train"] == 60  # what a re-run needs to train the same
    again = train(store, project, model="tfidf-lr", max_train=60)
    assert again.metrics == capped.metrics  # the same records, not a new random draw
    assert train(store, project, model="tfidf-lr", max_train=60_000).n_train == len(train_split)
    full = train(store, project, model="tfidf-lr")
    assert full.n_train == len(train_split)
    assert not any("training records" in note for note in full.notes)
    with pytest.raises(InvalidInputError, match="max_train must be at least 1"):
        train(store, project, model="tfidf-lr", max_train=0)
