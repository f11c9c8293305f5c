"""Signed session cookies: round trip, tampering, expiry, wrong key."""

from __future__ import annotations

import time

from textloop.web.session import Session, SessionSigner, new_session


def test_a_session_survives_the_round_trip() -> None:
    signer = SessionSigner(b"k" * 32, 3600)
    session = new_session("alice")
    assert signer.loads(signer.dumps(session)) == session
    assert len(session.csrf) >= 32 and new_session("alice").csrf != session.csrf


def test_a_tampered_cookie_is_refused() -> None:
    signer = SessionSigner(b"k" * 32, 3600)
    value = signer.dumps(new_session("alice"))
    forged = SessionSigner(b"other" * 8, 3600).dumps(Session("admin", "x", time.time()))
    body, mac = value.split(".")
    other_body = forged.split(".")[0]
    assert signer.loads(f"{other_body}.{mac}") is None  # someone else's name, our signature
    assert signer.loads(forged) is None                  # signed with another key
    flipped = ("B" if mac[0] == "A" else "A") + mac[1:]
    assert signer.loads(f"{body}.{flipped}") is None
    for junk in (None, "", "no-dot", "a.b.c", "!!!.???", f"{body}."):
        assert signer.loads(junk) is None


def test_sessions_expire() -> None:
    signer = SessionSigner(b"k" * 32, 60)
    session = new_session("alice")
    value = signer.dumps(session)
    assert signer.loads(value, now=session.issued + 59) == session
    assert signer.loads(value, now=session.issued + 61) is None
    assert signer.loads(value, now=session.issued - 10) is None  # issued in the future
