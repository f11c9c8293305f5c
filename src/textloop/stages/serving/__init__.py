"""The inference server's logic that is not HTTP: the served model and its reloads, API keys
and rate limits, the asynchronous prediction log, and feedback on logged predictions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.serving.api_keys import ApiKey as ApiKey
    from textloop.stages.serving.api_keys import KeyRing as KeyRing
    from textloop.stages.serving.api_keys import require_scope as require_scope
    from textloop.stages.serving.errors import NotReadyError as NotReadyError
    from textloop.stages.serving.errors import OverloadedError as OverloadedError
    from textloop.stages.serving.errors import RateLimitedError as RateLimitedError
    from textloop.stages.serving.errors import RetryLaterError as RetryLaterError
    from textloop.stages.serving.errors import UnauthorizedError as UnauthorizedError
    from textloop.stages.serving.extract import Extraction as Extraction
    from textloop.stages.serving.extract import WrongRouteError as WrongRouteError
    from textloop.stages.serving.extract import mask_text as mask_text
    from textloop.stages.serving.extract import require_route as require_route
    from textloop.stages.serving.feedback import record_feedback as record_feedback
    from textloop.stages.serving.limits import check_texts as check_texts
    from textloop.stages.serving.limits import texts_of as texts_of
    from textloop.stages.serving.model import ServedAnswer as ServedAnswer
    from textloop.stages.serving.model import ServedModel as ServedModel
    from textloop.stages.serving.model import ServeTarget as ServeTarget
    from textloop.stages.serving.model import extracted as extracted
    from textloop.stages.serving.model import load_served as load_served
    from textloop.stages.serving.model import predicted as predicted
    from textloop.stages.serving.model import wanted_version as wanted_version
    from textloop.stages.serving.prediction_log import PredictionLog as PredictionLog
    from textloop.stages.serving.prediction_log import log_row as log_row
    from textloop.stages.serving.rate_limit import FailedAuthLimiter as FailedAuthLimiter
    from textloop.stages.serving.rate_limit import Rate as Rate
    from textloop.stages.serving.rate_limit import RateLimiter as RateLimiter
    from textloop.stages.serving.rate_limit import parse_rate as parse_rate

__all__, __getattr__ = lazy_front(__name__, {
    "errors": ("NotReadyError", "OverloadedError", "RateLimitedError", "RetryLaterError",
               "UnauthorizedError"),
    "api_keys": ("ApiKey", "KeyRing", "require_scope"),
    "model": ("ServeTarget", "ServedAnswer", "ServedModel", "extracted", "load_served",
              "predicted", "wanted_version"),
    "extract": ("Extraction", "WrongRouteError", "mask_text", "require_route"),
    "feedback": ("record_feedback",),
    "limits": ("check_texts", "texts_of"),
    "prediction_log": ("PredictionLog", "log_row"),
    "rate_limit": ("FailedAuthLimiter", "Rate", "RateLimiter", "parse_rate"),
})
