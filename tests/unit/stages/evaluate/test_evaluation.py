"""``evaluate``: metrics on a split, logged on the run, with an HTML report and JSON."""

from __future__ import annotations

import json

import pytest

from tests.unit.stages.pipeline_fixtures import released
from textloop.errors import InvalidInputError
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.release import load_release
from textloop.stages.train.training import train
from textloop.storage import runs


def test_evaluate_writes_report_and_logs_test_metrics(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    trained = train(store, project)
    result = evaluate_run(store, project, trained.run_name)
    assert result.split == "test"
    assert 0.8 < result.metrics["macro_f1"] <= 1.0
    assert result.goal_met == (result.metrics["macro_f1"] >= project.spec.goal.target)
    html = result.report_html.read_text(encoding="utf-8")
    assert "tfidf-lr-1" in html and "<svg" in html
    saved = json.loads(result.metrics_json.read_text(encoding="utf-8"))
    assert saved["macro_f1"] == pytest.approx(result.metrics["macro_f1"])
    assert saved["confusion_matrix"]["labels"] == ["spam", "ham"]
    test_ids = set(load_release(store, "latest").test.ids)  # mistakes name their records
    assert "mistakes" in saved and all(m["record_id"] in test_ids for m in saved["mistakes"])
    with store.read() as conn:
        logged = runs.get(conn, trained.run_name)["metrics"]
    assert logged["test/macro_f1"] == pytest.approx(result.metrics["macro_f1"])


def test_unknown_split_is_refused(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    train(store, project)
    with pytest.raises(InvalidInputError, match="unknown split"):
        evaluate_run(store, project, "latest", split="holdout")


def test_tampered_bundle_is_refused(project, store, tmp_path) -> None:
    from textloop.errors import IntegrityError

    released(store, project, tmp_path)
    trained = train(store, project)
    bundle_json = store.path_for("runs", trained.run_name, "bundle", "bundle.json")
    bundle_json.chmod(0o644)
    bundle_json.write_text(bundle_json.read_text().replace('"spam"', '"ham"'))
    with pytest.raises(IntegrityError, match="checksum mismatch"):
        evaluate_run(store, project, trained.run_name)


def test_report_and_json_show_calibration_and_bands(project, store, tmp_path) -> None:
    from textloop.config import Actions

    project.spec.actions = Actions.for_filter(["spam"])
    released(store, project, tmp_path)
    trained = train(store, project)
    result = evaluate_run(store, project, trained.run_name)
    saved = json.loads(result.metrics_json.read_text(encoding="utf-8"))
    calibration = saved["calibration"]
    assert calibration["method"] == "textloop.calibration.temperature.v1"
    assert 0.0 <= calibration["ece_after"] <= 1.0 and "positive_ece_before" in calibration
    assert saved["ece"] == pytest.approx(calibration["ece_after"])
    bands = saved["bands"]["bands"]
    assert [row["band"] for row in bands] == ["block", "review", "allow"]
    assert sum(row["rows"] for row in bands) == saved["n"]
    assert all("expected_volume" in row for row in bands)
    html = result.report_html.read_text(encoding="utf-8")
    # labels are listed spam, ham: the score label is the positive class everywhere
    assert saved["auc_method"] == {"average": "binary", "positive": "spam"}
    assert saved["roc_auc"] == pytest.approx(saved["per_class"]["spam"]["roc_auc"])
    assert calibration["positive"] == "spam"
    assert "AUCs treat “spam” as the positive class" in html
    assert "Positive class: spam" in html and "predicted probability of spam" in html
    assert 'id="calibration"' in html and 'id="bands"' in html
    assert "plot-reliability" in html
    with store.read() as conn:
        logged = runs.get(conn, trained.run_name)["metrics"]
    assert logged["test/ece"] == pytest.approx(calibration["ece_after"])
