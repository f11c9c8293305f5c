"""``textloop clean``: label issues, duplicates, conflicts, outliers, bad texts, personal data
and leakage among the labeled records, stored as findings for review."""

from textloop.stages.clean.options import CleanOptions
from textloop.stages.clean.result import CleanResult, Finding
from textloop.stages.clean.run import clean

__all__ = ["CleanOptions", "CleanResult", "Finding", "clean"]
