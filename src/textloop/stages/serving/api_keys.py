"""API keys: created and revoked by ``textloop keys``, checked by the server on each request.

A key reads ``tl_<key id>_<secret>``. The key id is public (it names the row to check, so a
made-up key costs no hashing); the secret is stored only as a salted scrypt hash, the same
scheme as annotator tokens, and compared in constant time. scrypt is slow on purpose, so the
server remembers the SHA-256 of each key it has verified (right or wrong) and re-checks only
that the key is still standing in its snapshot of the table, which it refreshes every few
seconds: a revoked key stops working without a restart.

Each key has scopes (``SCOPES``): what it may call. New keys classify only unless created
with ``--scope feedback``; keys from before scopes existed keep both (migration 9).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textloop.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from textloop.stages.label.annotators import hash_secret, verify_secret
from textloop.stages.serving.errors import UnauthorizedError
from textloop.stages.serving.rate_limit import parse_rate
from textloop.storage import Store, api_keys

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
PREFIX = "tl"
SCOPES: dict[str, tuple[str, ...]] = {"classify": ("classify",),
                                      "feedback": ("classify", "feedback")}
"""What ``--scope`` grants. ``classify`` (the default for new keys) may only ask for
predictions; ``feedback`` may also send true labels, which become annotations and reach the
next release, so only applications trusted to label get it."""
DEFAULT_SCOPE = "classify"
FAILED_MEMORY = 4096
"""How many refused keys the server remembers, so repeating one costs no scrypt hash."""
FAILED_SECONDS = 60.0
"""How long a refusal is remembered (the key table changing forgets them all at once)."""


Refusal = Callable[[], UnauthorizedError]


@dataclass(frozen=True)
class ApiKey:
    name: str
    key_id: str
    secret_hash: str
    rate: str | None
    revoked: bool
    scopes: tuple[str, ...]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop keys list --json`` prints: never the secret's hash, which only
        the server's check needs."""
        return {"name": self.name, "key_id": self.key_id, "scopes": list(self.scopes),
                "rate": self.rate, "status": "revoked" if self.revoked else "active"}


def require_scope(key: ApiKey | None, scope: str) -> None:
    """403 when ``key`` lacks ``scope``; None (a server without keys) may call anything."""
    if key is not None and not key.allows(scope):
        raise ForbiddenError(f"API key {key.name!r} may not send {scope} (its scopes: "
                             f"{', '.join(key.scopes)})",
                             hint=f"create a key with `textloop keys create NAME --scope "
                                  f"{scope}` for the application that sends {scope}")


def create_key(store: Store, name: str, rate: str | None = None,
               scope: str = DEFAULT_SCOPE) -> str:
    """A new key for ``name`` with the scopes ``scope`` grants (``SCOPES``); returned once,
    stored only as a hash."""
    if not _NAME.match(name):
        raise InvalidInputError(f"key name {name!r} is not allowed",
                                hint="use letters, digits, '.', '_' or '-' (up to 100)")
    if scope not in SCOPES:
        raise InvalidInputError(f"scope {scope!r} is not one of {', '.join(SCOPES)}",
                                hint="--scope classify (predictions only) or --scope feedback "
                                     "(predictions and feedback)")
    rate = None if rate is None else str(parse_rate(rate))
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
    with store.write() as conn:
        if api_keys.get(conn, name) is not None:
            raise ConflictError(f"an API key named {name!r} already exists",
                                hint="pick another name, or revoke it first and use a new name")
        api_keys.add(conn, name=name, key_id=key_id, secret_hash=hash_secret(secret), rate=rate,
                     scopes=" ".join(SCOPES[scope]))
    return f"{PREFIX}_{key_id}_{secret}"


def list_keys(store: Store) -> list[ApiKey]:
    with store.read() as conn:
        return [_to_key(row) for row in api_keys.list_all(conn)]


def get_key(store: Store, name: str) -> ApiKey | None:
    with store.read() as conn:
        row = api_keys.get(conn, name)
    return None if row is None else _to_key(row)


def revoke_key(store: Store, name: str) -> None:
    with store.write() as conn:
        row = api_keys.get(conn, name)
        if row is None:
            raise NotFoundError(f"no API key named {name!r}",
                                hint="list them with `textloop keys list`")
        if row["revoked_at"] is None:
            api_keys.revoke(conn, name)


def _to_key(row: dict[str, Any]) -> ApiKey:
    return ApiKey(row["name"], row["key_id"], row["secret_hash"], row["rate"],
                  row["revoked_at"] is not None, tuple(row["scopes"].split()))


class KeyRing:
    """The server's view of the keys: a snapshot of the table plus what it has verified.

    Refusals are remembered too (``failed``: bounded, each for ``FAILED_SECONDS``), so a
    client repeating a wrong, unknown or revoked key costs a dictionary lookup, not a scrypt
    hash. They are all forgotten whenever the table changes: a key id unknown a moment ago
    may just have been created. ``hashed`` counts the scrypt checks done.
    """

    def __init__(self, require_key: bool = False, *, clock: Callable[[], float] = time.monotonic,
                 failed_memory: int = FAILED_MEMORY) -> None:
        self.require_key = require_key
        self.clock = clock
        self.failed_memory = failed_memory
        self.by_id: dict[str, ApiKey] = {}
        self.verified: dict[bytes, str] = {}  # sha256 of a presented key -> its key id
        # sha256 of a refused key -> (until when it is remembered, the refusal to raise)
        self.failed: OrderedDict[bytes, tuple[float, Refusal]] = OrderedDict()
        self._failed_lock = threading.Lock()  # verify runs in worker threads, refresh in one
        self.hashed = 0

    def refresh(self, store: Store) -> None:
        """Re-read the table (one small query; the server's watcher calls this)."""
        keys = {key.key_id: key for key in list_keys(store)}
        if keys == self.by_id:
            return
        with self._failed_lock:
            self.failed.clear()
            self.by_id = keys

    @property
    def required(self) -> bool:
        """Keys are demanded once any key exists (a revoked one too: revoking the last key
        must not open the server) or when ``serving.require_key`` says so."""
        return self.require_key or bool(self.by_id)

    def remembered(self, presented: str) -> ApiKey | None:
        """The standing key when ``presented`` was verified before; raises when it failed
        before or its key is revoked or gone; None when it needs ``verify`` (slow)."""
        digest = _digest(presented)
        failure = self.failed.get(digest)
        if failure is not None:
            if self.clock() < failure[0]:
                raise failure[1]()  # a new error each time: a re-raised one keeps its frames
            with self._failed_lock:
                self.failed.pop(digest, None)
        key_id = self.verified.get(digest)
        if key_id is None:
            return None
        return self._standing(key_id)

    def verify(self, presented: str) -> ApiKey:
        """Check ``presented`` against the stored hash (scrypt: run it off the event loop).
        A malformed key, an unknown id or a revoked key is refused without hashing."""
        digest, snapshot = _digest(presented), self.by_id
        parts = presented.split("_", 2)
        key = snapshot.get(parts[1]) if len(parts) == 3 and parts[0] == PREFIX else None
        if key is None:
            raise self._remember_failure(digest, _wrong_key, snapshot)
        if key.revoked:
            raise self._remember_failure(digest, _revoked, snapshot)
        self.hashed += 1
        if not verify_secret(parts[2], key.secret_hash):
            raise self._remember_failure(digest, _wrong_key, snapshot)
        self.verified[digest] = key.key_id
        return self._standing(key.key_id)

    def _standing(self, key_id: str) -> ApiKey:
        key = self.by_id.get(key_id)
        if key is None or key.revoked:
            raise _revoked()
        return key

    def _remember_failure(self, digest: bytes, refusal: Refusal,
                          snapshot: dict[str, ApiKey]) -> UnauthorizedError:
        """Remember a refusal judged on ``snapshot``, unless the keys changed meanwhile."""
        with self._failed_lock:
            if snapshot is not self.by_id:
                return refusal()
            self.failed.pop(digest, None)
            self.failed[digest] = (self.clock() + FAILED_SECONDS, refusal)
            while len(self.failed) > self.failed_memory:
                self.failed.popitem(last=False)
        return refusal()


def _digest(presented: str) -> bytes:
    return hashlib.sha256(presented.encode("utf-8", "surrogatepass")).digest()


def _revoked() -> UnauthorizedError:
    return UnauthorizedError("this API key has been revoked",
                             hint="ask for a new key (`textloop keys create NAME`)")


def _wrong_key() -> UnauthorizedError:
    return UnauthorizedError("the API key is not valid",
                             hint="send the key `textloop keys create` printed, as "
                                  "`Authorization: Bearer KEY` or `X-API-Key: KEY`")
