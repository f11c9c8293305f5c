"""``serving:``: how ``textloop serve`` answers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from textloop.config.base import Strict


class ServingSettings(Strict):
    """How ``textloop serve`` answers (docs/serving.md); command-line options override these.

    ``log_texts``: what the prediction log keeps of each text: ``full`` (the text), ``hash``
    (its SHA-256, which still links feedback to a stored record) or ``none``.
    ``require_key``: demand an API key even before any key exists (a server with keys always
    demands one). ``cors_origins``: browser origins allowed to call the API (none: CORS off).
    ``failed_auth_rate``: how many failed API key checks one client address may make
    (``COUNT/UNIT``; beyond it 429). ``allowed_hosts``: the ``Host`` names the server answers
    to (empty: loopback names on loopback, any name elsewhere).
    """

    alias: str = Field("champion", min_length=1)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    workers: int = Field(1, ge=1, le=64)
    max_batch: int = Field(32, ge=1, le=1024)
    max_wait_ms: float = Field(5.0, ge=0.0, le=1000.0)
    max_texts: int = Field(64, ge=1, le=10_000)
    max_text_chars: int = Field(10_000, ge=1)
    max_body_bytes: int = Field(1_000_000, ge=1024)
    require_key: bool = False
    log_texts: Literal["full", "hash", "none"] = "full"
    log_queue: int = Field(10_000, ge=1)
    poll_seconds: float = Field(2.0, gt=0.0)
    cors_origins: list[str] = Field(default_factory=list)
    failed_auth_rate: str = "30/min"
    allowed_hosts: list[str] = Field(default_factory=list)

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, value: list[str]) -> list[str]:
        """A name as a ``Host`` header carries it, without the port: anything else would
        never match, and the server would refuse every request without saying why."""
        for name in value:
            if not name.strip() or any(c in name for c in "/ @") or (
                    name.count(":") == 1 and not name.startswith("[")):
                raise ValueError(f"{name!r} is not a host name: write it as a Host header "
                                 "names it, without scheme, port or path (api.example.org, "
                                 "10.0.0.7, ::1, or * for any)")
        return value
