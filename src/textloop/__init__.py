"""textloop: from raw text to a monitored text classifier, and back.

The public API (docs/api.md)::

    import textloop
    project = textloop.open_project("spam-filter")
    run = project.train(model="tfidf-lr")
    project.evaluate(run).metrics["macro_f1"]

Every name below is imported on first use (``textloop.lazy``), so ``import textloop`` loads
no store, NumPy or model code, and neither does ``textloop --help``, whose modules all sit
under this package.

The names are lazy strings only, with no ``if TYPE_CHECKING:`` imports: the stages import
``textloop.__version__``, and an import of ``textloop.api`` here, even one for type checkers,
would read as the stages importing the API above them (the layers in pyproject.toml). For
precise types, import the same objects from ``textloop.api``.
"""

from __future__ import annotations

from textloop.lazy import lazy_front

__version__ = "0.1.0"

_all, __getattr__ = lazy_front(__name__, {
    "api": ("CleanResult", "EvaluationResult", "ImportResult", "Lineage", "ModelVersion",
            "MonitorResult", "Prediction", "Predictions", "ProductionSuggestResult", "Project",
            "ProjectStatus", "PromotionDecision", "Registered", "ReleaseInfo",
            "ReleaseSummary", "Rollback", "Run", "RunRow", "SuggestResult", "SynthEvaluation",
            "SynthResult", "init_project", "open_project"),
    "errors": ("ConflictError", "InvalidInputError", "NotFoundError", "TextloopError"),
})
__all__ = [*_all, "__version__"]
