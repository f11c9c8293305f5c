"""Guards around the whole app: body size (413), host check, cross-site POSTs, headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.unit.web.webapp import BASE_URL, Web, make_web, queue_texts
from textloop.hosts import LOOPBACK_NAMES, allowed_hosts
from textloop.storage import annotation_log
from textloop.web.guards import CSP
from textloop.web.settings import WebSettings


def n_annotations(web: Web) -> int:
    with web.store.read() as conn:
        return annotation_log.count(conn)


def test_a_body_over_the_limit_is_refused_with_413_before_the_handler(web: Web) -> None:
    ids = queue_texts(web.store, web.project, web.project.root / "data", ["hello there"])
    user = web.sign_in("alice")
    big = {"record_id": ids[0], "label": "spam", "pad": "x" * (65 * 1024)}
    response = user.post("/label/answer", big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert n_annotations(web) == 0
    small = user.post("/label/answer", {"record_id": ids[0], "label": "spam"})
    assert small.status_code == 200 and n_annotations(web) == 1  # replayed body reaches it


def test_a_chunked_body_without_length_is_bounded_too(web: Web) -> None:
    user = web.sign_in("alice")

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 1024

    response = user.client.post("/label/comment", content=chunks(), headers={
        "X-CSRF-Token": user.csrf, "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_the_limit_is_a_setting(tmp_path: Path) -> None:
    web = make_web(tmp_path, settings=WebSettings(retrain=False, max_body_bytes=100))
    try:
        client = web.client()
        refused = client.post("/login", data={"name": "a" * 50, "token": "b" * 60})
        assert refused.status_code == 413
        assert client.post("/login", data={"name": "a", "token": "b"}).status_code == 401
    finally:
        web.store.close()


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example",
                                  "evil.example:8000", "localhost.evil", ""])
def test_a_foreign_host_header_is_refused(web: Web, host: str) -> None:
    response = web.client().get("/login", headers={"Host": host})
    assert response.status_code == 403
    assert "unknown host" in response.json()["error"]["message"]


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:5000", "[::1]:8000",
                                  "LOCALHOST"])
def test_loopback_hosts_are_served(web: Web, host: str) -> None:
    assert web.client().get("/login", headers={"Host": host}).status_code == 200


def test_any_host_when_bound_to_another_interface(tmp_path: Path) -> None:
    web = make_web(tmp_path, settings=WebSettings(host="0.0.0.0", retrain=False))
    try:
        client = TestClient(web.app, base_url="http://labels.example.org")
        assert client.get("/login").status_code == 200
    finally:
        web.store.close()
    assert allowed_hosts("::1") == LOOPBACK_NAMES


def test_cross_site_posts_are_refused(web: Web) -> None:
    token = web.add("alice")
    form = {"name": "alice", "token": token}
    client = web.client()
    foreign = client.post("/login", data=form, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403 and "cross-site" in foreign.text
    fetch = client.post("/login", data=form, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch.status_code == 403
    assert "textloop_session" not in client.cookies
    same = client.post("/login", data=form, headers={"Origin": BASE_URL},
                       follow_redirects=False)
    assert same.status_code == 303 and "textloop_session" in client.cookies


def test_every_answer_carries_security_headers(web: Web) -> None:
    client = web.client()
    for response in (client.get("/login"), client.get("/static/app.js"),
                     client.get("/nowhere"), client.get("/", headers={"Host": "evil.example"})):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["server-timing"].startswith("app;dur=")
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert "cache-control" not in client.get("/static/app.js").headers


@pytest.mark.parametrize(("headers", "allowed"), [
    ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, True),  # what browsers send
    ({"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example"}, True),
    ({"Origin": "null"}, False),
    ({"Sec-Fetch-Site": "same-site"}, False),
    ({"Sec-Fetch-Site": "cross-site", "Origin": BASE_URL}, False),
    ({}, True),  # a script or the API: still needs the CSRF token
])
def test_sec_fetch_site_decides_when_the_browser_sends_it(web: Web, headers: dict[str, str],
                                                          allowed: bool) -> None:
    token = web.add("alice")
    response = web.client().post("/login", data={"name": "alice", "token": token},
                                 headers=headers, follow_redirects=False)
    assert response.status_code == (303 if allowed else 403)


def test_the_referrer_stays_on_this_site(web: Web) -> None:
    page = web.client().get("/login")
    assert page.headers["referrer-policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in page.text
