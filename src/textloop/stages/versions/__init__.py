"""Model versions: register a run as ``mN``, promote under the policy, roll back, and trace
lineage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.versions.policy import check_policy as check_policy
    from textloop.stages.versions.policy import goal_met as goal_met
    from textloop.stages.versions.promotion import PromotionDecision as PromotionDecision
    from textloop.stages.versions.promotion import promote as promote
    from textloop.stages.versions.promotion import rollback as rollback
    from textloop.stages.versions.register import CHAMPION as CHAMPION
    from textloop.stages.versions.register import alias_history as alias_history
    from textloop.stages.versions.register import lineage as lineage
    from textloop.stages.versions.register import list_versions as list_versions
    from textloop.stages.versions.register import register_run as register_run
    from textloop.stages.versions.register import versions_note as versions_note

__all__, __getattr__ = lazy_front(__name__, {
    "register": ("CHAMPION", "alias_history", "lineage", "list_versions", "register_run",
                 "versions_note"),
    "promotion": ("PromotionDecision", "promote", "rollback"),
    "policy": ("check_policy", "goal_met"),
})
