"""``textloop predict``: label, calibrated probabilities and action band for texts, or for
every row of a file (``batch``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.predict.batch import INPUT_FORMATS as INPUT_FORMATS
    from textloop.stages.predict.batch import OUTPUT_FORMATS as OUTPUT_FORMATS
    from textloop.stages.predict.batch import BatchPrediction as BatchPrediction
    from textloop.stages.predict.batch import predict_file as predict_file
    from textloop.stages.predict.prediction import Prediction as Prediction
    from textloop.stages.predict.prediction import predict as predict
    from textloop.stages.predict.prediction import predictions_from as predictions_from

__all__, __getattr__ = lazy_front(__name__, {
    "batch": ("BatchPrediction", "INPUT_FORMATS", "OUTPUT_FORMATS", "predict_file"),
    "prediction": ("Prediction", "predict", "predictions_from"),
})
