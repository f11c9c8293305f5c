"""Label-issue methods for ``textloop clean``, registered as ``textloop.cleaning.NAME.vN``."""

from textloop.strategies.cleaning.base import LabelIssueInput, LabelIssues, get_method

__all__ = ["LabelIssueInput", "LabelIssues", "get_method"]
