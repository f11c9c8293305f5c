"""Settings of one running labeling app (address, limits, session lifetime)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class WebSettings:
    """What ``create_app`` needs beyond the project and store.

    The signing secret is random per process unless given: sessions end when the app
    restarts (annotators sign in again with their link), and no key is ever written to disk.
    ``max_body_bytes`` bounds every request body; the largest legitimate one is a comment
    of 2,000 characters. ``secure_cookie`` adds the ``Secure`` flag for HTTPS deployments
    (behind a TLS proxy); plain ``http://127.0.0.1`` needs it off.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    session_hours: float = 12.0
    max_body_bytes: int = 64 * 1024
    secure_cookie: bool = False
    retrain: bool = True

    @property
    def session_seconds(self) -> float:
        return self.session_hours * 3600.0
