"""``textloop evaluate RUN``: score a trained run on a release split and write its report.

How a split is scored depends on the project's task (``result.evaluate_split`` dispatches on
it: ``classification.py``, ``regression.py``, ``spans.py``); each writes ``report.html``,
``metrics.json`` and the model card into ``runs/NAME/evaluation-SPLIT/`` and logs the
headline metrics under ``SPLIT/``, so promotion and ``textloop runs`` treat every task alike.
"""

from __future__ import annotations

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.evaluate import classification as _classification  # noqa: F401 (registers)
from textloop.stages.evaluate import regression as _regression  # noqa: F401 (registers)
from textloop.stages.evaluate import spans as _spans  # noqa: F401 (registers)
from textloop.stages.evaluate.result import EvaluateOptions, EvaluationResult, evaluate_split
from textloop.storage import Store
from textloop.tasks import require_verb, task_for

SPLITS = ("test", "validation", "train")


def evaluate_run(store: Store, project: Project, run_ref: str, *, split: str = "test",
                 compare_embedders: bool = False,
                 probes: bool = True, progress: Progress = NULL_PROGRESS) -> EvaluationResult:
    """Predict the split with the run's model, compute metrics, log them, write the report.

    ``probes=False`` skips the robustness probes (the slower part of the error analysis).
    """
    if split not in SPLITS:
        raise InvalidInputError(f"unknown split {split!r}", hint=f"use one of {', '.join(SPLITS)}")
    require_verb(project, "evaluate")
    options = EvaluateOptions(compare_embedders=compare_embedders, probes=probes)
    return evaluate_split(task_for(project), store, project, run_ref, split, options, progress)
