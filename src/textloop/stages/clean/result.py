"""What ``textloop clean`` found; defined in ``textloop.reports.clean_result`` so the report
that renders it does not import this stage (see docs/architecture.md, Layers)."""

from textloop.reports.clean_result import KINDS, CleanResult, Finding, LabelSummary

__all__ = ["KINDS", "CleanResult", "Finding", "LabelSummary"]
