"""Probability calibrators, registered as ``textloop.calibration.NAME.vN``.

A calibrator is fitted on a run's validation split and saved in its bundle (arrays + JSON),
so ``predict`` returns probabilities that can be read as frequencies.
"""

from textloop.strategies.calibration.base import (
    Calibrator,
    calibrator_from_state,
    calibrator_names,
    make_calibrator,
)

__all__ = ["Calibrator", "calibrator_from_state", "calibrator_names", "make_calibrator"]
