"""Overlap routing, blind answers, the adjudication queue and its decisions."""

from __future__ import annotations

import html
import re
from pathlib import Path

from tests.unit.web.webapp import XSS, Web, make_web, queue_texts
from textloop.stages.label.resolution import current_labels
from textloop.storage import annotation_log
from textloop.storage.schema import annotations_table

TEXTS = ["Cheap watches here", "See you at lunch", "Your account is locked"]
PANEL_ID = re.compile(r'<article class="record" data-record-id="([0-9a-f]+)"')


def shown(response) -> str | None:
    found = PANEL_ID.search(response.text)
    return found.group(1) if found else None


def test_overlap_routes_each_record_to_two_annotators_blind(overlap_web: Web) -> None:
    web = overlap_web
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS, overlap=2)
    a, b, c = web.sign_in("anna"), web.sign_in("ben"), web.sign_in("cleo")
    assert shown(a.get("/label")) == ids[0]
    a.post("/label/answer", {"record_id": ids[0], "label": "spam"})
    page_b = b.get("/label")
    assert shown(page_b) == ids[0]       # the second slot of the same record
    assert "anna" not in page_b.text      # nothing of anna's answer is shown to ben
    assert shown(c.get("/label")) == ids[1]  # two slots taken: cleo gets the next one
    api = b.get("/api/next").json()
    assert api["item"]["record_id"] == ids[0] and "anna" not in str(api)
    assert set(api["item"]) == {"record_id", "text", "meta", "suggestion", "confidence",
                                "remaining", "picked_because", "withheld_below", "shown_as"}


def test_a_disagreement_is_adjudicated_into_the_final_label(overlap_web: Web) -> None:
    web = overlap_web
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS, overlap=2)
    a, b = web.sign_in("anna"), web.sign_in("ben")
    judge = web.sign_in("judge", role="adjudicator")
    assert "No disputed records right now." in judge.get("/adjudicate").text
    a.post("/label/answer", {"record_id": ids[0], "label": "spam"})
    assert ids[0] not in judge.get("/adjudicate").text  # one answer is no dispute yet
    b.post("/label/answer", {"record_id": ids[0], "label": "ham"})
    a.post("/label/answer", {"record_id": ids[1], "label": "ham"})
    b.post("/label/answer", {"record_id": ids[1], "label": "ham"})  # agreement: no dispute
    page = judge.get("/adjudicate")
    assert page.status_code == 200
    assert page.text.count('<article class="panel dispute"') == 1
    assert ids[0] in page.text and TEXTS[0] in page.text and ids[1] not in page.text
    assert "<td>anna</td><td class=\"label\">spam</td>" in page.text
    assert "<td>ben</td><td class=\"label\">ham</td>" in page.text
    decided = judge.post("/adjudicate", {"record_id": ids[0], "label": "spam",
                                         "reason": "cheap watches are ads"})
    assert decided.status_code == 200
    assert "Final label <strong class=\"label\">spam</strong>" in decided.text
    assert "cheap watches are ads" in decided.text
    with web.store.read() as conn:
        final = current_labels(conn, web.project.spec.labeling.policy)[ids[0]]
        rows = [dict(r) for r in conn.execute(annotations_table.select().where(
            annotations_table.c.kind == "adjudicated")).mappings()]
    assert (final.label, final.kind) == ("spam", "adjudicated")
    assert "adjudicat" in final.reason
    assert [(r["record_id"], r["annotator"], r["comment"]) for r in rows] == [
        (ids[0], "judge", "cheap watches are ads")]
    after = judge.get("/adjudicate")
    assert "No disputed records right now." in after.text
    assert "<h2>Decided</h2>" in after.text and ids[0] in after.text


def test_a_multilabel_dispute_is_decided_with_a_set(tmp_path: Path) -> None:
    web = make_web(tmp_path, task="multilabel", overlap=2)
    try:
        ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS, overlap=2)
        web.sign_in("anna").post("/label/answer", {"record_id": ids[0], "label": ["spam"]})
        web.sign_in("ben").post("/label/answer", {"record_id": ids[0],
                                                  "label": ["spam", "other"]})
        judge = web.sign_in("boss", role="admin")
        page = judge.get("/adjudicate")
        assert 'type="checkbox" name="label" value="other"' in page.text
        assert "spam, other" in page.text or "other, spam" in page.text
        judge.post("/adjudicate", {"record_id": ids[0], "label": ["other", "spam"]})
        with web.store.read() as conn:
            final = current_labels(conn, web.project.spec.labeling.policy)[ids[0]]
        assert (final.label, final.kind) == ('["other", "spam"]', "adjudicated")
    finally:
        web.store.close()


def test_a_decision_with_an_unknown_label_or_record_is_refused(overlap_web: Web) -> None:
    web = overlap_web
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS, overlap=2)
    judge = web.sign_in("judge", role="adjudicator")
    assert judge.post("/adjudicate", {"record_id": ids[0], "label": "eggs"}).status_code == 422
    assert judge.post("/adjudicate", {"record_id": "f" * 16,
                                      "label": "spam"}).status_code == 404
    with web.store.read() as conn:
        assert annotation_log.count(conn) == 0


def test_dispute_text_names_and_reasons_are_escaped(overlap_web: Web) -> None:
    web = overlap_web
    ids = queue_texts(web.store, web.project, web.project.root / "data", [XSS], overlap=2)
    web.sign_in("anna").post("/label/answer", {"record_id": ids[0], "label": "spam"})
    with web.store.write() as conn:  # a name that never came through the account checks
        annotation_log.add_one(conn, record_id=ids[0], label="ham", kind="human",
                               annotator=XSS)
    judge = web.sign_in("judge", role="adjudicator")
    page = judge.get("/adjudicate")
    escaped = html.escape(XSS, quote=False)
    assert XSS not in page.text and "<img" not in page.text
    assert f'<div class="text">{escaped}</div>' in page.text
    assert f"<td>{escaped}</td>" in page.text
    decided = judge.post("/adjudicate", {"record_id": ids[0], "label": "ham", "reason": XSS})
    assert XSS not in decided.text and escaped in decided.text
    assert "<img" not in judge.get("/adjudicate").text
