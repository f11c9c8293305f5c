"""``textloop publish release``: a release to a folder, the Hub or a git repository.

The release is loaded (which verifies every file against its manifest), passed through the
gate (``gate.py``), staged (``staging.py``) and handed to its target (``targets.py``); with
``dry_run`` the staged files are listed and nothing is sent. The dry run reports the gate's
refusals beside the files instead of raising, so one run shows everything to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textloop.config import Project
from textloop.stages.publish.gate import GateReport, release_gate
from textloop.stages.publish.staging import (
    PublishFile,
    listing,
    stage_release,
    staging_folder,
)
from textloop.stages.publish.targets import Target
from textloop.stages.release import load_release
from textloop.storage import Store
from textloop.tasks import require_verb
from textloop.types import plain


@dataclass
class PublishResult:
    """What was (or, with ``dry_run``, would be) published where."""

    what: str
    """``release v3`` or ``model m2``."""
    tag: str
    target: str
    files: list[PublishFile]
    dry_run: bool
    gate: GateReport
    location: str | None = None
    already: bool = False
    """The target already held this version: nothing was sent."""
    commit: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {**plain(self), "gate": self.gate.to_dict(), "bytes": self.bytes}


def publish_release(store: Store, project: Project, release: str, target: Target, *,
                    dry_run: bool = False, allow_pii: str | None = None) -> PublishResult:
    """Publish ``release`` (``v3`` or ``latest``) to ``target`` (``targets.parse_target``)
    behind the gate; see the module docstring."""
    require_verb(project, "publish")
    data = load_release(store, release)
    report = release_gate(store, project, data, allow_pii)
    if not dry_run:
        report.raise_if_refused(f"release {data.id}")
    with staging_folder() as folder:
        stage_release(folder, data, license=report.license,
                      personal_data=report.personal_data)
        target.prepare(folder, {"name": project.spec.name, "license": report.license,
                                "release": data.id})
        result = PublishResult(f"release {data.id}", data.id, target.describe(),
                               listing(folder), dry_run, report)
        if dry_run:
            return result
        done = target.publish(folder, data.id, f"Release {data.id} of {project.spec.name}")
    result.location, result.already, result.commit = done.location, done.already, done.commit
    if done.already:
        result.notes.append(f"{data.id} is already published there; nothing was sent "
                            "(published versions are never replaced)")
    return result
