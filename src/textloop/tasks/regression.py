"""Regression: each record gets a number (a rating, a score) within ``target``'s range, and a
model predicts a number. No probabilities: nothing to calibrate, no action bands, and the
verbs built on class probabilities (suggest, clean, cv, ...) refuse the project."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textloop.config import REGRESSION_METRICS
from textloop.errors import InvalidInputError
from textloop.tasks.base import BaseTask, ValueKind, ValueProblem

if TYPE_CHECKING:  # numpy loads when a model is scored: `textloop status` needs none
    import numpy as np

    from textloop.config import ProjectSpec
    from textloop.measures.validation_fit import ValidationFit

HEADLINE = ("mae", "rmse", "r2", "spearman")
STRATA = 5


class RegressionTask(BaseTask):
    name = "regression"
    value_kind: ValueKind = "number"
    default_model = "tfidf-ridge"
    model_task = "regression"
    headline_metrics = HEADLINE
    default_goal = ("r2", 0.5)
    summary_metrics = ("mae", "r2")
    report_sections = ("summary", "residuals", "predicted_vs_true", "slices", "largest_misses",
                       "training")
    prediction_fields = ("value",)
    monitoring_checks = ()
    verbs = frozenset({"import", "release", "train", "evaluate", "predict", "register",
                       "promote", "rollback", "serve", "export", "agreement", "rules",
                       "review", "publish"})

    goal_metrics = REGRESSION_METRICS

    def check_value(self, value: str, spec: ProjectSpec, text: str = "") -> str:
        """One canonical spelling (``4``, ``4.0`` and `` 4.00 `` are all ``4.0``), so two
        annotators giving the same number agree and a release reads floats back."""
        number = parse_number(value)
        problem = "is not a number" if number is None else spec.target.problem_with(number)
        if number is None or problem is not None:
            target = spec.target
            bounds = (f" between {target.min} and {target.max}"
                      if target.min is not None or target.max is not None else "")
            raise ValueProblem(f"target {value!r} {problem}",
                               fix=f"give a number{bounds} (this is a regression project), or "
                                   "fix target.min/target.max in textloop.yaml")
        return repr(float(number))

    def check_train_labels(self, release_id: str, values: Sequence[str]) -> None:
        if len(values) < 2 or len(set(values)) < 2:
            raise InvalidInputError(f"release {release_id}: the train split needs at least two "
                                    "rows with different targets",
                                    hint="import more rows and release again")

    def strata(self, values: Sequence[str], labels: Sequence[str]) -> tuple[list[int], int]:
        """Quantile bins of the target, so train, validation and test each cover the whole
        range (a test split holding only the high ratings would say little)."""
        strata = target_strata(target_values(values))
        return strata, max(strata, default=0) + 1

    def model_output(self, estimator: Any, x: Any) -> np.ndarray:
        import numpy as np

        return np.asarray(estimator.predict(x), dtype=np.float64)

    def score(self, values: Sequence[str], output: np.ndarray, labels: Sequence[str], *,
              estimator: Any, reference: Sequence[str]) -> dict[str, float]:
        import numpy as np

        from textloop.measures.regression_metrics import regression_metrics

        mean = float(np.mean(target_values(reference)))
        computed = regression_metrics(target_values(values), output, mean)
        return {key: float(computed[key]) for key in (*HEADLINE, "baseline_mae")
                if computed.get(key) is not None}

    def fit_on_validation(self, output: np.ndarray | None, values: Sequence[str],
                          estimator: Any, spec: ProjectSpec,
                          calibration: str | None) -> ValidationFit:
        from textloop.measures.validation_fit import ValidationFit

        return ValidationFit()  # numbers: nothing to calibrate, no bands

    def describe_values(self, counts: Mapping[str, int]) -> str:
        """Stored targets in one line: how many, the mean and the range, instead of a row
        per distinct number."""
        if not counts:
            return "no targets"
        total = sum(counts.values())
        numbers = {float(value): n for value, n in counts.items()}
        mean = sum(v * n for v, n in numbers.items()) / total
        return (f"{total:,} targets, {len(numbers):,} distinct, mean {mean:.4g}, "
                f"range {min(numbers):.4g} to {max(numbers):.4g}")

    def intended_use(self, spec: ProjectSpec, goal_line: str) -> tuple[list[str], list[str]]:
        target = spec.target
        return [f"Predicts the number `{target.name}` from the `{spec.text_field}` field of "
                f"{spec.name}. {target.description} Goal: {goal_line}."], []


def parse_number(text: str) -> float | None:
    """The number a cell spells, or None (Python's ``1_000`` spelling is not a number here)."""
    if "_" in text:
        return None
    try:
        return float(text.strip())
    except ValueError:
        return None


def target_values(values: Sequence[str]) -> np.ndarray:
    """The stored canonical spellings (``"4.0"``) as floats."""
    import numpy as np

    return np.asarray([float(value) for value in values], dtype=np.float64)


def target_strata(values: np.ndarray, k: int = STRATA) -> list[int]:
    """Each value's quantile bin; ties share a bin, so fewer than ``k`` bins may be used."""
    import numpy as np

    if len(values) == 0:
        return []
    edges = np.unique(np.quantile(values, np.linspace(0, 1, k + 1)[1:-1]))
    bins = np.searchsorted(edges, values, side="right")
    return np.unique(bins, return_inverse=True)[1].tolist()  # numbered 0.. without gaps


REGRESSION = RegressionTask()
