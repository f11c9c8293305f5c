"""``serving:``: how ``textloop serve`` answers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from textloop.config.base import Strict


class RayServing(Strict):
    """``serving.ray:``: the replicas of ``textloop serve --ray`` (docs/serving.md, "Replicas
    on Ray Serve"); ``--replicas``, ``--min-replicas`` and ``--max-replicas`` override these.

    ``replicas``: a fixed count. ``min_replicas`` / ``max_replicas``: autoscaling bounds
    instead (Ray Serve adds a replica while each has more than ``max_batch`` requests in
    flight, and removes one when they idle). ``num_cpus``: CPUs Ray reserves per replica.
    ``max_ongoing_requests``: requests one replica takes at once; more wait in Ray's proxy.
    It must exceed ``max_batch``, or the micro-batcher never sees a full batch (Ray's own
    default, 5, would cap every batch at 5 texts per request).
    """

    replicas: int | None = Field(None, ge=1, le=1024)
    min_replicas: int | None = Field(None, ge=0, le=1024)
    max_replicas: int | None = Field(None, ge=1, le=1024)
    num_cpus: float = Field(1.0, gt=0.0, le=1024.0)
    max_ongoing_requests: int = Field(256, ge=1, le=100_000)

    @model_validator(mode="after")
    def _count_or_bounds(self) -> RayServing:
        """A fixed count and autoscaling bounds contradict each other; bounds come in pairs
        that must be ordered."""
        bounds = (self.min_replicas, self.max_replicas)
        if self.replicas is not None and bounds != (None, None):
            raise ValueError("give replicas (a fixed count) or min_replicas and max_replicas "
                             "(autoscaling bounds), not both")
        if (self.min_replicas is None) != (self.max_replicas is None):
            raise ValueError("autoscaling needs both min_replicas and max_replicas "
                             "(e.g. min_replicas: 1, max_replicas: 4)")
        if self.min_replicas is not None and self.max_replicas is not None \
                and self.min_replicas > self.max_replicas:
            raise ValueError(f"min_replicas ({self.min_replicas}) is above max_replicas "
                             f"({self.max_replicas})")
        return self

    @property
    def autoscaling(self) -> bool:
        return self.min_replicas is not None

    def overridden(self, *, replicas: int | None = None, min_replicas: int | None = None,
                   max_replicas: int | None = None) -> dict[str, object]:
        """These settings with command-line counts on top, unvalidated (the caller validates
        the whole ``serving:`` section): a count given replaces the file's bounds and bounds
        given replace its count, so ``--replicas 3`` works whatever textloop.yaml says."""
        given = {k: v for k, v in {"replicas": replicas, "min_replicas": min_replicas,
                                    "max_replicas": max_replicas}.items() if v is not None}
        base = self.model_dump()
        if "replicas" in given:
            base.update(min_replicas=None, max_replicas=None)
        if given.keys() & {"min_replicas", "max_replicas"}:
            base["replicas"] = None
        return {**base, **given}


class ServingSettings(Strict):
    """How ``textloop serve`` answers (docs/serving.md); command-line options override these.

    ``log_texts``: what the prediction log keeps of each text: ``full`` (the text), ``hash``
    (its SHA-256, which still links feedback to a stored record) or ``none``.
    ``require_key``: demand an API key even before any key exists (a server with keys always
    demands one). ``cors_origins``: browser origins allowed to call the API (none: CORS off).
    ``failed_auth_rate``: how many failed API key checks one client address may make
    (``COUNT/UNIT``; beyond it 429). ``allowed_hosts``: the ``Host`` names the server answers
    to (empty: loopback names on loopback, any name elsewhere). ``ray``: the replicas of
    ``textloop serve --ray``.

    Admission control (docs/serving.md, "Overload"): past ``max_queue`` texts waiting for the
    model, or ``max_queue_wait_ms`` of estimated wait (0: no such bound), a request is refused
    at once with 503 and ``Retry-After`` rather than answered too late. The defaults sit far
    above what 32 clients keep queued on 2 cores (BENCHMARKS.md), so they bound a flood, not
    steady load.
    """

    alias: str = Field("champion", min_length=1)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    workers: int = Field(1, ge=1, le=64)
    max_batch: int = Field(32, ge=1, le=1024)
    max_wait_ms: float = Field(5.0, ge=0.0, le=1000.0)
    max_queue: int = Field(1024, ge=1)
    max_queue_wait_ms: float = Field(5000.0, ge=0.0)
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
    ray: RayServing = Field(default_factory=RayServing)

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
