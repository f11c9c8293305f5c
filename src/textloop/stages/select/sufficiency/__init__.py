"""Is there enough data? Learning curves on growing fractions of a release, and the answer."""

from textloop.stages.select.sufficiency.answer import Sufficiency, answer
from textloop.stages.select.sufficiency.curve import FRACTIONS, CurvePoint, measure_curve
from textloop.stages.select.sufficiency.run import SufficiencyResult, data_sufficiency

__all__ = ["FRACTIONS", "CurvePoint", "Sufficiency", "SufficiencyResult", "answer",
           "data_sufficiency", "measure_curve"]
