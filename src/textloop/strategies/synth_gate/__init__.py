"""Measures the synthetic-data quality gate plugs in, registered as
``textloop.synth_gate.NAME.vN``."""

from textloop.strategies.synth_gate.base import DiversityMeasure, make_diversity

__all__ = ["DiversityMeasure", "make_diversity"]
