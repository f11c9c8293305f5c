"""Model selection: cross-validation, hyper-parameter search, learning curves and data
sufficiency, and embedder comparison.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.select.cross_validate import CVSummary as CVSummary
    from textloop.stages.select.cross_validate import build_estimator as build_estimator
    from textloop.stages.select.cross_validate import cross_validate as cross_validate
    from textloop.stages.select.cross_validate import stratified_folds as stratified_folds
    from textloop.stages.select.embedders import compare_embedders as compare_embedders
    from textloop.stages.select.folds import Fold as Fold
    from textloop.stages.select.folds import fold_proba as fold_proba
    from textloop.stages.select.folds import make_folds as make_folds
    from textloop.stages.select.folds import run_folds as run_folds
    from textloop.stages.select.folds import take as take
    from textloop.stages.select.search import search as search
    from textloop.stages.select.sufficiency import CurvePoint as CurvePoint
    from textloop.stages.select.sufficiency import data_sufficiency as data_sufficiency
    from textloop.stages.select.sufficiency.answer import answer as answer

__all__, __getattr__ = lazy_front(__name__, {
    "cross_validate": ("CVSummary", "build_estimator", "cross_validate", "stratified_folds"),
    "folds": ("Fold", "fold_proba", "make_folds", "run_folds", "take"),
    "sufficiency": ("CurvePoint", "answer", "data_sufficiency"),
    "search": ("search",),
    "embedders": ("compare_embedders",),
})
