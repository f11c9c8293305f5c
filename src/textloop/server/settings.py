"""What a server runs with: the model target and the ``serving:`` settings, after overrides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from textloop.config import Project, ServingSettings, explain_validation
from textloop.errors import InvalidInputError
from textloop.stages.serving import ServeTarget


@dataclass(frozen=True)
class ServerConfig:
    """``rate_dir``: a folder the worker processes of one server share, where each key's
    rate-limit bucket lives (None in a single process: buckets stay in memory).
    ``settle_heap``: freeze the heap once a model is loaded (``state.settle_heap``): set by
    the server's own process (``server.run``), not by an app built inside another program
    (tests), whose garbage collection it would change."""

    target: ServeTarget
    serving: ServingSettings
    rate_dir: Path | None = None
    settle_heap: bool = False

    @classmethod
    def for_project(cls, project: Project, *, alias: str | None = None, run: str | None = None,
                    **overrides: Any) -> ServerConfig:
        """textloop.yaml's ``serving:`` section with the given (non-None) options on top."""
        if alias is not None and run is not None:
            raise InvalidInputError("pass --alias or --run, not both",
                                    hint="--alias follows an alias as it moves; --run pins one run")
        given = {k: v for k, v in overrides.items() if v is not None}
        if alias is not None:
            given["alias"] = alias
        try:
            serving = ServingSettings.model_validate({**project.spec.serving.model_dump(),
                                                      **given})
        except ValidationError as exc:
            raise explain_validation("serving options", exc) from None
        target = ServeTarget(alias=None, run=run) if run else ServeTarget(alias=serving.alias)
        return cls(target, serving)
