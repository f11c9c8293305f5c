"""cleanlab's defaults on the main model's out-of-fold probabilities: the baseline."""

from __future__ import annotations

from textloop.strategies.cleaning.base import LabelIssueInput, LabelIssues, cleanlab_issues


class CleanlabDefault:
    """Confident learning exactly as cleanlab ships it, on ``views[0]`` alone."""

    def find(self, data: LabelIssueInput) -> LabelIssues:
        return cleanlab_issues(data.labels, data.views[0])
