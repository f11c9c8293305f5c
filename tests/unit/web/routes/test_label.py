"""The labeling page and its actions: each stored at once, the next record swapped in."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tests.unit.web.webapp import XSS, Web, make_web, queue_texts
from textloop.config import Label
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.resolution import current_labels
from textloop.storage import annotation_log, comments, queue
from textloop.storage.schema import annotations_table, queue_items

TEXTS = ["Win a free cruise now", "Lunch at noon?", "Your parcel is waiting",
         "Meeting moved to 3pm", "Claim your prize"]
PANEL_ID = re.compile(r'<article class="record" data-record-id="([0-9a-f]+)"')


def shown_id(response) -> str | None:
    found = PANEL_ID.search(response.text)
    return found.group(1) if found else None


def human_rows(web: Web) -> list[dict]:
    with web.store.read() as conn:
        rows = conn.execute(annotations_table.select().order_by(annotations_table.c.id))
        return [dict(r) for r in rows.mappings()]


def test_the_page_shows_record_metadata_guideline_and_suggestion(web: Web) -> None:
    queue_texts(web.store, web.project, web.project.root / "data", TEXTS,
                meta=[{"source": f"inbox {i}", "lang": "en"} for i in range(5)],
                suggestion="spam", confidence=0.83)
    page = web.sign_in("alice").get("/label")
    assert page.status_code == 200
    assert ">Win a free cruise now</div>" in page.text  # the first record, by priority
    assert "<th scope=\"row\">source</th><td>inbox 0</td>" in page.text
    assert "<th scope=\"row\">lang</th><td>en</td>" in page.text
    for label in web.project.spec.labels:  # descriptions from textloop.yaml = guideline
        assert html.escape(label.description, quote=False) in page.text
    assert "Model suggests <strong class=\"label\">spam</strong>" in page.text
    assert "(83% confident)" in page.text
    assert 'data-key="Enter">Accept suggestion' in page.text
    assert re.search(r'value="spam" data-key="1"', page.text)
    assert re.search(r'value="ham" data-key="2"', page.text)
    assert "<li><kbd>1</kbd>…<kbd>3</kbd> answer with a label</li>" in page.text  # 3 labels
    assert "5 left in your queue" in page.text


def test_no_suggestion_without_a_model(web: Web) -> None:
    queue_texts(web.store, web.project, web.project.root / "data", TEXTS[:1],
                suggestion=None, confidence=None)
    page = web.sign_in("alice").get("/label")
    assert "Model suggests" not in page.text and "Accept suggestion" not in page.text
    assert TEXTS[0] in page.text


def test_a_coin_flip_is_never_suggested(web: Web) -> None:
    """Below ``labeling.suggest_min_confidence`` (0.7 by default) there is no suggestion, no
    highlighted label and no Enter action: a 50% guess would only anchor the annotator."""
    assert web.project.spec.labeling.suggest_min_confidence == 0.7
    queue_texts(web.store, web.project, web.project.root / "data", TEXTS[:1],
                suggestion="spam", confidence=0.5)
    user = web.sign_in("alice")
    page = user.get("/label")
    assert TEXTS[0] in page.text
    assert "Model suggests" not in page.text and "Accept suggestion" not in page.text
    assert 'data-key="Enter"' not in page.text and "choice suggested" not in page.text
    assert "below 70%" in page.text  # says why there is none
    assert user.get("/api/next").json()["item"]["suggestion"] is None


def test_the_suggestion_threshold_is_configurable(tmp_path: Path) -> None:
    web = make_web(tmp_path)
    web.project.spec.labeling.suggest_min_confidence = 0.4
    queue_texts(web.store, web.project, web.project.root / "data", TEXTS[:1],
                suggestion="ham", confidence=0.5)
    page = web.sign_in("alice").get("/label")
    assert "Model suggests <strong class=\"label\">ham</strong>" in page.text
    assert 'data-key="Enter">Accept suggestion' in page.text
    web.store.close()


def test_an_answer_is_stored_at_once_and_the_next_record_comes_back(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    response = user.post("/label/answer", {"record_id": ids[0], "label": "spam"})
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "labeled"  # the progress bar refreshes
    assert shown_id(response) == ids[1] and TEXTS[1] in response.text
    assert "<html" not in response.text  # a fragment for htmx, not a page
    (row,) = human_rows(web)
    assert (row["record_id"], row["label"], row["kind"], row["annotator"]) == (
        ids[0], "spam", "human", "alice")
    assert row["retracted_at"] is None
    # a fresh browser (new sign-in) resumes at the next record
    assert shown_id(web.sign_in("alice").get("/label")) == ids[1]


def test_answering_twice_or_a_record_not_held_is_refused(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    user.post("/label/answer", {"record_id": ids[0], "label": "spam"})
    again = user.post("/label/answer", {"record_id": ids[0], "label": "ham"})
    assert again.status_code == 409 and "already answered" in again.json()["error"]["message"]
    foreign = user.post("/label/answer", {"record_id": ids[4], "label": "ham"})
    assert foreign.status_code == 404
    unknown = user.post("/label/answer", {"record_id": ids[1], "label": "eggs"})
    assert unknown.status_code == 422 and "unknown label" in unknown.json()["error"]["message"]
    two = user.post("/label/answer", {"record_id": ids[1], "label": ["spam", "ham"]})
    assert two.status_code == 422
    assert len(human_rows(web)) == 1


def test_skip_moves_on_without_an_annotation(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    response = user.post("/label/skip", {"record_id": ids[0]})
    assert response.status_code == 200 and shown_id(response) == ids[1]
    assert "HX-Trigger" not in response.headers
    assert human_rows(web) == []
    assert shown_id(web.sign_in("bob").get("/label")) == ids[0]  # free for someone else


def test_undo_retracts_the_answer_and_the_record_comes_back(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    user.post("/label/answer", {"record_id": ids[0], "label": "spam"})
    user.post("/label/answer", {"record_id": ids[1], "label": "ham"})
    response = user.post("/label/undo")
    assert response.status_code == 200 and shown_id(response) == ids[1]
    assert "Took back your answer “ham”" in response.text
    assert response.headers["HX-Trigger"] == "labeled"
    rows = human_rows(web)
    assert [r["retracted_at"] is None for r in rows] == [True, False]
    with web.store.read() as conn:
        assert {k: v.label for k, v in current_labels(conn).items()} == {ids[0]: "spam"}
    user.post("/label/answer", {"record_id": ids[1], "label": "other"})
    with web.store.read() as conn:
        assert current_labels(conn)[ids[1]].label == "other"


def test_undo_with_nothing_to_undo_says_so(web: Web) -> None:
    queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    response = web.sign_in("alice").post("/label/undo")
    assert response.status_code == 200 and "Nothing to undo." in response.text
    assert "HX-Trigger" not in response.headers


def test_a_comment_is_stored_with_its_author(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    response = user.post("/label/comment", {"record_id": ids[0],
                                            "text": "  Is a prize draw spam?  "})
    assert response.status_code == 200
    assert "Comment saved: “Is a prize draw spam?”" in response.text
    with web.store.read() as conn:
        (stored,) = comments.for_record(conn, ids[0])
    assert (stored["annotator"], stored["text"]) == ("alice", "Is a prize draw spam?")
    empty = user.post("/label/comment", {"record_id": ids[0], "text": "   "})
    assert empty.status_code == 422
    long = user.post("/label/comment", {"record_id": ids[0], "text": "x" * 2001})
    assert long.status_code == 422
    nowhere = user.post("/label/comment", {"record_id": "0" * 16, "text": "hi"})
    assert nowhere.status_code == 404


def test_multilabel_shows_toggles_and_stores_the_set(multi_web: Web) -> None:
    web = multi_web
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS,
                      suggestion=json.dumps(["ham", "other"]))
    user = web.sign_in("alice")
    page = user.get("/label")
    assert 'type="checkbox" name="label" value="spam" data-key="1">' in page.text
    assert 'value="ham" data-key="2" checked>' in page.text  # the suggestion is pre-ticked
    assert 'value="other" data-key="3" checked>' in page.text
    assert "Submit labels" in page.text and "toggle a label" in page.text
    user.post("/label/answer", {"record_id": ids[0], "label": ["spam", "other"]})
    user.post("/label/answer", {"record_id": ids[1]})  # none of the labels applies
    rows = human_rows(web)
    assert [json.loads(r["label"]) for r in rows] == [["other", "spam"], []]


def test_the_empty_queue_says_what_to_do(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS[:1])
    user = web.sign_in("alice")
    response = user.post("/label/answer", {"record_id": ids[0], "label": "ham"})
    assert "Nothing left in your queue" in response.text
    assert "Ask an admin" in response.text and "Queue more records" not in response.text
    admin = web.sign_in("boss", role="admin")
    assert "Queue more records" in admin.get("/label").text


def test_an_admin_fills_the_queue_from_the_page(web: Web) -> None:
    pool = web.project.root / "pool.csv"
    pool.write_text("text\n" + "\n".join(f"pool text {i}" for i in range(8)) + "\n")
    import_file(web.store, web.project, pool, ImportOptions(label_col=""))
    admin = web.sign_in("boss", role="admin")
    assert "Queue more records" in admin.get("/label").text
    response = admin.post("/label/fill")
    assert response.status_code == 200 and "Queued " in response.text
    assert shown_id(response) is not None
    with web.store.read() as conn:
        assert len(queue.active_items(conn)) > 0


def test_the_progress_fragment_counts_human_labels(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    user = web.sign_in("alice")
    for rid in ids[:3]:
        user.post("/label/answer", {"record_id": rid, "label": "ham"})
    fragment = user.get("/label/progress")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "<strong>3</strong> labeled" in fragment.text
    assert '<progress max="100" value="' in fragment.text
    assert "macro_f1" in fragment.text and "no estimate yet" in fragment.text
    queued = "queue: <strong>2</strong> of <strong>5</strong> queued records to answer"
    assert queued in fragment.text  # beside the bar: 3 answered, 1 held, 1 waiting
    page = user.get("/label")
    assert 'hx-get="/label/progress"' in page.text and "labeled from:body" in page.text


def test_the_progress_fragment_says_when_the_curve_has_flattened(web: Web) -> None:
    """Rounds whose scores levelled off: the panel says random sampling is as good instead
    of only counting down labels."""
    from textloop.storage import rounds

    user = web.sign_in("alice")
    assert "flat-signal" not in user.get("/label/progress").text
    with web.store.write() as conn:
        for n, score in [(25, 0.62), (50, 0.78), (75, 0.83), (100, 0.85), (150, 0.862),
                         (200, 0.866), (300, 0.868)]:
            rounds.add(conn, n_labels=n, score=score, stability=None, model="test",
                       details={})
    fragment = html.unescape(user.get("/label/progress").text)
    assert '<p class="flat-signal" role="status">Flat learning curve:' in fragment
    assert "random sampling is as good as active learning from here" in fragment


def test_record_text_and_metadata_are_escaped(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", [XSS],
                      meta=[{"source": XSS, XSS[:20]: "x"}])
    user = web.sign_in("alice")
    page = user.get("/label")
    escaped = html.escape(XSS, quote=False)
    assert XSS not in page.text and "<img" not in page.text and "<script>alert" not in page.text
    assert f'<div class="text" id="record-text">{escaped}</div>' in page.text
    assert f"<td>{escaped}</td>" in page.text  # the metadata value
    assert f'<th scope="row">{html.escape(XSS[:20], quote=False)}</th>' in page.text
    saved = user.post("/label/comment", {"record_id": ids[0], "text": XSS})
    assert XSS not in saved.text and escaped in saved.text
    undo = user.post("/label/undo")
    assert "<img" not in undo.text


def test_label_names_and_descriptions_are_escaped(tmp_path: Path) -> None:
    web = make_web(tmp_path)
    try:
        web.project.spec.labels = [Label(name="<b>bold</b>", description=XSS),
                                   Label(name="ham")]
        queue_texts(web.store, web.project, web.project.root / "data", ["a text"],
                    suggestion="<b>bold</b>")
        page = web.sign_in("alice").get("/label")
        assert XSS not in page.text and "<b>bold</b>" not in page.text
        assert "&lt;b&gt;bold&lt;/b&gt;" in page.text
    finally:
        web.store.close()


def test_a_stored_annotation_is_the_only_record_of_the_answer(web: Web) -> None:
    """Nothing is kept in the session: a new client after each answer sees the same state."""
    ids = queue_texts(web.store, web.project, web.project.root / "data", TEXTS)
    for i, rid in enumerate(ids[:3]):
        user = web.sign_in("alice")  # like a new browser each time
        assert shown_id(user.get("/label")) == rid
        user.post("/label/answer", {"record_id": rid, "label": "ham"})
        with web.store.read() as conn:
            assert annotation_log.count(conn) == i + 1


def test_a_row_back_from_production_says_why_escaped(web: Web) -> None:
    (rid,) = queue_texts(web.store, web.project, web.project.root / "data", ["Free tickets"])
    reason = f"production r-1/0: disputed (feedback 'ham', predicted 'spam') {XSS}"
    with web.store.write() as conn:  # as `textloop suggest --from production` writes it
        conn.execute(queue_items.update().where(queue_items.c.record_id == rid).values(
            strategy=reason))
    page = web.sign_in("alice").get("/label")
    assert "Back from production: production r-1/0: disputed" in html.unescape(page.text)
    assert XSS not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


MARKUP = "Loved it.<br /><br />Fish &amp; chips <b>twice</b>"


def test_html_unescaped_at_import_is_shown_as_imported(web: Web) -> None:
    queue_texts(web.store, web.project, web.project.root / "data", [MARKUP],
                unescape_html=True)
    page = web.sign_in("alice").get("/label")
    # stored as "Loved it.\n\nFish & chips <b>twice</b>"; still escaped when shown
    assert ">Loved it.\n\nFish &amp; chips &lt;b&gt;twice&lt;/b&gt;</div>" in page.text
    assert "Shown as imported: HTML entities and &lt;br /&gt; line breaks were unescaped" \
        in page.text


def test_html_in_text_imported_as_typed_is_shown_literally_and_says_so(web: Web) -> None:
    queue_texts(web.store, web.project, web.project.root / "data", [MARKUP, "plain words"])
    user = web.sign_in("alice")
    page = user.get("/label")
    assert (">Loved it.&lt;br /&gt;&lt;br /&gt;Fish &amp;amp; chips &lt;b&gt;twice&lt;/b&gt;"
            "</div>") in page.text
    assert "Shown as typed: the text contains HTML markup, displayed literally" in page.text
    assert user.get("/api/next").json()["item"]["shown_as"].startswith("shown as typed")
    item = user.post("/api/skip", json={"record_id": shown_id(page)}).json()["item"]
    assert item["text"] == "plain words" and item["shown_as"] is None


# Span projects: the same page and route, answers posted as spans in UTF-16 units.

SPAN_TEXT = "Ana 😀 met 김철수 at ACME\r\n\tSeoul"


def span_web(tmp_path: Path, **options) -> Web:
    from tests.unit.stages.span_fixtures import span_project

    return make_web(tmp_path, project=span_project(tmp_path / "ner", **options))


def test_a_span_project_gets_the_span_editor(tmp_path: Path) -> None:
    from tests.unit.stages.span_fixtures import queue_span_texts

    web = span_web(tmp_path, span_rules=[{"name": "acme", "label": "ORG", "phrases": ["ACME"]}])
    queue_span_texts(web.store, [SPAN_TEXT + XSS])
    page = web.sign_in("alice").get("/label")
    assert 'id="span-editor"' in page.text and "/static/spans.js" in page.text
    assert 'class="tok" data-t="0" data-s="0" data-e="3">Ana</span>' in page.text
    assert 'data-s="4" data-e="6">😀</span>' in page.text  # UTF-16: the emoji is two units
    assert 'data-s="22" data-e="25">\r\n\t</span>' in page.text  # whitespace kept as typed, a gap
    shown = re.search(r'<div class="text span-text" id="record-text"[^>]*>(.*?)</div>',
                      page.text, re.S).group(1)
    assert html.unescape(re.sub(r"</?span[^>]*>", "", shown)) == SPAN_TEXT + XSS
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    suggestions = json.loads(html.unescape(re.search(r'data-suggestions="([^"]*)"',
                                                     page.text).group(1)))
    assert suggestions == [{"start": 18, "end": 22, "label": "ORG", "source": "rule:acme",
                            "score": None}]
    assert 'data-label="PER" data-digit="1"><kbd>1</kbd> PER</button>' in page.text
    assert "Companies &amp; &lt;b&gt;organisations&lt;/b&gt;" in page.text  # the guideline
    assert "remove the span under the cursor" in page.text


def test_a_posted_span_answer_is_stored_in_code_points(tmp_path: Path) -> None:
    from tests.unit.stages.span_fixtures import queue_span_texts

    web = span_web(tmp_path)
    rid, second = queue_span_texts(web.store, [SPAN_TEXT, "second"])
    user = web.sign_in("alice")
    posted = [{"start": 18, "end": 22, "label": "ORG"}, {"start": 7, "end": 10, "label": "PER"}]
    response = user.post("/label/answer", {"record_id": rid, "spans": json.dumps(posted)})
    assert response.status_code == 200 and shown_id(response) == second
    (row,) = human_rows(web)
    assert json.loads(row["label"]) == [{"start": 6, "end": 9, "label": "PER"},
                                        {"start": 17, "end": 21, "label": "ORG"}]
    assert SPAN_TEXT[6:9] == "met" and SPAN_TEXT[17:21] == "ACME"
    undone = user.post("/label/undo")
    assert "Took back your answer “2 spans: PER, ORG”" in undone.text
    assert shown_id(undone) == rid


def bad_span_cases() -> list[tuple[list | str | None, str]]:
    emoji = SPAN_TEXT.index("😀")  # code point 4: UTF-16 units 4 and 5
    return [
        ([{"start": 0, "end": 99, "label": "PER"}], "past the end of the text"),
        ([{"start": 0, "end": 3, "label": "DATE"}], "'DATE' is not in textloop.yaml"),
        ([{"start": 0, "end": 3, "label": "PER"}, {"start": 0, "end": 6, "label": "ORG"}],
         "overlap"),
        ([{"start": emoji, "end": emoji + 1, "label": "PER"}], "inside a surrogate pair"),
        ("[{\"start\": 0", "not JSON"),
        (None, "no spans field"),
        (["PER"], "a span must be"),
    ]


def test_bad_span_posts_are_refused_with_the_fix_and_store_nothing(tmp_path: Path) -> None:
    from tests.unit.stages.span_fixtures import queue_span_texts

    web = span_web(tmp_path)
    (rid,) = queue_span_texts(web.store, [SPAN_TEXT])
    user = web.sign_in("alice")
    for spans, message in bad_span_cases():
        data = {"record_id": rid} | ({} if spans is None else {
            "spans": spans if isinstance(spans, str) else json.dumps(spans)})
        response = user.post("/label/answer", data)
        assert response.status_code == 422, (spans, response.text)
        error = response.json()["error"]
        assert message in error["message"], (spans, error)
        assert error["hint"]
    assert human_rows(web) == []
    assert shown_id(user.get("/label/panel")) == rid  # still the annotator's open record


def test_overlapping_span_posts_are_stored_when_the_project_allows_them(tmp_path) -> None:
    from tests.unit.stages.span_fixtures import queue_span_texts

    web = span_web(tmp_path, overlapping=True)
    (rid,) = queue_span_texts(web.store, [SPAN_TEXT])
    posted = [{"start": 0, "end": 3, "label": "PER"}, {"start": 0, "end": 10, "label": "ORG"}]
    response = web.sign_in("alice").post("/label/answer",
                                         {"record_id": rid, "spans": json.dumps(posted)})
    assert response.status_code == 200
    assert len(json.loads(human_rows(web)[0]["label"])) == 2


def test_teach_mode_shows_one_suggestion_and_stores_each_verdict(tmp_path: Path) -> None:
    from tests.unit.stages.span_fixtures import queue_span_texts
    from textloop.storage import span_verdicts

    rules = [{"name": "acme", "label": "ORG", "phrases": ["ACME"]},
             {"name": "city", "label": "LOC", "phrases": ["Seoul"]}]
    web = span_web(tmp_path, span_rules=rules)
    (rid,) = queue_span_texts(web.store, [SPAN_TEXT])
    user = web.sign_in("alice")
    page = user.get("/label?mode=teach")
    assert '<mark class="teach-target">ACME</mark>' in page.text
    assert "Suggested by <span class=\"source\">rule:acme</span>" in page.text
    posted = html.unescape(re.search(r'name="spans" value="([^"]*)"', page.text).group(1))
    assert json.loads(posted) == [{"start": 18, "end": 22, "label": "ORG"}]  # UTF-16
    response = user.post("/label/teach", {"record_id": rid, "spans": posted,
                                          "verdict": "accept"})
    assert '<mark class="teach-target">Seoul</mark>' in response.text
    with web.store.read() as conn:
        (verdict,) = span_verdicts.standing(conn, "alice", rid)
    assert (verdict["start"], verdict["end"], verdict["verdict"]) == (17, 21, "accepted")
    again = user.post("/label/teach", {"record_id": rid, "spans": posted, "verdict": "accept"})
    assert again.status_code == 422
    assert "not an undecided suggestion" in again.json()["error"]["message"]
    undone = user.post("/label/undo?mode=teach")
    assert "Took back your acceptance of ORG “ACME”." in undone.text
    assert '<mark class="teach-target">ACME</mark>' in undone.text
    assert human_rows(web) == []


def test_teach_mode_is_refused_for_a_classification_project(web: Web) -> None:
    queue_texts(web.store, web.project, web.project.root / "data", TEXTS[:1])
    response = web.sign_in("alice").get("/label?mode=teach")
    assert response.status_code == 422 and "for span projects" in response.text


def test_only_labels_one_to_nine_get_a_number_key_in_a_span_project(tmp_path: Path) -> None:
    from tests.unit.stages.span_fixtures import queue_span_texts

    labels = [Label(name=f"L{i}", description=f"label {i}") for i in range(1, 11)]
    web = span_web(tmp_path, labels=labels)
    queue_span_texts(web.store, ["some text"])
    page = web.sign_in("alice").get("/label").text
    assert "<dt><kbd>9</kbd> <span class=\"label\">L9</span></dt>" in page
    assert "<dt><span class=\"label\">L10</span></dt>" in page  # 0 is not a span key
    assert 'data-label="L10">L10</button>' in page
    assert "<kbd>1</kbd>…<kbd>9</kbd> label the selection" in page
