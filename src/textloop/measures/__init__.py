"""Pure computations over predictions and annotations, with no store: metrics (labels,
numbers and spans), calibration, thresholds, latency, learning-curve fits and agreement
between annotators (labels and spans). Stages call them; they call nothing above them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.measures.agreement import Coefficient as Coefficient
    from textloop.measures.agreement import cohen_kappa as cohen_kappa
    from textloop.measures.agreement import fleiss_kappa as fleiss_kappa
    from textloop.measures.agreement import krippendorff_alpha as krippendorff_alpha
    from textloop.measures.agreement import strength as strength
    from textloop.measures.calibration import DEFAULT_BINS as DEFAULT_BINS
    from textloop.measures.calibration import UNCALIBRATED as UNCALIBRATED
    from textloop.measures.calibration import FittedCalibration as FittedCalibration
    from textloop.measures.calibration import calibration_report as calibration_report
    from textloop.measures.calibration import calibration_summary as calibration_summary
    from textloop.measures.calibration import choose_calibration as choose_calibration
    from textloop.measures.calibration import (
        expected_calibration_error as expected_calibration_error,
    )
    from textloop.measures.calibration import fit_calibration as fit_calibration
    from textloop.measures.calibration import from_bundle_parts as from_bundle_parts
    from textloop.measures.calibration import reliability_bins as reliability_bins
    from textloop.measures.calibration import to_bundle_parts as to_bundle_parts
    from textloop.measures.latency import batch_throughput as batch_throughput
    from textloop.measures.latency import single_text_latency as single_text_latency
    from textloop.measures.learning_curve import estimate_labels_needed as estimate_labels_needed
    from textloop.measures.learning_curve import fit_curve as fit_curve
    from textloop.measures.learning_curve import flattened_at as flattened_at
    from textloop.measures.learning_curve import power_law as power_law
    from textloop.measures.metrics import compute_metrics as compute_metrics
    from textloop.measures.metrics import top_confusions as top_confusions
    from textloop.measures.metrics import validate_inputs as validate_inputs
    from textloop.measures.probabilities import align_proba as align_proba
    from textloop.measures.regression_metrics import regression_metrics as regression_metrics
    from textloop.measures.span_agreement import SpanAgreementReport as SpanAgreementReport
    from textloop.measures.span_agreement import span_agreement as span_agreement
    from textloop.measures.span_errors import SpanErrorAnalysis as SpanErrorAnalysis
    from textloop.measures.span_errors import span_errors as span_errors
    from textloop.measures.span_metrics import span_metrics as span_metrics
    from textloop.measures.span_thresholds import SpanThresholds as SpanThresholds
    from textloop.measures.span_thresholds import span_thresholds as span_thresholds
    from textloop.measures.thresholds import band_table as band_table
    from textloop.measures.thresholds import choose_thresholds as choose_thresholds
    from textloop.measures.thresholds import fit_band_policy as fit_band_policy
    from textloop.measures.thresholds import positive_meaning as positive_meaning
    from textloop.measures.thresholds import scores_and_positives as scores_and_positives
    from textloop.measures.validation_fit import ValidationFit as ValidationFit
    from textloop.measures.validation_fit import fit_on_validation as fit_on_validation

__all__, __getattr__ = lazy_front(__name__, {
    "agreement": ("Coefficient", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "strength"),
    "span_agreement": ("SpanAgreementReport", "span_agreement"),
    "span_metrics": ("span_metrics",),
    "span_errors": ("SpanErrorAnalysis", "span_errors"),
    "span_thresholds": ("SpanThresholds", "span_thresholds"),
    "metrics": ("compute_metrics", "top_confusions", "validate_inputs"),
    "probabilities": ("align_proba",),
    "regression_metrics": ("regression_metrics",),
    "calibration": ("DEFAULT_BINS", "FittedCalibration", "UNCALIBRATED", "calibration_report",
                    "calibration_summary", "choose_calibration", "expected_calibration_error",
                    "fit_calibration", "from_bundle_parts", "reliability_bins",
                    "to_bundle_parts"),
    "thresholds": ("band_table", "choose_thresholds", "fit_band_policy", "positive_meaning",
                   "scores_and_positives"),
    "latency": ("batch_throughput", "single_text_latency"),
    "learning_curve": ("estimate_labels_needed", "fit_curve", "flattened_at", "power_law"),
    "validation_fit": ("ValidationFit", "fit_on_validation"),
})
