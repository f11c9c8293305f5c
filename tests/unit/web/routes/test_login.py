"""Sign-in with name and token, the session cookie, safe redirects, sign-out."""

from __future__ import annotations

import pytest

from tests.unit.web.webapp import XSS, Web
from textloop.stages.label.annotators import reset_token
from textloop.web.routes.login import safe_next


def test_a_good_token_signs_in_with_a_strict_http_only_cookie(web: Web) -> None:
    token = web.add("alice")
    client = web.client()
    response = client.post("/login", data={"name": "alice", "token": token,
                                           "next": "/agreement"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/agreement")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("textloop_session=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    assert token not in cookie
    assert "alice" in client.get("/label").text


@pytest.mark.parametrize(("name", "token"), [("alice", "wrong"), ("nobody", "wrong"),
                                             ("ALICE", "REAL"), ("alice", "REAL!")])
def test_a_bad_token_or_name_is_refused(web: Web, name: str, token: str) -> None:
    real = web.add("alice")
    client = web.client()
    response = client.post("/login", data={"name": name,
                                           "token": token.replace("REAL", real)})
    assert response.status_code == 401 and "do not match" in response.text
    assert "textloop_session" not in client.cookies
    assert client.get("/api/next").status_code == 401


def test_an_empty_token_is_refused(web: Web) -> None:
    web.add("alice")
    client = web.client()
    assert client.post("/login", data={"name": "alice", "token": ""}).status_code in (401, 422)
    assert "textloop_session" not in client.cookies


def test_a_revoked_or_reset_token_no_longer_works(web: Web) -> None:
    old = web.add("alice")
    reset_token(web.store, "alice")
    response = web.client().post("/login", data={"name": "alice", "token": old})
    assert response.status_code == 401 and "do not match" in response.text


def test_the_secure_flag_follows_the_setting(tmp_path) -> None:
    from tests.unit.web.webapp import make_web
    from textloop.web.settings import WebSettings

    web = make_web(tmp_path, settings=WebSettings(retrain=False, secure_cookie=True))
    try:
        token = web.add("alice")
        response = web.client().post("/login", data={"name": "alice", "token": token},
                                     follow_redirects=False)
        assert "Secure" in response.headers["set-cookie"]
    finally:
        web.store.close()


@pytest.mark.parametrize(("target", "expected"), [
    ("/adjudicate", "/adjudicate"), ("//evil.example/x", "/label"),
    ("https://evil.example", "/label"), ("/\\evil.example", "/label"), ("", "/label"),
    (None, "/label"), ("javascript:alert(1)", "/label")])
def test_only_local_paths_are_followed_after_sign_in(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_an_open_redirect_is_not_possible(web: Web) -> None:
    token = web.add("alice")
    response = web.client().post("/login", data={"name": "alice", "token": token,
                                                 "next": "//evil.example"},
                                 follow_redirects=False)
    assert response.headers["location"] == "/label"


def test_the_form_prefills_the_name_escaped(web: Web) -> None:
    page = web.client().get("/login", params={"name": XSS, "next": "/label"})
    assert page.status_code == 200
    assert XSS not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert 'id="login-form"' in page.text


def test_sign_out_needs_the_form_token_and_clears_the_cookie(web: Web) -> None:
    user = web.sign_in("alice")
    refused = user.post("/logout", htmx=False, csrf=False)
    assert refused.status_code == 403
    done = user.post("/logout", {"csrf_token": user.csrf}, htmx=False, csrf=False,
                     follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/login")
    assert 'textloop_session=""' in done.headers["set-cookie"] or "Max-Age=0" in done.headers[
        "set-cookie"]
    assert user.get("/api/next").status_code == 401
