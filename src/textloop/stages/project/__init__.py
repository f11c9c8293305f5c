"""Create a project (``textloop init``) and see it at a glance (``textloop status``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.project.init import goal_from as goal_from
    from textloop.stages.project.init import init_project as init_project
    from textloop.stages.project.init import parse_labels as parse_labels
    from textloop.stages.project.init import parse_target as parse_target
    from textloop.stages.project.init import record_language as record_language
    from textloop.stages.project.status import ProjectStatus as ProjectStatus
    from textloop.stages.project.status import project_status as project_status

__all__, __getattr__ = lazy_front(__name__, {
    "init": ("goal_from", "init_project", "parse_labels", "parse_target", "record_language"),
    "status": ("ProjectStatus", "project_status"),
})
