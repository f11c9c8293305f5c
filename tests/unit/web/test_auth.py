"""Who may do what: sign-in required, CSRF on every POST, roles, revoked accounts."""

from __future__ import annotations

import pytest

from tests.unit.web.webapp import Web, queue_texts
from textloop.stages.label.annotators import reset_token, revoke
from textloop.storage import annotation_log
from textloop.web.session import COOKIE


def test_pages_redirect_to_sign_in_and_calls_get_401(web: Web) -> None:
    client = web.client()
    page = client.get("/label?x=1", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Flabel%3Fx%3D1"
    api = client.get("/api/next")
    assert api.status_code == 401 and api.json()["error"]["code"] == "not_signed_in"
    htmx = client.get("/label/progress", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/login"


def test_a_forged_cookie_is_not_a_session(web: Web) -> None:
    client = web.client()
    client.cookies.set("textloop_session", "eyJuIjoiYWRtaW4ifQ.AAAA")
    assert client.get("/api/next").status_code == 401


@pytest.mark.parametrize("path", ["/label/answer", "/label/skip", "/label/undo",
                                  "/label/comment", "/adjudicate", "/api/undo"])
def test_a_post_without_the_csrf_token_is_refused(web: Web, path: str) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", ["a text"])
    user = web.sign_in("alice", role="admin")
    form = {"record_id": ids[0], "label": "spam", "text": "note"}
    missing = user.post(path, form, csrf=False)
    assert missing.status_code == 403
    assert "CSRF" in missing.json()["error"]["message"]
    wrong = user.post(path, form, csrf=False, headers={"X-CSRF-Token": "not-the-token"})
    assert wrong.status_code == 403
    with web.store.read() as conn:
        assert annotation_log.count(conn) == 0


def test_the_csrf_token_is_accepted_as_a_form_field(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", ["a text"])
    user = web.sign_in("alice")
    response = user.post("/label/answer", {"record_id": ids[0], "label": "ham",
                                           "csrf_token": user.csrf}, csrf=False)
    assert response.status_code == 200
    with web.store.read() as conn:
        assert annotation_log.count(conn) == 1


def test_one_sessions_csrf_token_does_not_work_for_another(web: Web) -> None:
    queue_texts(web.store, web.project, web.project.root / "data", ["a text"])
    alice, bob = web.sign_in("alice"), web.sign_in("bob")
    assert alice.csrf != bob.csrf
    response = bob.post("/label/undo", csrf=False, headers={"X-CSRF-Token": alice.csrf})
    assert response.status_code == 403


def test_revoking_an_account_ends_its_session_at_once(web: Web) -> None:
    user = web.sign_in("alice")
    assert user.get("/api/next").status_code == 200
    revoke(web.store, "alice")
    response = user.get("/api/next")
    assert response.status_code == 401 and "no longer active" in response.json()["error"][
        "message"]


def test_an_annotator_cannot_adjudicate_or_fill_the_queue(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", ["a text"])
    user = web.sign_in("alice")
    page = user.get("/adjudicate")
    assert page.status_code == 403 and "adjudicator" in page.text
    decide = user.post("/adjudicate", {"record_id": ids[0], "label": "spam"})
    assert decide.status_code == 403
    assert user.post("/label/fill").status_code == 403
    with web.store.read() as conn:
        assert annotation_log.count(conn) == 0
    assert 'href="/adjudicate"' not in user.get("/label").text


def test_adjudicators_and_admins_reach_adjudication(web: Web) -> None:
    for name, role in (("judge", "adjudicator"), ("boss", "admin")):
        user = web.sign_in(name, role=role)
        assert user.get("/adjudicate").status_code == 200
        assert 'href="/adjudicate"' in user.get("/label").text


def _overlapping_dispute(web: Web) -> list[str]:
    """Two annotators who answered one record differently (a dispute under blind overlap)."""
    ids = queue_texts(web.store, web.project, web.project.root / "data", ["a contested text"],
                      overlap=2)
    for name, label in (("anna", "spam"), ("ben", "ham")):
        web.sign_in(name).post("/label/answer", {"record_id": ids[0], "label": label})
    return ids


@pytest.mark.parametrize("path", ["/agreement", "/adjudicate", "/review"])
def test_an_annotator_never_sees_agreement_or_disputes(overlap_web: Web, path: str) -> None:
    """Blind overlap: an annotator who could see a dispute could undo and match the other."""
    web = overlap_web
    _overlapping_dispute(web)
    anna = web.sign_in("anna")
    page = anna.get(path)
    assert page.status_code == 403
    assert "needs the adjudicator or admin role" in page.text and path in page.text
    assert "disputed" not in page.text and "kappa" not in page.text
    htmx = anna.get(path, headers={"HX-Request": "true"})
    assert htmx.status_code == 403 and htmx.json()["error"]["code"] == "forbidden"
    nav = anna.get("/label").text
    for hidden in ("/agreement", "/adjudicate", "/review"):
        assert f'href="{hidden}"' not in nav


def test_adjudicators_and_admins_see_agreement(overlap_web: Web) -> None:
    web = overlap_web
    _overlapping_dispute(web)
    for name, role in (("judge", "adjudicator"), ("boss", "admin")):
        user = web.sign_in(name, role=role)
        page = user.get("/agreement")
        assert page.status_code == 200
        assert "<dt>with differing answers</dt><dd>1</dd>" in page.text
        assert 'href="/agreement"' in user.get("/label").text


def _replay(web: Web, cookie: str) -> int:
    """The status of ``/api/next`` for a fresh client that presents an old session cookie."""
    client = web.client()
    client.cookies.set(COOKIE, cookie)
    return client.get("/api/next").status_code


def test_a_reset_ends_every_session_of_the_account(web: Web) -> None:
    laptop, phone = web.sign_in("alice"), web.sign_in("alice")
    cookie = laptop.client.cookies[COOKIE]
    reset_token(web.store, "alice")
    assert laptop.get("/api/next").status_code == 401
    assert phone.get("/api/next").status_code == 401
    assert _replay(web, cookie) == 401


def test_a_revoked_session_stays_ended_after_the_account_is_reset(web: Web) -> None:
    user = web.sign_in("alice")
    cookie = user.client.cookies[COOKIE]
    revoke(web.store, "alice")
    web.tokens["alice"] = reset_token(web.store, "alice")
    assert user.get("/api/next").status_code == 401
    assert _replay(web, cookie) == 401
    assert web.sign_in("alice").get("/api/next").status_code == 200  # the new token works


def test_a_cookie_replayed_after_sign_out_is_refused(web: Web) -> None:
    user, other_device = web.sign_in("alice"), web.sign_in("alice")
    cookie = user.client.cookies[COOKIE]
    assert user.post("/logout", htmx=False, follow_redirects=False).status_code == 303
    response = web.client()
    response.cookies.set(COOKIE, cookie)
    refused = response.get("/api/next")
    assert refused.status_code == 401
    assert "ended" in refused.json()["error"]["message"]
    assert other_device.get("/api/next").status_code == 401  # sign-out ends them all
    assert web.sign_in("alice").get("/api/next").status_code == 200  # signing in again works


def test_the_progress_count_does_not_reveal_a_disagreement(overlap_web: Web) -> None:
    """A tie has no final label, but the labeled count must not drop when the second
    annotator disagrees: that would tell them their answer differs from someone's."""
    web = overlap_web
    ids = queue_texts(web.store, web.project, web.project.root / "data",
                      ["agreed text", "contested text"], overlap=2)
    anna, ben = web.sign_in("anna"), web.sign_in("ben")
    for rid in ids:
        anna.post("/label/answer", {"record_id": rid, "label": "spam"})
    ben.post("/label/answer", {"record_id": ids[0], "label": "spam"})
    assert "<strong>2</strong> labeled" in ben.get("/label/progress").text
    ben.post("/label/answer", {"record_id": ids[1], "label": "ham"})  # a tie now
    assert "<strong>2</strong> labeled" in ben.get("/label/progress").text
