"""Annotator accounts: named people with a role and a secret token.

Tokens are random, shown once, and stored only as a salted scrypt hash; verification is
constant-time. Roles: ``annotator`` labels their own queue, ``adjudicator`` also decides
disputed records, ``admin`` may do everything in the web app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from textloop.errors import ConflictError, InvalidInputError, NotFoundError
from textloop.storage import Store, annotators

ROLES = ("annotator", "adjudicator", "admin")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# A hash in the stored format of a random secret nobody kept: sign-in verifies against it
# for unknown and revoked names, so every sign-in costs exactly one scrypt run and timing
# does not tell which names exist or are revoked. A constant, so it costs nothing to build.
_DUMMY_HASH = "scrypt$rv7pJu8uuCj/PZxGCOIsPg==$2zzdENvv5+K9pazLyDkjGGP5nwlnOZvE+RIYs13/5fw="


@dataclass(frozen=True)
class Annotator:
    name: str
    role: str
    active: bool
    session_generation: int = 0
    """Bumped by reset, revoke and sign-out; a session issued under an older one has ended."""

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop annotators list --json`` prints (the session counter is internal)."""
        return {"name": self.name, "role": self.role,
                "status": "active" if self.active else "revoked"}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Annotator:
        return cls(row["name"], row["role"], row["revoked_at"] is None,
                   int(row["session_generation"]))

    @property
    def can_adjudicate(self) -> bool:
        return self.role in ("adjudicator", "admin")


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + "$".join(base64.b64encode(x).decode() for x in (salt, digest))


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = hashlib.scrypt(secret.encode(), salt=salt, dklen=len(expected), **_SCRYPT)
    return hmac.compare_digest(actual, expected)


def add_annotator(store: Store, name: str, role: str = "annotator") -> str:
    """Create an account; returns its token (shown once, never stored in clear)."""
    _check(name, role)
    token = secrets.token_urlsafe(18)
    with store.write() as conn:
        if annotators.get(conn, name) is not None:
            raise ConflictError(f"annotator {name!r} already exists",
                                hint="pick another name, or `textloop annotators reset NAME`")
        annotators.add(conn, name, hash_secret(token), role)
    return token


def reset_token(store: Store, name: str) -> str:
    """A new token for an existing (possibly revoked) annotator; the old token and every
    session signed in before stop working (a reset often follows a leaked link)."""
    token = secrets.token_urlsafe(18)
    with store.write() as conn:
        _require(conn, name)
        annotators.set_secret(conn, name, hash_secret(token))
    return token


def revoke(store: Store, name: str) -> None:
    """Deactivate the account and end its sessions for good: a later ``reset`` re-activates
    the account, but not the sessions it had before."""
    with store.write() as conn:
        _require(conn, name)
        annotators.revoke(conn, name)


def sign_out(store: Store, name: str) -> None:
    """End every session of the account, so a copied or replayed cookie is refused too."""
    with store.write() as conn:
        _require(conn, name)
        annotators.end_sessions(conn, name)


def list_annotators(store: Store) -> list[Annotator]:
    with store.read() as conn:
        return [Annotator.from_row(r) for r in annotators.list_all(conn)]


def authenticate(store: Store, name: str, token: str) -> Annotator | None:
    """The annotator when name and token match an active account, else None.

    Exactly one scrypt verification runs whatever the outcome (against a dummy hash for an
    unknown or revoked name), so response time does not reveal whether an account exists.
    """
    with store.read() as conn:
        row = annotators.get(conn, name)
    active = row if row is not None and row["revoked_at"] is None else None
    matches = verify_secret(token, active["secret_hash"] if active else _DUMMY_HASH)
    return Annotator.from_row(active) if active and matches else None


def get_annotator(store: Store, name: str) -> Annotator | None:
    with store.read() as conn:
        row = annotators.get(conn, name)
    return Annotator.from_row(row) if row else None


def _check(name: str, role: str) -> None:
    if not _NAME.match(name):
        raise InvalidInputError(f"annotator name {name!r} is not allowed",
                                hint="use letters, digits, '.', '_' or '-' (up to 100)")
    if role not in ROLES:
        raise InvalidInputError(f"unknown role {role!r}", hint=f"use one of {', '.join(ROLES)}")


def _require(conn: Connection, name: str) -> None:
    if annotators.get(conn, name) is None:
        raise NotFoundError(f"no annotator {name!r}",
                            hint="list them with `textloop annotators list`")
