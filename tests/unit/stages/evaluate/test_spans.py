"""``textloop evaluate`` on a span run: entity scores checked by hand, the mistakes by kind
with examples of English and Korean records, the report (escaped), the model card and the
goal verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.stages.span_run_fixtures import (
    KINDS,
    SCRIPT,
    expected,
    kind_of,
    released_span_project,
)
from textloop.config import BandTarget
from textloop.measures.span_metrics import span_metrics
from textloop.spans import decode_spans
from textloop.stages.evaluate import evaluate_run
from textloop.stages.release import load_release
from textloop.stages.runs import load_run
from textloop.stages.train import train
from textloop.storage import runs


def test_evaluates_a_span_run_with_scores_errors_report_and_card(tmp_path: Path) -> None:
    with released_span_project(tmp_path) as (project, store, release_id):
        run = train(store, project)
        result = evaluate_run(store, project, run.run_name, split="train")
        part = load_release(store, release_id).splits["train"]
        metrics = json.loads(result.metrics_json.read_text(encoding="utf-8"))

        by_hand = expected(part.texts)
        for key, value in by_hand.items():
            assert metrics[key] == pytest.approx(value)
        kinds = [kind_of(t) for t in part.texts]
        per = metrics["per_type"]
        assert per["PER"]["support"] == sum(lab == "PER" for k in kinds for _, lab in k.gold)
        assert per["PER"]["n_correct"] == sum(k.correct.get("PER", 0) for k in kinds)
        assert per["ORG"]["n_predicted"] == sum(k.predicted.get("ORG", 0) for k in kinds)
        assert {"entity_macro_f1", "partial_micro_f1", "token_accuracy"} <= set(metrics)
        assert not {"span_f1", "partial_f1"} & set(metrics)  # one key per score
        # the same numbers as the measure computed directly on the model's spans
        model = load_run(store, run.run_name).model
        direct = span_metrics(
            dict(zip(part.ids, (decode_spans(v) for v in part.labels), strict=True)),
            dict(zip(part.ids, model.predict(part.texts), strict=True)),
            dict(zip(part.ids, part.texts, strict=True)), labels=["PER", "ORG", "PHONE"])
        assert {k: metrics[k] for k in direct} == direct

        # mistakes by kind, counted by hand: 김철수 and Bob missed, Acme in the script
        # spurious, Acme of "Acme Corp" a wrong boundary
        n = {kind.text: sum(k is kind for k in kinds) for kind in KINDS}
        korean, script, corp = KINDS[1].text, KINDS[2].text, KINDS[3].text
        assert script == SCRIPT
        counts = metrics["errors"]["counts"]
        assert counts == {"missed": n[korean] + n[script], "spurious": n[script],
                          "wrong_type": 0, "wrong_boundary": n[corp],
                          "wrong_type_and_boundary": 0}
        missed = metrics["errors"]["examples"]["missed"]
        assert all(ex["record_id"] in part.ids for ex in missed)
        assert any(ex["gold_marked"].startswith("[김철수](PER)는") for ex in missed)
        spurious = metrics["errors"]["examples"]["spurious"][0]
        assert spurious["predicted"]["text"] == "Acme" and spurious["context"].startswith(
            "<script>")
        assert spurious["predicted_marked"].startswith("<script>alert('[Acme](ORG)')")
        labels = metrics["errors"]["confusion"]["labels"]
        confusion = metrics["errors"]["confusion"]["counts"]
        assert labels == ["PER", "ORG", "PHONE", None]
        assert confusion[labels.index(None)][labels.index("ORG")] == n[script]  # spurious ORG

        html = result.report_html.read_text(encoding="utf-8")
        for section in ('id="summary"', 'id="per-type"', 'id="errors"', 'id="confusion"'):
            assert section in html
        assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
        assert '<mark class="predicted">Acme</mark>' in html
        assert '<mark class="gold">김철수</mark>' in html
        assert "Wrong boundary" in html and "Entity F1 (micro)" in html

        f1 = by_hand["entity_micro_f1"]
        assert result.goal_met is (f1 >= 0.8)
        assert f"{'pass' if f1 >= 0.8 else 'fail'}" in html
        card = result.model_card.read_text(encoding="utf-8") if result.model_card else ""
        assert "pipeline_tag: token-classification" in card
        assert "Marks non-overlapping spans of 3 labels" in card
        assert f"PER: F1 {per['PER']['f1']:.4f}" in card
        with store.read() as conn:
            logged = runs.get(conn, run.run_name)["metrics"]
        assert logged["train/entity_micro_f1"] == pytest.approx(f1)


def test_the_goal_verdict_follows_the_goal_metric(tmp_path: Path) -> None:
    with released_span_project(tmp_path) as (project, store, release_id):
        run = train(store, project)
        texts = load_release(store, release_id).splits["test"].texts
        precision = expected(texts)["entity_micro_precision"]
        project.spec.goal.metric = "entity_micro_precision"
        project.spec.goal.target = precision  # reached exactly: met
        assert evaluate_run(store, project, run.run_name).goal_met is True
        project.spec.goal.target = min(1.0, precision + 0.01)
        assert evaluate_run(store, project, run.run_name).goal_met is False



def test_the_report_shows_span_calibration_and_the_thresholds_on_the_split(
        tmp_path: Path) -> None:
    with released_span_project(tmp_path) as (project, store, release_id):
        project.spec.spans.targets = {"PHONE": BandTarget(recall=0.9)}
        run = train(store, project)
        result = evaluate_run(store, project, run.run_name, split="test")
        data = load_release(store, release_id)
        metrics = json.loads(result.metrics_json.read_text(encoding="utf-8"))
        on_val = expected(data.splits["validation"].texts)["entity_micro_precision"]
        on_test = expected(data.splits["test"].texts)["entity_micro_precision"]
        kinds = [kind_of(t) for t in data.splits["test"].texts]

        # every raw rule score is 1.0; calibrated, each is validation's share of right spans
        section = metrics["span_calibration"]
        assert section["method"] == "textloop.calibration.temperature.v1"
        assert section["spans"] == sum(sum(k.predicted.values()) for k in kinds)
        assert section["ece_before"] == pytest.approx(1 - on_test)
        assert section["ece_after"] == pytest.approx(abs(on_val - on_test), abs=1e-3)
        assert metrics["span_ece"] == section["ece_after"]
        assert metrics["span_uncalibrated_ece"] == section["ece_before"]

        (phone,) = metrics["span_thresholds"]["types"]
        assert phone["label"] == "PHONE" and phone["target"] == {"recall": 0.9}
        phones = sum(k.predicted.get("PHONE", 0) for k in kinds)
        assert phone["split"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0,
                                  "n_kept": phones, "support": phones, "met": True}

        html = result.report_html.read_text(encoding="utf-8")
        assert 'id="span-calibration"' in html and "Span correctness" in html
        assert f"{section['ece_before']:.4f}" in html
        assert 'id="thresholds"' in html and "test recall" in html


def test_a_run_saved_without_a_span_calibrator_is_evaluated_on_its_raw_scores(
        tmp_path: Path) -> None:
    with released_span_project(tmp_path) as (project, store, _):
        run = train(store, project, calibration="none")
        metrics = evaluate_run(store, project, run.run_name, split="test").metrics
        section = metrics["span_calibration"]
        assert section["method"] is None
        assert section["ece_before"] == section["ece_after"] == metrics["span_ece"]
