"""``textloop predict``: label, calibrated probabilities and action band for texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.predict.prediction import Prediction as Prediction
    from textloop.stages.predict.prediction import predict as predict
    from textloop.stages.predict.prediction import predictions_from as predictions_from

__all__, __getattr__ = lazy_front(__name__, {
    "prediction": ("Prediction", "predict", "predictions_from"),
})
