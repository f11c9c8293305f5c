"""The server through FastAPI's test client: answers, limits, keys, metrics, readiness."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.unit.server.fixtures import (
    HAM,
    SPAM,
    client_for,
    promote_to,
    wait_ready,
    wait_until,
)
from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.registry_fixtures import registered
from textloop.errors import InvalidInputError
from textloop.stages.serving.api_keys import create_key, revoke_key
from textloop.storage import schema


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]


def metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in /metrics"
    return float(match.group(1))


def test_one_text_and_a_batch_are_classified(served) -> None:
    project, store = served
    with client_for(project, store) as client:
        assert wait_ready(client) == {"status": "ready", "model_version": 1, "run": "tfidf-lr-1"}
        one = client.post("/v1/classify", json={"text": SPAM})
        assert one.status_code == 200
        (answer,) = one.json()["predictions"]
        assert (answer["label"], answer["band"], answer["index"]) == ("spam", "block", 0)
        assert answer["model_version"] == 1 and answer["run"] == "tfidf-lr-1"
        assert answer["request_id"] == one.json()["request_id"] == one.headers["x-request-id"]
        assert abs(sum(answer["probabilities"].values()) - 1.0) < 1e-9
        batch = client.post("/v1/classify", json={"text": HAM, "texts": [SPAM, HAM]}).json()
        assert [p["label"] for p in batch["predictions"]] == ["ham", "spam", "ham"]
        assert [p["index"] for p in batch["predictions"]] == [0, 1, 2]
        assert batch["request_id"] != answer["request_id"]


def test_limits_answer_413_and_422_in_one_error_shape(served) -> None:
    project, store = served
    with client_for(project, store, max_texts=3, max_text_chars=50,
                    max_body_bytes=2048) as client:
        wait_ready(client)
        many = client.post("/v1/classify", json={"texts": ["a b"] * 4})
        assert many.status_code == 413
        assert error_of(many)["message"] == "4 texts in one request; the limit is 3"
        body = client.post("/v1/classify", json={"text": "x" * 3000})
        assert body.status_code == 413 and error_of(body)["code"] == "too_large"
        long = client.post("/v1/classify", json={"texts": ["fine", "y" * 51]})
        assert long.status_code == 422 and error_of(long)["message"].startswith("texts[1] has 51")
        for bad in ({"texts": ["ok", "  "]}, {}, {"texts": []}, {"text": 3}, {"txt": "a"}):
            response = client.post("/v1/classify", json=bad)
            assert response.status_code == 422, bad
            assert error_of(response)["code"] == "invalid_input"
        broken = client.post("/v1/classify", content=b"{not json",
                             headers={"content-type": "application/json"})
        assert broken.status_code == 422 and error_of(broken)["code"] == "invalid_input"
        assert error_of(client.get("/v2/nothing"))["code"] == "not_found"
        assert client.get("/v1/classify").status_code == 405


def test_texts_the_store_cannot_hold_are_refused_before_anything_is_logged(served) -> None:
    project, store = served
    with client_for(project, store) as client:
        wait_ready(client)
        for body, field in ((b'{"texts": ["fine", "ok", "also", "evil \\ud800 row"]}',
                             "texts[3]"),
                            (b'{"text": "nul \\u0000 here", "texts": ["fine"]}', "text")):
            refused = client.post("/v1/classify", content=body,
                                  headers={"content-type": "application/json"})
            assert refused.status_code == 422, refused.text
            error = error_of(refused)
            assert error["code"] == "invalid_input" and error["message"].startswith(field + " ")
            assert error["details"] == {"field": field}
        request_id = client.post("/v1/classify", json={"text": SPAM}).json()["request_id"]
        for body, field in (('{"request_id": "r\\ud800", "label": "spam"}', "request_id"),
                            (f'{{"request_id": "{request_id}", "label": "sp\\u0000am"}}',
                             "label")):
            refused = client.post("/v1/feedback", content=body.encode(),
                                  headers={"content-type": "application/json"})
            assert refused.status_code == 422, refused.text
            error = error_of(refused)  # the same shape and fix as /v1/classify gives
            assert error["message"].startswith(field + " contains a"), error
            assert error["details"] == {"field": field}
            assert "NUL" in error["hint"] or "surrogate" in error["hint"]
        text = client.get("/metrics").text
    assert metric(text, "textloop_prediction_log_dropped_total") == 0
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.predictions)
                            ).scalar_one() == 1  # only the good request was answered


def test_keys_none_wrong_revoked_and_valid(served) -> None:
    project, store = served
    with client_for(project, store) as client:
        wait_ready(client)
        assert client.post("/v1/classify", json={"text": SPAM}).status_code == 200  # no keys
        key = create_key(store, "app")
        refused = wait_until(lambda: (r := client.post("/v1/classify", json={"text": SPAM}))
                             .status_code == 401 and r, "keys to be required")
        assert refused.headers["www-authenticate"] == "Bearer"
        assert error_of(refused)["message"] == "this server needs an API key"
        wrong = client.post("/v1/classify", json={"text": SPAM},
                            headers={"Authorization": f"Bearer {key[:-2]}zz"})
        assert wrong.status_code == 401 and "not valid" in error_of(wrong)["message"]
        for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
            assert client.post("/v1/classify", json={"text": SPAM},
                               headers=headers).status_code == 200
        assert client.get("/healthz").status_code == 200  # probes need no key
        revoke_key(store, "app")
        revoked = wait_until(lambda: (r := client.post(
            "/v1/classify", json={"text": SPAM}, headers={"X-API-Key": key})).status_code == 401
            and r, "the revocation to reach the server")
        assert "revoked" in error_of(revoked)["message"]
        assert key not in revoked.text


def test_a_key_over_its_rate_gets_429_with_retry_after(served) -> None:
    project, store = served
    key = create_key(store, "slow", rate="2/h")
    with client_for(project, store) as client:
        wait_ready(client)
        auth = {"Authorization": f"Bearer {key}"}
        codes = [client.post("/v1/classify", json={"text": HAM}, headers=auth).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        limited = client.post("/v1/classify", json={"text": HAM}, headers=auth)
        assert error_of(limited)["code"] == "rate_limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 1800


def test_a_client_failing_key_checks_is_slowed_down_with_429(served) -> None:
    project, store = served
    key = create_key(store, "app")
    with client_for(project, store, failed_auth_rate="3/h") as client:
        wait_ready(client)
        good = {"X-API-Key": key}
        assert client.post("/v1/classify", json={"text": HAM}, headers=good).status_code == 200
        wrong = [{"X-API-Key": f"tl_nope{i}_secret"} for i in range(4)]
        codes = [client.post("/v1/classify", json={"text": HAM}, headers=h).status_code
                 for h in wrong]
        assert codes == [401, 401, 401, 429]
        limited = client.post("/v1/classify", json={"text": HAM}, headers=good)
        assert limited.status_code == 429  # the address, not the key, is over its limit
        assert error_of(limited)["code"] == "rate_limited"
        assert "failed API key checks from testclient" in error_of(limited)["message"]
        assert 1 <= int(limited.headers["retry-after"]) <= 1200
    with pytest.raises(InvalidInputError, match=r"^serving.failed_auth_rate: rate 'often'"):
        client_for(project, store, failed_auth_rate="often")


def test_a_loopback_server_without_keys_refuses_foreign_hosts(served) -> None:
    project, store = served
    with client_for(project, store) as client:
        wait_ready(client)
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""):
            refused = client.post("/v1/classify", json={"text": SPAM}, headers={"Host": host})
            assert refused.status_code == 403, host
            assert error_of(refused) == {
                "code": "forbidden", "message": f"unknown host {host!r}",
                "hint": "call the server by the address `textloop serve` printed, or list the "
                        "name in serving.allowed_hosts"}
            assert client.get("/readyz", headers={"Host": host}).status_code == 403
        for host in ("127.0.0.1:8000", "localhost:9000", "[::1]:8000", "LOCALHOST"):
            assert client.post("/v1/classify", json={"text": SPAM},
                               headers={"Host": host}).status_code == 200, host
        metrics = client.get("/metrics").text
    assert metric(metrics, 'textloop_requests_total{status="403"}') == 4.0
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.predictions)
                            ).scalar_one() == 4  # only the loopback requests were answered


def test_with_keys_any_host_is_served_and_the_key_is_the_check(served) -> None:
    project, store = served
    foreign = {"Host": "api.example.org"}
    with client_for(project, store, require_key=True) as client:  # keys demanded, none yet
        wait_ready(client)
        assert client.post("/v1/classify", json={"text": SPAM},
                           headers=foreign).status_code == 401
    with client_for(project, store) as client:
        wait_ready(client)
        assert client.post("/v1/classify", json={"text": SPAM},
                           headers=foreign).status_code == 403
        key = create_key(store, "app")  # the server learns of it at its next key refresh
        wait_until(lambda: client.post("/v1/classify", json={"text": SPAM},
                                       headers=foreign).status_code == 401,
                   "the host check of the API to give way to the key once a key exists")
        assert client.post("/v1/classify", json={"text": SPAM},
                           headers={**foreign, "X-API-Key": key}).status_code == 200
        revoke_key(store, "app")  # a revoked key keeps the server closed, so no host check
        wait_until(lambda: client.post("/v1/classify", json={"text": SPAM},
                                       headers={**foreign, "X-API-Key": key}).status_code == 401,
                   "the revocation to reach the server")
        assert client.get("/healthz", headers=foreign).status_code == 403  # needs no key


def test_routes_that_need_no_key_check_the_host_even_once_keys_exist(served) -> None:
    """/metrics, /openapi.json and the probes need no key, so the key cannot be their check:
    a page re-pointed at 127.0.0.1 must not read them from a browser on this machine."""
    project, store = served
    key = create_key(store, "app")
    foreign = {"Host": "evil.example"}
    with client_for(project, store) as client:
        wait_ready(client)
        for path in ("/metrics", "/openapi.json", "/healthz", "/readyz", "/docs"):
            refused = client.get(path, headers=foreign)
            assert refused.status_code == 403, path
            assert error_of(refused)["code"] == "forbidden"
            assert client.get(path, headers={"Host": "localhost:8000"}).status_code in (
                200, 404), path  # /docs is not served at all
        assert client.post("/v1/classify", json={"text": SPAM},
                           headers={**foreign, "X-API-Key": key}).status_code == 200


def test_allowed_hosts_names_the_hosts_for_every_route(served) -> None:
    project, store = served
    key = {"X-API-Key": create_key(store, "app")}
    with client_for(project, store, host="0.0.0.0",
                    allowed_hosts=["api.example.org"]) as client:
        ours, theirs = {"Host": "API.example.org:443"}, {"Host": "evil.example"}
        wait_until(lambda: client.get("/readyz", headers=ours).status_code == 200, "ready")
        assert client.get("/readyz").status_code == 403  # 127.0.0.1 is not in the list
        assert client.get("/metrics", headers=ours).status_code == 200
        assert client.post("/v1/classify", json={"text": SPAM},
                           headers={**ours, **key}).status_code == 200
        assert client.get("/metrics", headers=theirs).status_code == 403
        assert client.post("/v1/classify", json={"text": SPAM},  # a key does not help
                           headers={**theirs, **key}).status_code == 403


def test_a_server_on_another_interface_serves_any_host(served) -> None:
    project, store = served
    with client_for(project, store, host="0.0.0.0") as client:
        wait_ready(client)
        assert client.post("/v1/classify", json={"text": SPAM},
                           headers={"Host": "10.0.0.7:8000"}).status_code == 200


def test_require_key_closes_a_server_that_has_no_keys(served) -> None:
    project, store = served
    with client_for(project, store, require_key=True) as client:
        wait_ready(client)
        assert client.post("/v1/classify", json={"text": SPAM}).status_code == 401


def test_metrics_count_requests_predictions_and_batches(served) -> None:
    project, store = served
    with client_for(project, store) as client:
        wait_ready(client)
        for _ in range(3):
            client.post("/v1/classify", json={"texts": [SPAM, HAM]})
        client.post("/v1/classify", json={})
        client.get("/healthz")
        text = client.get("/metrics").text
    assert metric(text, 'textloop_requests_total{status="200"}') == 3
    assert metric(text, 'textloop_requests_total{status="422"}') == 1
    assert metric(text, "textloop_request_duration_seconds_count") == 4
    assert metric(text, 'textloop_predictions_total{band="block",label="spam"}') == 3
    assert metric(text, 'textloop_predictions_total{band="allow",label="ham"}') == 3
    assert metric(text, "textloop_batch_size_sum") == 6
    assert metric(text, "textloop_queue_depth") == 0
    assert metric(text, "textloop_queue_wait_seconds_count") == 6  # one per text
    assert 0 <= metric(text, "textloop_queue_wait_seconds_sum") < 5
    assert metric(text, 'textloop_queue_wait_seconds_bucket{le="+Inf"}') == 6
    assert metric(text, 'textloop_rejected_requests_total{reason="queue_full"}') == 0
    assert metric(text, "textloop_prediction_log_dropped_total") == 0
    assert 0 <= metric(text, "textloop_prediction_log_queue") <= 6  # rows not yet written
    assert metric(text, 'textloop_model_info{run="tfidf-lr-1",version="1"}') == 1


def test_not_ready_until_an_alias_points_at_a_warm_model(project, store, tmp_path) -> None:
    from tests.unit.server.fixtures import lenient

    released(store, project, tmp_path)
    with client_for(project, store) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        not_ready = wait_until(lambda: (r := client.get("/readyz")).status_code == 503 and
                               "points at no model version" in r.text and r, "a reason")
        assert error_of(not_ready)["code"] == "not_ready"
        assert client.post("/v1/classify", json={"text": SPAM}).status_code == 503
        lenient(project)
        promote_to(store, project, registered(store, project))
        assert wait_ready(client)["model_version"] == 1
        assert client.post("/v1/classify", json={"text": SPAM}).status_code == 200


def test_feedback_is_stored_and_checked(served) -> None:
    project, store = served
    with client_for(project, store) as client:
        wait_ready(client)
        request_id = client.post("/v1/classify", json={"texts": [SPAM, HAM]}).json()["request_id"]
        stored = client.post("/v1/feedback", json={"request_id": request_id, "index": 1,
                                                   "label": "spam"})
        assert stored.status_code == 201
        assert stored.json()["label"] == "spam" and stored.json()["record_id"]
        unknown = client.post("/v1/feedback", json={"request_id": request_id, "label": "eggs"})
        assert unknown.status_code == 422
        assert "known labels: spam, ham" in error_of(unknown)["message"]
        missing = client.post("/v1/feedback", json={"request_id": "nope", "label": "ham"})
        assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"


def test_feedback_needs_the_feedback_scope_and_the_key_that_classified(served) -> None:
    project, store = served
    reader = {"X-API-Key": create_key(store, "reader")}  # classify only: the default
    writer = {"X-API-Key": create_key(store, "writer", scope="feedback")}
    other = {"X-API-Key": create_key(store, "other", scope="feedback")}
    with client_for(project, store) as client:
        wait_ready(client)
        asked = client.post("/v1/classify", json={"text": SPAM}, headers=reader)
        assert asked.status_code == 200
        refused = client.post("/v1/feedback", headers=reader, json={
            "request_id": asked.json()["request_id"], "label": "spam"})
        assert refused.status_code == 403
        assert error_of(refused)["code"] == "forbidden"
        assert "--scope feedback" in error_of(refused)["hint"]
        request_id = client.post("/v1/classify", json={"text": SPAM},
                                 headers=writer).json()["request_id"]
        foreign = client.post("/v1/feedback", headers=other,
                              json={"request_id": request_id, "label": "ham"})
        assert foreign.status_code == 404 and error_of(foreign)["code"] == "not_found"
        own = client.post("/v1/feedback", headers=writer,
                          json={"request_id": request_id, "label": "ham"})
        assert own.status_code == 201
    with store.read() as conn:
        rows = conn.execute(select(schema.prediction_feedback.c.api_key)).scalars().all()
    assert rows == ["writer"]


def test_cors_is_off_unless_origins_are_configured(served) -> None:
    project, store = served
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    with client_for(project, store) as client:
        answer = client.options("/v1/classify", headers=preflight)
        assert "access-control-allow-origin" not in answer.headers
    with client_for(project, store, cors_origins=["https://app.example"]) as client:
        answer = client.options("/v1/classify", headers=preflight)
        assert answer.headers["access-control-allow-origin"] == "https://app.example"


def test_a_pinned_run_is_served_without_a_version(served) -> None:
    project, store = served
    with client_for(project, store, run="tfidf-lr-1") as client:
        assert wait_ready(client) == {"status": "ready", "model_version": None,
                                      "run": "tfidf-lr-1"}
        (answer,) = client.post("/v1/classify", json={"text": SPAM}).json()["predictions"]
        assert answer["model_version"] is None and answer["run"] == "tfidf-lr-1"


def test_a_form_encoded_body_is_told_to_send_json(served) -> None:
    project, store = served
    with client_for(project, store) as client:
        sent = client.post("/v1/classify", content=b'{"text": "win"}',
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert sent.status_code == 422
    error = sent.json()["error"]
    assert "application/x-www-form-urlencoded" in error["hint"]
    assert "Content-Type: application/json" in error["hint"]
