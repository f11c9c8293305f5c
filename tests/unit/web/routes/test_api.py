"""The JSON API: the same actions as the page, same session and CSRF header."""

from __future__ import annotations

from tests.unit.web.webapp import Web, queue_texts
from textloop.storage import annotation_log, comments

TEXTS = ["first text", "second text", "third text"]


def test_label_skip_and_undo_through_the_api(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    item = user.get("/api/next").json()["item"]
    assert (item["record_id"], item["text"], item["suggestion"]) == (ids[0], TEXTS[0], "spam")
    assert item["meta"] == {"source": "mail 0"} and item["remaining"] == 3
    stored = user.client.post("/api/label", json={"record_id": ids[0], "labels": ["ham"],
                                                  "comment": "clearly fine"},
                              headers={"X-CSRF-Token": user.csrf}).json()
    assert stored["stored"] == ids[0] and stored["item"]["record_id"] == ids[1]
    with web.store.read() as conn:
        (row,) = [dict(r) for r in conn.execute(annotation_log.table.select()).mappings()]
        assert comments.for_record(conn, ids[0]) == []
    assert (row["label"], row["comment"]) == ("ham", "clearly fine")
    skipped = user.client.post("/api/skip", json={"record_id": ids[1]},
                               headers={"X-CSRF-Token": user.csrf}).json()
    assert skipped["item"]["record_id"] == ids[2]
    undone = user.client.post("/api/undo", headers={"X-CSRF-Token": user.csrf}).json()
    assert undone["undone"] == {"record_id": ids[0], "label": "ham"}
    assert undone["item"]["record_id"] == ids[0]


def test_api_errors_are_json(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    bad = user.client.post("/api/label", json={"record_id": ids[0], "labels": ["eggs"]},
                           headers={"X-CSRF-Token": user.csrf})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    no_csrf = user.client.post("/api/label", json={"record_id": ids[0], "labels": ["ham"]})
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "forbidden"
    other = web.sign_in("bob").get("/api/next").json()
    assert other["item"]["record_id"] == ids[1]  # alice holds the first (overlap 1)


def test_texts_the_store_cannot_hold_are_refused_naming_the_field(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    bodies = {  # raw JSON: a lone surrogate cannot be sent from a Python str any other way
        "comment": f'{{"record_id": "{ids[0]}", "labels": ["ham"], "comment": "a \\ud800 b"}}',
        "labels[1]": f'{{"record_id": "{ids[0]}", "labels": ["ham", "sp\\u0000am"]}}',
        "record_id": '{"record_id": "\\udfff"}'}
    for field, body in bodies.items():
        path = "/api/skip" if field == "record_id" else "/api/label"
        refused = user.client.post(path, content=body.encode(), headers={
            "X-CSRF-Token": user.csrf, "Content-Type": "application/json"})
        assert refused.status_code == 422, (field, refused.text)
        error = refused.json()["error"]
        assert error["code"] == "invalid_input" and error["message"].startswith(
            f"{field} contains a")
        assert error["details"] == {"field": field} and error["hint"]  # the fix, as serving
    with web.store.read() as conn:
        assert annotation_log.count(conn) == 0
    assert user.client.post("/api/label", json={"record_id": ids[0], "labels": ["ham"]},
                            headers={"X-CSRF-Token": user.csrf}).status_code == 200


def test_span_answers_through_the_api_are_in_code_points(tmp_path) -> None:
    from tests.unit.stages.span_fixtures import queue_span_texts, span_project
    from tests.unit.web.webapp import make_web

    project = span_project(tmp_path / "ner",
                           span_rules=[{"name": "city", "label": "LOC", "phrases": ["Seoul"]}])
    web = make_web(tmp_path, project=project)
    text = "😀 Ana in Seoul"
    rid, second = queue_span_texts(web.store, [text, "next"])
    user = web.sign_in("alice")
    item = user.get("/api/next").json()["item"]
    assert item["record_id"] == rid and item["tokens"][:2] == [[0, 1], [2, 5]]
    assert item["suggested_spans"] == [{"start": 9, "end": 14, "label": "LOC",
                                        "source": "rule:city", "score": None}]
    headers = {"X-CSRF-Token": user.csrf}
    stored = user.client.post("/api/label", headers=headers, json={
        "record_id": rid, "spans": [{"start": 2, "end": 5, "label": "PER"}]}).json()
    assert stored["item"]["record_id"] == second
    with web.store.read() as conn:
        (row,) = annotation_log.history(conn, rid)
    assert row["label"] == '[{"start":2,"end":5,"label":"PER"}]' and text[2:5] == "Ana"
    bad = user.client.post("/api/label", headers=headers, json={
        "record_id": second, "spans": [{"start": 0, "end": 9, "label": "PER"}]})
    assert bad.status_code == 422 and "outside the text" in bad.json()["error"]["message"]
