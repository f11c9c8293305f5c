"""The review page: roles, CSRF, the evidence shown, each decision and its undo, escaping."""

from __future__ import annotations

import re
from html import unescape

from tests.unit.web.review_fixtures import TEXTS, flag
from tests.unit.web.webapp import XSS, Web
from textloop.stages.label.resolution import current_labels, labeled_records
from textloop.storage import findings, reviews

FINDING = re.compile(r'data-finding-id="(\d+)"')


def shown(response) -> int | None:
    """The finding the panel shows."""
    return shown_id(response.text)


def shown_id(text: str) -> int | None:
    found = FINDING.search(text)
    return int(found.group(1)) if found else None


def status(web: Web, finding_id: int) -> str:
    with web.store.read() as conn:
        return findings.get_one(conn, finding_id)["status"]


def label(web: Web, record_id: str):
    with web.store.read() as conn:
        return current_labels(conn)[record_id]


def test_annotators_can_neither_see_nor_decide(web: Web) -> None:
    flagged = flag(web)
    anna = web.sign_in("anna")
    assert anna.get("/review").status_code == 403
    assert 'href="/review"' not in anna.get("/label").text
    refused = anna.post("/review/exclude", {"finding_id": flagged.issue})
    assert refused.status_code == 403 and "adjudicator or admin" in refused.json()["error"][
        "message"]
    assert status(web, flagged.issue) == "open"


def test_adjudicators_and_admins_review(web: Web) -> None:
    flag(web)
    for name, role in (("judge", "adjudicator"), ("root", "admin")):
        user = web.sign_in(name, role)
        page = user.get("/review")
        assert page.status_code == 200 and 'href="/review" aria-current="page"' in page.text


def test_a_post_without_the_csrf_token_is_refused(web: Web) -> None:
    flagged = flag(web)
    judge = web.sign_in("judge", "adjudicator")
    assert judge.post("/review/exclude", {"finding_id": flagged.issue},
                      csrf=False).status_code == 403
    forged = judge.post("/review/exclude", {"finding_id": flagged.issue}, csrf=False,
                        headers={"X-CSRF-Token": "not-the-token"})
    assert forged.status_code == 403
    assert status(web, flagged.issue) == "open"
    with web.store.read() as conn:
        assert reviews.excluded_ids(conn) == set()


def test_the_page_shows_the_label_issue_first_with_its_evidence(web: Web) -> None:
    flagged = flag(web)
    page = web.sign_in("judge", "adjudicator").get("/review").text
    assert shown_id(page) == flagged.issue
    assert "labeled ham (import label), but models trained without it say spam" in page
    assert 'id="current-label">ham</span> <span class="muted">(import label)' in page
    assert 'id="suggested">spam<' in page and 'data-key="a"' in page
    assert TEXTS[1][0] in page  # the nearest labeled neighbour and its label
    assert "3 open in c1</span> (label_issue 1, duplicate 1, garbage 1)" in page
    assert 'data-key="m"' not in page  # nothing to merge for a label issue
    assert "<kbd>1</kbd>…<kbd>3</kbd> relabel" in page  # the digits the three labels use


def test_record_and_neighbour_texts_are_escaped(web: Web) -> None:
    flagged = flag(web, [(f"{XSS} claim now", "ham"), *[(t, lab) for t, lab in
                                                        TEXTS[1:]]])
    page = web.sign_in("judge", "adjudicator").get("/review").text
    assert shown_id(page) == flagged.issue
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # record and neighbour


def test_accept_then_undo(web: Web) -> None:
    flagged = flag(web)
    judge = web.sign_in("judge", "adjudicator")
    after = judge.post("/review/accept", {"finding_id": flagged.issue})
    assert after.status_code == 200
    assert f"Accepted “spam” for record {flagged.ids[0]}" in after.text
    assert shown(after) == flagged.duplicate  # the next finding is shown at once
    assert label(web, flagged.ids[0]) == ("spam", "review", "reviewed by judge")
    undone = judge.post("/review/undo")
    assert "Undid “accept”" in undone.text and shown(undone) == flagged.issue
    assert label(web, flagged.ids[0]).kind == "import"
    assert status(web, flagged.issue) == "open"


def test_relabel_keep_exclude_and_merge(web: Web) -> None:
    flagged = flag(web)
    judge = web.sign_in("judge", "adjudicator")
    judge.post("/review/relabel", {"finding_id": flagged.issue, "label": "other"})
    assert label(web, flagged.ids[0]).label == "other"
    merged = judge.post("/review/merge", {"finding_id": flagged.duplicate})
    assert "1 excluded as duplicates" in merged.text
    kept = judge.post("/review/keep", {"finding_id": flagged.garbage})
    assert "Every finding of c1 is reviewed" in kept.text
    assert [status(web, f) for f in (flagged.issue, flagged.duplicate, flagged.garbage)] == [
        "relabeled", "merged", "kept"]
    with web.store.read() as conn:
        released = {r.id for r in labeled_records(conn)}
    assert flagged.ids[3] in released and flagged.ids[4] not in released


def test_exclude_then_undo_by_decision_id(web: Web) -> None:
    flagged = flag(web)
    judge = web.sign_in("judge", "adjudicator")
    judge.post("/review/exclude", {"finding_id": flagged.issue})
    with web.store.read() as conn:
        assert reviews.excluded_ids(conn) == {flagged.ids[0]}
        (decision,) = reviews.for_finding(conn, flagged.issue)
    other = web.sign_in("root", "admin")
    page = other.post("/review/undo", {"decision_id": decision["id"]})
    assert page.status_code == 200 and shown(page) == flagged.issue
    with web.store.read() as conn:
        assert reviews.excluded_ids(conn) == set()
        assert reviews.for_finding(conn, flagged.issue)[0]["undone_by"] == "root"
    again = other.post("/review/undo", {"decision_id": decision["id"]})
    assert again.status_code == 409 and "already undone" in again.json()["error"]["message"]


def test_deciding_twice_and_impossible_actions_are_refused(web: Web) -> None:
    flagged = flag(web)
    judge = web.sign_in("judge", "adjudicator")
    judge.post("/review/keep", {"finding_id": flagged.issue})
    twice = judge.post("/review/exclude", {"finding_id": flagged.issue})
    assert twice.status_code == 409 and "already kept" in twice.json()["error"]["message"]
    no_suggestion = judge.post("/review/accept", {"finding_id": flagged.garbage})
    assert no_suggestion.status_code == 422  # invalid input, as everywhere in the app
    assert judge.post("/review/keep", {"finding_id": 999}).status_code == 404
    assert judge.post("/review/keep", {"finding_id": "x"}).status_code == 422


def test_without_a_cleaning_run_the_page_says_how_to_get_one(web: Web) -> None:
    page = web.sign_in("judge", "adjudicator").get("/review")
    assert page.status_code == 200 and "textloop clean" in page.text


def test_the_filter_picks_a_kind_and_stays_on_after_a_decision(web: Web) -> None:
    flagged = flag(web)
    judge = web.sign_in("judge", "adjudicator")
    page = judge.get("/review?kind=garbage").text
    assert shown_id(page) == flagged.garbage
    assert "1 matching the filter, 3 open in c1" in page
    assert '<option value="garbage" selected>garbage (1)</option>' in page
    for kind in ("label_issue", "duplicate", "garbage"):  # counts per kind, each a link
        assert f'href="/review?kind={kind}" data-kind="{kind}"' in page
    assert 'hx-post="/review/keep?kind=garbage"' in page  # decisions keep the filter
    after = judge.post("/review/keep?kind=garbage", {"finding_id": flagged.garbage})
    assert status(web, flagged.garbage) == "kept"
    assert shown(after) is None and "No open finding of c1 matches the filter" in after.text
    # without the filter the queue goes on with the other kinds
    assert shown(judge.get("/review")) == flagged.issue


def test_the_label_and_score_filters(web: Web) -> None:
    flagged = flag(web)
    judge = web.sign_in("judge", "adjudicator")
    assert shown(judge.get("/review?label=ham")) == flagged.issue  # record 0 is labeled ham
    spam = judge.get("/review?label=spam").text  # every flagged record is ham
    assert shown_id(spam) is None and "No open finding of c1 matches the filter" in spam
    scored = judge.get("/review?min_score=0.5").text  # the duplicate (1.0); not the issue
    assert shown_id(scored) == flagged.duplicate
    assert 'name="min_score" value="0.5"' in scored


def test_a_bad_filter_is_refused_naming_the_field(web: Web) -> None:
    flag(web)
    judge = web.sign_in("judge", "adjudicator")
    bad = judge.get("/review?min_score=lots")
    assert bad.status_code == 422 and "min_score 'lots' is not a number" in unescape(bad.text)
    assert "such as 0.5" in bad.text  # the hint says what to give instead
    unknown = judge.get("/review?kind=url")
    assert unknown.status_code == 422
    assert "unknown finding kind 'url'" in unescape(unknown.text)


def test_the_page_shows_the_estimated_precision_of_the_batch(web: Web) -> None:
    flagged = flag(web)
    judge = web.sign_in("judge", "adjudicator")
    assert 'id="batch-precision"' not in judge.get("/review").text  # c1: no estimates
    with web.store.write() as conn:
        findings.add(conn, config={}, summary={}, rows=[
            {"record_id": flagged.ids[i], "kind": "label_issue", "score": score,
             "details": {"given": "ham", "suggested": "spam", "error_probability": chance}}
            for i, score, chance in ((0, 0.1, 0.9), (1, 0.2, 0.6), (2, 0.3, 0.3))])
    page = judge.get("/review").text
    assert "the next 3 open label issues from this one: estimated precision <strong>60%" in page
    assert 'id="error-probability">90%<' in page
    first = shown_id(page)
    after = judge.post("/review/keep", {"finding_id": first}).text
    assert "the next 2 open label issues from this one: estimated precision <strong>45%" in after
    assert 'id="error-probability">60%<' in after
