"""Overlap routing, blind answers, the adjudication queue and its decisions."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tests.unit.web.webapp import XSS, Web, answer_spans, make_web, queue_texts
from textloop.spans import Span, decode_spans
from textloop.stages.label.resolution import current_labels
from textloop.storage import annotation_log
from textloop.storage.schema import annotations_table
from textloop.tasks import task_for

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
                                "remaining", "picked_because", "withheld_below", "shown_as",
                                "tokens", "spans", "suggested_spans"}
    # the span fields are the text's tokens and ben's own spans: empty outside span projects
    assert (api["item"]["tokens"], api["item"]["spans"], api["item"]["suggested_spans"]) == (
        [], [], [])


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


SPAN_TEXT = "Ana 😀 met Bo at <b>Acme</b>"  # the emoji is 1 code point, 2 UTF-16 units


def span_dispute(web: Web) -> str:
    """One record with the text above: anna marks Ana and Bo, ben marks Ana and Acme."""
    (rid,) = queue_texts(web.store, web.project, web.project.root / "data", [SPAN_TEXT],
                         overlap=2, suggestion=None)
    answer_spans(web.store, rid, {"anna": [Span(0, 3, "PER"), Span(10, 12, "PER")],
                                  "ben": [Span(0, 3, "PER"), Span(19, 23, "ORG")]})
    return rid


def decisions(web: Web) -> list[tuple[str, str, str]]:
    with web.store.read() as conn:
        return [(r["annotator"], r["label"], r["comment"]) for r in conn.execute(
            annotations_table.select().where(annotations_table.c.kind == "adjudicated")
        ).mappings()]


def test_span_versions_are_shown_side_by_side_escaped_with_utf16_offsets(
        span_overlap_web: Web) -> None:
    web = span_overlap_web
    rid = span_dispute(web)
    page = web.sign_in("judge", role="adjudicator").get("/adjudicate")
    assert page.status_code == 200
    assert page.text.count('<section class="version"') == 2
    # each version highlighted over the escaped text, its label after each span
    assert ('<mark class="span" title="PER" data-depth="1">Bo</mark><span class="span-tag">'
            'PER</span> at &lt;b&gt;Acme&lt;/b&gt;') in page.text
    assert ('<mark class="span" title="ORG" data-depth="1">Acme</mark><span class="span-tag">'
            'ORG</span>&lt;/b&gt;') in page.text
    assert "<b>Acme" not in page.text
    # the script's offsets count UTF-16 units: Bo is 10-12 in code points, 11-13 in UTF-16
    assert ('data-spans=\'[{"end": 3, "label": "PER", "start": 0}, {"end": 13, "label": '
            '"PER", "start": 11}]\'') in page.text
    assert f'data-record-id="{rid}"' in page.text
    assert ('<button type="button" class="choice mark" data-mark="PER" '
            'title="People &lt;by name&gt;">') in page.text


def test_take_and_merge_store_the_chosen_spans_with_how_and_why(span_overlap_web: Web) -> None:
    web = span_overlap_web
    rid = span_dispute(web)
    judge = web.sign_in("judge", role="adjudicator")
    taken = judge.post("/adjudicate", {"record_id": rid, "take": "ben", "reason": "Bo is a dog",
                                       "spans": "[]"})
    assert taken.status_code == 200, taken.text
    assert "Final spans (2) — adjudicated by judge: “took ben&#39;s version: Bo is a dog”" in (
        taken.text)
    assert '<mark class="span" title="ORG" data-depth="1">Acme</mark>' in taken.text
    merged = judge.post("/adjudicate", {"record_id": rid, "merge": "union"})
    assert merged.status_code == 200, merged.text
    assert decisions(web) == [
        ("judge", '[{"start":0,"end":3,"label":"PER"},{"start":19,"end":23,"label":"ORG"}]',
         "took ben's version: Bo is a dog"),
        ("judge", '[{"start":0,"end":3,"label":"PER"},{"start":10,"end":12,"label":"PER"},'
                  '{"start":19,"end":23,"label":"ORG"}]', "union of the answers")]
    with web.store.read() as conn:
        final = current_labels(conn, web.project.spec.labeling.policy,
                               task=task_for(web.project))[rid]
    assert final.kind == "adjudicated" and decode_spans(final.label)[1] == Span(10, 12, "PER")
    page = judge.get("/adjudicate")
    assert "No disputed records right now." in page.text
    assert f"<tr><td><code>{rid}</code></td><td>3 <span class=\"label\">PER</span>" in page.text


def test_edited_spans_arrive_in_utf16_and_are_stored_in_code_points(
        span_overlap_web: Web) -> None:
    web = span_overlap_web
    rid = span_dispute(web)
    judge = web.sign_in("judge", role="adjudicator")
    edited = json.dumps([{"start": 11, "end": 13, "label": "PER"},
                         {"start": 20, "end": 24, "label": "ORG"}])
    response = judge.post("/adjudicate", {"record_id": rid, "spans": edited, "reason": ""})
    assert response.status_code == 200, response.text
    assert decisions(web) == [("judge", '[{"start":10,"end":12,"label":"PER"},'
                                        '{"start":19,"end":23,"label":"ORG"}]', "edited spans")]


def test_bad_span_decisions_are_refused_clearly_and_nothing_is_stored(
        span_overlap_web: Web) -> None:
    web = span_overlap_web
    rid = span_dispute(web)
    # Acme overlapping "Acme</b>" as another label: anna and ben's union in a project whose
    # spans may not overlap
    answer_spans(web.store, rid, {"cleo": [Span(19, 27, "LOC")]})
    judge = web.sign_in("judge", role="adjudicator")
    bad = {
        "outside": ({"spans": json.dumps([{"start": 0, "end": 99, "label": "PER"}])},
                    "past the end of the text"),
        "unknown label": ({"spans": json.dumps([{"start": 0, "end": 3, "label": "DOG"}])},
                          "span label 'DOG' is not in textloop.yaml"),
        "overlap": ({"spans": json.dumps([{"start": 0, "end": 3, "label": "PER"},
                                          {"start": 1, "end": 4, "label": "ORG"}])},
                    "overlap"),
        "half an emoji": ({"spans": json.dumps([{"start": 4, "end": 5, "label": "PER"}])},
                          "inside a surrogate pair"),
        "not json": ({"spans": "[{"}, "not JSON"),
        "union overlaps": ({"merge": "union"}, "the union of the annotators' spans has "
                                               "overlapping spans 19-23 (ORG) and 19-27 (LOC)"),
        "no such version": ({"take": "zoe"}, "'zoe' has no answer"),
        "two choices": ({"take": "anna", "merge": "union"}, "got 2 of these"),
    }
    for name, (fields, message) in bad.items():
        response = judge.post("/adjudicate", {"record_id": rid, **fields})
        assert 400 <= response.status_code < 500, (name, response.status_code)
        error = response.json()["error"]
        assert message in error["message"], (name, error)
        assert error["hint"], name
    assert decisions(web) == []
    assert rid in judge.get("/adjudicate").text  # still waiting
