"""Signed session cookies: who is signed in, their CSRF token, and since when.

A session is a small JSON object signed with HMAC-SHA256 under the app's secret; nothing
is stored server-side. The cookie carries no secret of the annotator (their token is only
checked once, at sign-in), but it names the account's session generation at sign-in. Every
request re-checks that the account is still active and still at that generation; reset,
revoke and sign-out bump it, so every session issued before ends at once, and a revoked
session never comes back when the account is reset.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

COOKIE = "textloop_session"


@dataclass(frozen=True)
class Session:
    name: str
    csrf: str
    issued: float
    generation: int = 0
    """The account's session generation at sign-in (``Annotator.session_generation``)."""


def new_session(name: str, generation: int = 0) -> Session:
    return Session(name=name, csrf=secrets.token_urlsafe(24), issued=time.time(),
                   generation=generation)


class SessionSigner:
    """Turns a ``Session`` into a tamper-proof cookie value and back."""

    def __init__(self, secret: bytes, max_age_s: float) -> None:
        self._secret = secret
        self.max_age_s = max_age_s

    def dumps(self, session: Session) -> str:
        payload = json.dumps({"n": session.name, "c": session.csrf, "t": session.issued,
                              "g": session.generation}, separators=(",", ":")).encode()
        body = _b64(payload)
        return f"{body}.{_b64(self._mac(body))}"

    def loads(self, value: str | None, now: float | None = None) -> Session | None:
        """The session, or None when the value is missing, forged, malformed or expired."""
        if not value or value.count(".") != 1:
            return None
        body, mac = value.split(".")
        try:
            if not hmac.compare_digest(_unb64(mac), self._mac(body)):
                return None
            data = json.loads(_unb64(body))
            session = Session(name=str(data["n"]), csrf=str(data["c"]), issued=float(data["t"]),
                              generation=int(data["g"]))
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None
        age = (time.time() if now is None else now) - session.issued
        return session if 0 <= age <= self.max_age_s else None

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._secret, body.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
