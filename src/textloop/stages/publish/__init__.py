"""``textloop publish``: releases and model versions to a folder, the Hugging Face Hub or a
git repository with LFS, behind a license and privacy gate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.publish.gate import NO_REDISTRIBUTION as NO_REDISTRIBUTION
    from textloop.stages.publish.gate import GateReport as GateReport
    from textloop.stages.publish.gate import Refusal as Refusal
    from textloop.stages.publish.model import publish_model as publish_model
    from textloop.stages.publish.release import PublishResult as PublishResult
    from textloop.stages.publish.release import publish_release as publish_release
    from textloop.stages.publish.staging import PublishFile as PublishFile
    from textloop.stages.publish.targets import Target as Target
    from textloop.stages.publish.targets import parse_target as parse_target

__all__, __getattr__ = lazy_front(__name__, {
    "gate": ("GateReport", "NO_REDISTRIBUTION", "Refusal"),
    "model": ("publish_model",),
    "release": ("PublishResult", "publish_release"),
    "staging": ("PublishFile",),
    "targets": ("Target", "parse_target"),
})
