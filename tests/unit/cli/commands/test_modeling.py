"""``train | evaluate | predict`` through the CLI runner, as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.span_run_fixtures import released_span_project
from textloop.cli.main import app
from textloop.config import BandTarget

runner = CliRunner()


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), *args])


def test_train_evaluate_predict(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    trained = invoke(project, "train", "--model", "tfidf-lr", "--param", "C=4")
    assert trained.exit_code == 0, trained.output
    assert "Run tfidf-lr-1" in trained.output and "val/macro_f1" in trained.output
    evaluated = invoke(project, "evaluate", "tfidf-lr-1")
    assert evaluated.exit_code == 0, evaluated.output
    assert "macro-F1" in evaluated.output and "report.html" in evaluated.output
    predicted = invoke(project, "predict", "tfidf-lr-1", "--json", "win free cash prize now",
                       "lunch at noon?")
    assert predicted.exit_code == 0, predicted.output
    first, second = json.loads(predicted.stdout)  # one document: a list, one entry per text
    assert first["label"] == "spam" and first["model"] == "tfidf-lr-1"
    assert second["text"] == "lunch at noon?" and set(second) == {
        "text", "label", "score", "band", "probabilities", "calibrated", "model"}


def test_bad_param_and_missing_run_are_clean_errors(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    bad = invoke(project, "train", "--param", "C")
    assert bad.exit_code == 2 and "Error:" in bad.output and "KEY=VALUE" in bad.output
    missing = invoke(project, "evaluate", "tfidf-lr-9")
    assert missing.exit_code == 3
    assert "no run 'tfidf-lr-9'" in missing.output and "Traceback" not in missing.output


def test_markup_in_user_text_is_printed_literally(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    invoke(project, "train")
    result = invoke(project, "predict", "latest", "[bold red]free cash[/] now")
    assert result.exit_code == 0
    assert "[bold red]free cash[/]" in result.output


@pytest.mark.model
def test_train_embed_mlp_prints_the_verdict(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    result = invoke(project, "train", "--model", "embed-mlp", "--param", "epochs=4")
    assert result.exit_code == 0, result.output
    assert "Run embed-mlp-1" in result.output and "Trained 4 epochs" in result.output
    assert "Verdict: " in result.output and "tensorboard --logdir" in result.output
    assert any(kind in result.output for kind in ("healthy", "underfitting", "overfitting"))


def test_calibration_and_bands_are_printed_and_predict_says_calibrated(project, store,
                                                                       tmp_path) -> None:
    released(store, project, tmp_path)
    trained = invoke(project, "train", "--calibration", "isotonic")
    assert trained.exit_code == 0, trained.output
    assert "Action bands on validation" in trained.output and "val/calibrated_ece" in trained.output
    evaluated = invoke(project, "evaluate", "latest")
    assert "Calibration (textloop.calibration.isotonic.v1): ECE" in evaluated.output
    assert "Action bands on test" in evaluated.output
    predicted = invoke(project, "predict", "latest", "--json", "win free cash prize now")
    assert json.loads(predicted.stdout)[0]["calibrated"] is True


def test_unknown_calibration_is_a_clean_error(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    result = invoke(project, "train", "--calibration", "platt")
    assert result.exit_code == 3 and "no calibration named 'platt'" in result.output
    assert "temperature" in result.output and "Traceback" not in result.output


@pytest.mark.model
def test_evaluate_compare_embedders_prints_the_table_or_says_why_not(project, store,
                                                                      tmp_path) -> None:
    released(store, project, tmp_path)
    invoke(project, "train", "--model", "tfidf-lr")
    refused = invoke(project, "evaluate", "tfidf-lr-1", "--compare-embedders")
    assert refused.exit_code == 2, refused.output
    assert "has no embedder to compare" in refused.output and "embed-mlp" in refused.output
    invoke(project, "train", "--model", "embed-lr")
    compared = invoke(project, "evaluate", "embed-lr-2", "--compare-embedders")
    assert compared.exit_code == 0, compared.output
    assert "Head trained on all-MiniLM-L6-v2/int8-per-token-exact" in compared.output
    table = compared.output.split("Head trained on", 1)[1]
    names = [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")]
    assert names == ["fp32", "int8 *", "int8, 128 tokens", "int8, 64 tokens"]


def test_predict_and_evaluate_take_versions_and_aliases(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    invoke(project, "train")
    invoke(project, "train", "--param", "C=0.5")
    assert invoke(project, "register", "tfidf-lr-2").exit_code == 0
    for ref in ("challenger", "m1", "v1"):
        predicted = invoke(project, "predict", ref, "--json", "win free cash prize now")
        assert predicted.exit_code == 0, predicted.output
        assert json.loads(predicted.stdout)[0]["model"] == "tfidf-lr-2"
    evaluated = invoke(project, "evaluate", "challenger", "--split", "validation",
                       "--no-probes")
    assert evaluated.exit_code == 0, evaluated.output
    assert "tfidf-lr-2 on validation" in evaluated.output
    missing = invoke(project, "predict", "champion", "hi")
    assert missing.exit_code == 3 and "not a run, a model version or an alias" in missing.output


def test_train_and_evaluate_json_print_one_document_with_the_metrics(project, store,
                                                                     tmp_path) -> None:
    """Progress stays on stderr: stdout parses whole, and holds what the text says."""
    released(store, project, tmp_path)
    trained = invoke(project, "train", "--model", "tfidf-lr", "--json")
    assert trained.exit_code == 0, trained.output
    run = json.loads(trained.stdout)
    assert run["run_name"] == "tfidf-lr-1" and run["release_id"] == "v1"
    assert run["model"].split(".")[2] == "tfidf-lr" and run["n_train"] > 0
    assert 0.0 <= run["metrics"]["val/macro_f1"] <= 1.0
    assert run["training"] is None and isinstance(run["bands"], list)

    text = invoke(project, "evaluate", "tfidf-lr-1", "--no-probes")
    evaluated = invoke(project, "evaluate", "tfidf-lr-1", "--no-probes", "--json")
    assert evaluated.exit_code == 0, evaluated.output
    result = json.loads(evaluated.stdout)
    assert result["run_name"] == "tfidf-lr-1" and result["split"] == "test"
    metrics = result["metrics"]
    assert f"macro-F1 {metrics['macro_f1']:.4f}" in text.output
    assert f"accuracy {metrics['accuracy']:.4f}" in text.output
    assert result["report_html"].endswith("report.html")
    assert json.loads(Path(result["metrics_json"]).read_text())["macro_f1"] == metrics["macro_f1"]


def test_train_and_evaluate_a_span_project(tmp_path) -> None:
    with released_span_project(tmp_path) as (project, _, _):
        trained = invoke(project, "train")
        assert trained.exit_code == 0, trained.output
        assert "val/entity_micro_f1" in trained.output
        evaluated = invoke(project, "evaluate", "latest")
    assert evaluated.exit_code == 0, evaluated.output
    said = " ".join(evaluated.output.split())
    assert "entity F1" in said and "micro" in said and "report.html" in said
    assert "Mistakes: missed" in said and "spurious" in said


def test_a_span_projects_targets_and_calibration_are_printed_by_evaluate(tmp_path) -> None:
    with released_span_project(tmp_path) as (project, _, _):
        project.spec.spans.targets = {"PHONE": BandTarget(recall=0.95),
                                      "PER": BandTarget(recall=0.99)}
        project.save()
        trained = invoke(project, "train")
        assert "val/span_calibrated_ece" in trained.output
        assert "span target unmet: PER: recall 0.99 is out of reach" in " ".join(
            trained.output.split())
        evaluated = invoke(project, "evaluate", "latest", "--json")
        metrics = json.loads(evaluated.stdout)["metrics"]
        said = " ".join(invoke(project, "evaluate", "latest").output.split())
    phone = next(t for t in metrics["span_thresholds"]["types"] if t["label"] == "PHONE")
    assert (f"Span calibration (textloop.calibration.temperature.v1): ECE "
            f"{metrics['span_calibration']['ece_before']:.4f} -> ") in said
    assert (f"Threshold PHONE recall >= 0.95: {phone['threshold']:.4f}, test recall 1.0000 "
            "precision 1.0000 (met)") in said
    assert "Threshold PER recall >= 0.99: none (recall 0.99 is out of reach" in said


def test_predicted_texts_print_escaped_and_stay_exact_in_json(project, store, tmp_path,
                                                              monkeypatch) -> None:
    from tests.unit.cli.hostile import HOSTILE, assert_safe
    from textloop.cli.console import console
    from textloop.texts import terminal_safe

    monkeypatch.setattr(console, "_width", 400)
    released(store, project, tmp_path)
    invoke(project, "train")
    result = invoke(project, "predict", "latest", HOSTILE)
    assert result.exit_code == 0, result.output
    assert terminal_safe(HOSTILE[:60]) in assert_safe(result.output)  # the table's 60 characters
    (predicted,) = json.loads(invoke(project, "predict", "latest", "--json", HOSTILE).stdout)
    assert predicted["text"] == HOSTILE


def test_train_max_train_caps_the_training_rows_and_says_so(tmp_path) -> None:
    with released_span_project(tmp_path) as (project, _, _):
        capped = invoke(project, "train", "--max-train", "3")
        assert capped.exit_code == 0, capped.output
        said = " ".join(capped.output.split())
        assert "3 training rows" in said and "Note: trained on 3 of" in said
        whole = invoke(project, "train", "--max-train", "0", "--json")
    assert whole.exit_code == 0, whole.output
    result = json.loads(whole.stdout)
    assert result["n_train"] > 3 and not any("training records" in n for n in result["notes"])


def test_predict_a_file_prints_the_summary_and_refuses_half_a_request(project, store,
                                                                      tmp_path) -> None:
    released(store, project, tmp_path)
    assert invoke(project, "train").exit_code == 0
    data = tmp_path / "day.jsonl"
    data.write_text('{"id": 7, "text": "win free cash prize now"}\n'
                    '{"id": 8, "text": "lunch at noon?"}\n', encoding="utf-8")
    out = tmp_path / "day.csv"
    result = invoke(project, "predict", "latest", "--input", str(data), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Predicted 2 rows" in result.output and "tfidf-lr-1" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,label,score,band,proba_ham,proba_spam,model,model_version"
    assert [line.split(",")[:2] for line in lines[1:]] == [["7", "spam"], ["8", "ham"]]
    no_output = invoke(project, "predict", "latest", "--input", str(data))
    assert no_output.exit_code == 2 and "--output is missing" in no_output.output
    both = invoke(project, "predict", "latest", "hello", "--input", str(data), "--output",
                  str(out))
    assert both.exit_code == 2 and "not both" in both.output
    nothing = invoke(project, "predict", "latest")
    assert nothing.exit_code == 2 and "nothing to predict" in nothing.output
