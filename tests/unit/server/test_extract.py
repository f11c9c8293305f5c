"""POST /v1/extract on a span project (and the refusals between it and /v1/classify), span
prediction logs, span feedback and span metrics, through FastAPI's test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.unit.server.fixtures import SPAM, client_for, wait_ready, wait_until
from tests.unit.server.span_fixtures import (
    EMOJI,
    ENGLISH,
    HANGUL,
    SCORED_RULES,
    champion_of,
    span_champion,
)
from tests.unit.server.test_app import error_of, metric
from tests.unit.stages.registry_fixtures import no_timing
from tests.unit.stages.span_run_fixtures import RULES, expected, released_span_project
from textloop.config import BandTarget, find_project
from textloop.config.span_rules import SpanRule
from textloop.spans import decode_spans
from textloop.stages.release import load_release
from textloop.stages.runs import load_run
from textloop.stages.serving.api_keys import create_key
from textloop.stages.train import train
from textloop.stages.versions import register_run
from textloop.stages.versions.promotion import promote
from textloop.storage import Store, annotation_log, predictions, schema
from textloop.tasks import SPANS


def spans_of(extraction: dict) -> list[tuple[int, int, str, str]]:
    return [(s["start"], s["end"], s["label"], s["text"]) for s in extraction["spans"]]


def validation_precision(store: Store) -> float:
    """The share of right spans among the rules' spans on the release's validation split:
    what calibration turns a rule score of 1.0 into (few spans: one pooled map)."""
    data = load_release(store, "latest")
    return expected(data.splits["validation"].texts)["entity_micro_precision"]


def test_one_text_and_a_batch_get_spans_in_code_points(tmp_path: Path) -> None:
    with span_champion(tmp_path) as (project, store), client_for(project, store) as client:
        assert wait_ready(client) == {"status": "ready", "model_version": 1,
                                      "run": "span-rules-1"}
        one = client.post("/v1/extract", json={"text": ENGLISH})
        assert one.status_code == 200
        (answer,) = one.json()["extractions"]
        assert spans_of(answer) == [(0, 3, "PER", "Ana"), (13, 17, "ORG", "Acme")]
        # each rule span scores 1.0 raw; served calibrated: the share of right rule spans
        # on validation
        assert [s["score"] for s in answer["spans"]] == pytest.approx(
            [validation_precision(store)] * 2, abs=1e-3)
        assert (answer["index"], answer["model_version"], answer["run"]) == (0, 1, "span-rules-1")
        assert answer["masked_text"] is None
        assert answer["request_id"] == one.json()["request_id"] == one.headers["x-request-id"]

        batch = client.post("/v1/extract", json={"text": HANGUL, "texts": [EMOJI, ENGLISH]})
        hangul, emoji, english = batch.json()["extractions"]
        assert [e["index"] for e in (hangul, emoji, english)] == [0, 1, 2]
        # 김철수는 (0-4) 삼성전자 (5-9) ... the phone number starts after 다닌다 and a space
        assert spans_of(hangul) == [(5, 9, "ORG", "삼성전자"),
                                    (15, 28, "PHONE", "010-1234-5678")]
        # the emoji is one code point (two UTF-16 units): Ana starts at 2, not 3
        assert spans_of(emoji) == [(2, 5, "PER", "Ana"), (13, 17, "ORG", "Acme")]
        assert EMOJI.encode("utf-16-le")[2 * 3:2 * 6].decode("utf-16-le") == "Ana"
        assert spans_of(english) == spans_of(answer)


def test_mask_replaces_each_span_by_its_label(tmp_path: Path) -> None:
    with span_champion(tmp_path) as (project, store), client_for(project, store) as client:
        wait_ready(client)
        answers = client.post("/v1/extract", json={"texts": [ENGLISH, HANGUL, EMOJI],
                                                   "mask": True}).json()["extractions"]
        assert [a["masked_text"] for a in answers] == [
            "[PER] works at [ORG]", "김철수는 [ORG]에 다닌다 [PHONE]", "😀 [PER] called [ORG] 😀"]
        assert len(answers[0]["spans"]) == 2  # masking keeps the spans in the answer


def test_a_span_below_its_types_validation_threshold_is_dropped(tmp_path: Path) -> None:
    with span_champion(tmp_path, rules=SCORED_RULES) as (project, store):
        project.spec.spans.targets = {"PER": BandTarget(precision=0.9)}
        run, version = champion_of(store, project)
        loaded = load_run(store, run)
        scored = loaded.model.predict_scored(["Bob met Ana"])[0]
        assert [(s.text_of("Bob met Ana"), score) for s, score in scored] == [
            ("Bob", 0.5), ("Ana", 1.0)]
        # the threshold is on the calibrated scores served: Ana's (both PER rules) keeps her
        (bob, ana) = SPANS.served_output(loaded, ["Bob met Ana"]).scored[0]
        assert loaded.meta["span_thresholds"]["thresholds"] == {"PER": pytest.approx(ana[1])}
        assert bob[1] < ana[1]
        with client_for(project, store) as client:
            assert wait_ready(client)["model_version"] == version
            (answer,) = client.post("/v1/extract",
                                    json={"text": "Bob met Ana"}).json()["extractions"]
            assert spans_of(answer) == [(8, 11, "PER", "Ana")]


def test_declared_targets_in_textloop_yaml_are_applied_when_serving_and_masking(
        tmp_path: Path) -> None:
    """As a user would: targets in textloop.yaml (personal data at recall >= 0.95, people
    at precision >= 0.9), train, promote, serve: below-threshold spans are neither returned
    nor masked."""
    with released_span_project(tmp_path, rules=SCORED_RULES) as (project, store, _):
        project.spec.spans.targets = {"PHONE": BandTarget(recall=0.95),
                                      "PER": BandTarget(precision=0.9)}
        project.save()
        reread = find_project(project.root)
        assert reread.spec.spans.targets["PHONE"].recall == 0.95
        run, _ = champion_of(store, reread)
        fitted = load_run(store, run).meta["span_thresholds"]
        assert set(fitted["thresholds"]) == {"PHONE", "PER"} and not fitted["unmet"]
        text = "Bob met Ana, 010-1234-5678"
        with client_for(reread, store) as client:
            wait_ready(client)
            (answer,) = client.post("/v1/extract",
                                    json={"text": text, "mask": True}).json()["extractions"]
        # Bob (one of two PER rules) scores below the PER threshold: kept in clear
        assert spans_of(answer) == [(8, 11, "PER", "Ana"), (13, 26, "PHONE", "010-1234-5678")]
        assert answer["masked_text"] == "Bob met [PER], [PHONE]"
        assert all(s["score"] >= fitted["thresholds"][s["label"]] for s in answer["spans"])


def test_a_new_champion_is_served_without_a_restart(tmp_path: Path) -> None:
    with span_champion(tmp_path) as (project, store), client_for(project, store) as client:
        wait_ready(client)
        text = "Bob met Ana"
        first = client.post("/v1/extract", json={"text": text}).json()["extractions"][0]
        assert (first["model_version"], spans_of(first)) == (1, [(8, 11, "PER", "Ana")])
        project.spec.span_rules = [*RULES, SpanRule(name="bob", label="PER", phrases=["Bob"])]
        champion_of(store, project)

        def moved() -> dict | None:
            found = client.post("/v1/extract", json={"text": text}).json()["extractions"][0]
            return found if found["model_version"] == 2 else None

        second = wait_until(moved, "the new champion")
        assert second["run"] == "span-rules-2"
        assert spans_of(second) == [(0, 3, "PER", "Bob"), (8, 11, "PER", "Ana")]


def test_keys_and_limits_hold_for_extract(tmp_path: Path) -> None:
    with span_champion(tmp_path) as (project, store):
        key = create_key(store, "app")
        with client_for(project, store, max_texts=2, max_text_chars=30) as client:
            wait_ready(client)
            refused = client.post("/v1/extract", json={"text": ENGLISH})
            assert refused.status_code == 401 and error_of(refused)["code"] == "unauthorized"
            auth = {"Authorization": f"Bearer {key}"}
            ok = client.post("/v1/extract", json={"text": ENGLISH}, headers=auth)
            assert ok.status_code == 200 and len(ok.json()["extractions"][0]["spans"]) == 2
            many = client.post("/v1/extract", json={"texts": [ENGLISH] * 3}, headers=auth)
            assert many.status_code == 413
            assert error_of(many)["message"] == "3 texts in one request; the limit is 2"
            long = client.post("/v1/extract", json={"texts": [ENGLISH, "x" * 31]},
                               headers=auth)
            assert long.status_code == 422
            assert error_of(long)["message"].startswith("texts[1] has 31 characters")
            bad = client.post("/v1/extract", json={"text": ENGLISH, "mask": "yes please"},
                              headers=auth)
            assert bad.status_code == 422


def test_each_route_refuses_the_other_tasks_project_naming_the_right_one(
        tmp_path: Path, served) -> None:
    with span_champion(tmp_path) as (project, store), client_for(project, store) as client:
        wait_ready(client)
        wrong = client.post("/v1/classify", json={"text": ENGLISH})
        assert wrong.status_code == 400
        error = error_of(wrong)
        assert error["code"] == "wrong_route" and "/v1/extract" in error["message"]
        assert error["hint"] == "POST the same body to /v1/extract"
    classifier, classifier_store = served
    with client_for(classifier, classifier_store) as client:
        wait_ready(client)
        wrong = client.post("/v1/extract", json={"text": SPAM})
        assert wrong.status_code == 400 and "/v1/classify" in error_of(wrong)["message"]
        with classifier_store.read() as conn:
            assert conn.execute(select(schema.predictions)).first() is None


def test_the_prediction_log_holds_the_spans(tmp_path: Path) -> None:
    with span_champion(tmp_path) as (project, store), client_for(project, store) as client:
        wait_ready(client)
        request_id = client.post("/v1/extract",
                                 json={"texts": [EMOJI, "nothing to see"]}).json()["request_id"]
        client.app.state.serving.log.flush()
        with store.read() as conn:
            first, second = (predictions.get(conn, request_id, i) for i in (0, 1))
        score = first["spans"][0]["score"]
        assert score == pytest.approx(validation_precision(store), abs=1e-3)  # as served
        assert first["spans"] == [{"start": 2, "end": 5, "label": "PER", "score": score},
                                  {"start": 13, "end": 17, "label": "ORG", "score": score}]
        assert (first["text"], first["run_name"], first["model_version"]) == (
            EMOJI, "span-rules-1", 1)
        assert first["label"] is None and first["probabilities"] == {}
        assert second["spans"] == []


def test_corrected_spans_are_stored_as_feedback_and_a_production_annotation(
        tmp_path: Path) -> None:
    with span_champion(tmp_path) as (project, store), client_for(project, store) as client:
        wait_ready(client)
        request_id = client.post("/v1/extract",
                                 json={"texts": [ENGLISH, HANGUL]}).json()["request_id"]
        corrected = [{"start": 0, "end": 3, "label": "PER"},
                     {"start": 5, "end": 9, "label": "ORG"},
                     {"start": 0, "end": 3, "label": "PER"}]  # 김철수, and a repeat
        stored = client.post("/v1/feedback", json={"request_id": request_id, "index": 1,
                                                   "spans": corrected})
        assert stored.status_code == 201, stored.text
        body = stored.json()
        assert body["spans"] == corrected[:2] and body["index"] == 1
        with store.read() as conn:
            (row,) = predictions.feedback_for(conn, request_id)
            annotations = annotation_log.history(conn, body["record_id"])
        assert decode_spans(row["label"]) == decode_spans(body["label"])
        assert [(s.start, s.end, s.label) for s in decode_spans(row["label"])] == [
            (0, 3, "PER"), (5, 9, "ORG")]
        (production,) = [a for a in annotations if a["kind"] == "production"]
        assert production["label"] == row["label"]
        none = client.post("/v1/feedback", json={"request_id": request_id, "spans": []})
        assert none.status_code == 201 and none.json()["spans"] == []


def test_span_feedback_is_checked_against_the_logged_text(tmp_path: Path) -> None:
    with span_champion(tmp_path) as (project, store), client_for(project, store) as client:
        wait_ready(client)
        request_id = client.post("/v1/extract", json={"text": EMOJI}).json()["request_id"]

        def refused(body: dict, status: int = 422) -> dict:
            response = client.post("/v1/feedback", json={"request_id": request_id, **body})
            assert response.status_code == status, response.text
            return error_of(response)

        outside = refused({"spans": [{"start": 13, "end": 40, "label": "ORG"}]})
        assert "13-40 (ORG) is outside the text (0-19)" in outside["message"]
        assert "code points" in outside["hint"]
        unknown = refused({"spans": [{"start": 2, "end": 5, "label": "CITY"}]})
        assert "'CITY' is not in textloop.yaml" in unknown["message"]
        overlap = refused({"spans": [{"start": 2, "end": 5, "label": "PER"},
                                     {"start": 4, "end": 10, "label": "ORG"}]})
        assert "overlap" in overlap["message"]
        assert "spans, not a label" in refused({"label": "PER"})["message"]
        assert "none were sent" in refused({})["message"]
        refused({"spans": [{"start": 2, "end": 5, "label": "PER"}], "index": 1}, 404)
        with store.read() as conn:
            assert predictions.feedback_for(conn, request_id) == []


def test_span_feedback_needs_the_logged_text(tmp_path: Path) -> None:
    with (span_champion(tmp_path) as (project, store),
          client_for(project, store, log_texts="hash") as client):
        wait_ready(client)
        request_id = client.post("/v1/extract", json={"text": ENGLISH}).json()["request_id"]
        response = client.post("/v1/feedback", json={
            "request_id": request_id, "spans": [{"start": 0, "end": 3, "label": "PER"}]})
        assert response.status_code == 422
        assert "log_texts: full" in error_of(response)["hint"]


def test_metrics_count_spans_per_label_and_openapi_documents_extract(tmp_path: Path) -> None:
    with span_champion(tmp_path) as (project, store), client_for(project, store) as client:
        wait_ready(client)
        client.post("/v1/extract", json={"texts": [ENGLISH, HANGUL, EMOJI]})
        client.post("/v1/extract", json={"text": "Ana"})
        client.post("/v1/classify", json={"text": "Ana"})  # refused: counted as a 400
        text = client.get("/metrics").text
        assert metric(text, 'textloop_spans_total{label="PER"}') == 3
        assert metric(text, 'textloop_spans_total{label="ORG"}') == 3
        assert metric(text, 'textloop_spans_total{label="PHONE"}') == 1
        assert metric(text, 'textloop_requests_total{status="200"}') == 2
        assert metric(text, 'textloop_requests_total{status="400"}') == 1
        assert metric(text, "textloop_request_duration_seconds_count") == 3
        spec = client.get("/openapi.json").json()
        route = spec["paths"]["/v1/extract"]["post"]
        assert set(route["responses"]) >= {"200", "400", "401", "413", "422", "503"}
        schemas = spec["components"]["schemas"]
        assert set(schemas["ExtractionOut"]["properties"]) == {
            "request_id", "index", "spans", "masked_text", "model_version", "run"}
        assert "code point" in schemas["SpanOut"]["properties"]["start"]["description"]
        assert "mask" in schemas["ExtractRequest"]["properties"]


@pytest.mark.model
@pytest.mark.slow
def test_a_fine_tuned_span_champion_is_served_from_its_int8_graph(tmp_path: Path) -> None:
    """A ``minilm-tagger`` champion answers /v1/extract as the run's model predicts (ONNX
    Runtime, int8): same spans at the same code points, the text they cover, and their
    scores as the run's span calibrator maps them."""
    with released_span_project(tmp_path) as (project, store, _):
        run = train(store, project, model="minilm-tagger",
                    params={"epochs": 2, "max_seq_len": 32, "batch_size": 8,
                            "learning_rate": 3e-4, "head_learning_rate": 3e-3}).run_name
        version = int(register_run(store, project, run, actor="test").version["version"])
        promote(store, project, str(version), actor="test", force=True, reason="serving",
                measure=no_timing)
        loaded = load_run(store, run)
        assert loaded.model.precision == "int8"
        texts = [ENGLISH, HANGUL, EMOJI]
        expected = SPANS.served_output(loaded, texts).scored  # scores through its calibrator
        assert [[s for s, _ in row] for row in expected] == loaded.model.predict(texts)
        assert any(expected), "the tiny model finds some span to serve"
        with client_for(project, store) as client:
            assert wait_ready(client)["run"] == run
            answers = client.post("/v1/extract", json={"texts": texts}).json()["extractions"]
    for text, answer, spans in zip(texts, answers, expected, strict=True):
        assert spans_of(answer) == [(s.start, s.end, s.label, text[s.start:s.end])
                                    for s, _ in spans]
        assert [a["score"] for a in answer["spans"]] == pytest.approx(
            [score for _, score in spans], abs=1e-6)
