"""Calibration in one place: does a 0.8 mean "right 8 times in 10"? Measure it (ECE and
reliability bins, ``core``), fit a calibrator on validation and keep it only when it helps
out of fold (``core``), and the calibrators themselves (``temperature``, ``isotonic``,
``identity``), declared as ``textloop.calibration.NAME.vN`` like any plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.measures.calibration.base import Calibrator as Calibrator
    from textloop.measures.calibration.base import calibrator_from_state as calibrator_from_state
    from textloop.measures.calibration.base import calibrator_names as calibrator_names
    from textloop.measures.calibration.base import make_calibrator as make_calibrator
    from textloop.measures.calibration.core import DEFAULT_BINS as DEFAULT_BINS
    from textloop.measures.calibration.core import UNCALIBRATED as UNCALIBRATED
    from textloop.measures.calibration.core import FittedCalibration as FittedCalibration
    from textloop.measures.calibration.core import calibration_report as calibration_report
    from textloop.measures.calibration.core import calibration_summary as calibration_summary
    from textloop.measures.calibration.core import choose_calibration as choose_calibration
    from textloop.measures.calibration.core import (
        expected_calibration_error as expected_calibration_error,
    )
    from textloop.measures.calibration.core import fit_calibration as fit_calibration
    from textloop.measures.calibration.core import from_bundle_parts as from_bundle_parts
    from textloop.measures.calibration.core import reliability_bins as reliability_bins
    from textloop.measures.calibration.core import to_bundle_parts as to_bundle_parts

__all__, __getattr__ = lazy_front(__name__, {
    "base": ("Calibrator", "calibrator_from_state", "calibrator_names", "make_calibrator"),
    "core": ("DEFAULT_BINS", "UNCALIBRATED", "FittedCalibration", "calibration_report",
             "calibration_summary", "choose_calibration", "expected_calibration_error",
             "fit_calibration", "from_bundle_parts", "reliability_bins", "to_bundle_parts"),
})
