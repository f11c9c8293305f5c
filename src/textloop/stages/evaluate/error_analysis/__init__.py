"""Where a model fails: metrics per slice, fairness across groups, robustness to noise.

``assign_slices`` is the one function other stages need (monitoring slices production rows
the same way); ``analyze_errors`` computes the sections ``textloop evaluate`` stores.
"""

from textloop.stages.evaluate.error_analysis.analysis import analyze_errors
from textloop.stages.evaluate.error_analysis.evaluated import EvaluatedSplit
from textloop.stages.evaluate.error_analysis.provenance import split_provenance
from textloop.stages.evaluate.error_analysis.slicing import assign_slices

__all__ = ["EvaluatedSplit", "analyze_errors", "assign_slices", "split_provenance"]
