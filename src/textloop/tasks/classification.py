"""Classification: each record gets one label from the project's label set (or several, for
``multilabel``), and a model gives a probability per label."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textloop.config import CLASSIFICATION_METRICS
from textloop.errors import InvalidInputError
from textloop.tasks.base import ALL_VERBS, SPAN_ONLY_VERBS, BaseTask, ValueKind, ValueProblem

if TYPE_CHECKING:  # numpy loads when a model is scored: `textloop status` needs none
    import numpy as np

    from textloop.config import ProjectSpec
    from textloop.measures.validation_fit import ValidationFit

HEADLINE = ("accuracy", "macro_f1", "weighted_f1", "log_loss")


class ClassificationTask(BaseTask):
    name = "classification"
    value_kind: ValueKind = "label"
    default_model = "tfidf-lr"
    headline_metrics = HEADLINE
    default_goal = ("macro_f1", 0.9)
    summary_metrics = ("macro_f1", "accuracy")
    report_sections = ("summary", "per_class", "confusion", "calibration", "bands", "slices",
                       "fairness", "robustness", "errors", "training")
    prediction_fields = ("label", "probabilities", "band", "confidence")
    monitoring_checks = ("input_drift", "prediction_drift", "confidence", "oov",
                         "performance", "slices")
    monitored_reads = frozenset({"texts", "vectors", "categories", "confidence"})
    verbs = ALL_VERBS - SPAN_ONLY_VERBS

    goal_metrics = CLASSIFICATION_METRICS

    def check_value(self, value: str, spec: ProjectSpec, text: str = "") -> str:
        if value not in spec.label_names:
            raise ValueProblem(f"label {value!r} is not in textloop.yaml",
                               fix="add the label to textloop.yaml or fix the value")
        return value

    def check_train_labels(self, release_id: str, values: Sequence[str]) -> None:
        if len(set(values)) < 2:
            raise InvalidInputError(f"release {release_id}: the train split has fewer than two "
                                    "labels", hint="label more records (at least two classes) "
                                                   "and release again")

    def strata(self, values: Sequence[str], labels: Sequence[str]) -> tuple[list[int], int]:
        index = {label: i for i, label in enumerate(labels)}
        return [index[value] for value in values], len(labels)

    def model_output(self, estimator: Any, x: Any) -> np.ndarray:
        import numpy as np

        return np.asarray(estimator.predict_proba(x))

    def score(self, values: Sequence[str], output: np.ndarray, labels: Sequence[str], *,
              estimator: Any, reference: Sequence[str]) -> dict[str, float]:
        from textloop.measures.metrics import compute_metrics
        from textloop.measures.probabilities import align_proba

        proba = align_proba(output, list(estimator.classes_), labels)
        computed = compute_metrics(list(values), proba, labels)
        return {key: float(computed[key]) for key in HEADLINE if computed.get(key) is not None}

    def fit_on_validation(self, output: np.ndarray | None, values: Sequence[str],
                          estimator: Any, spec: ProjectSpec,
                          calibration: str | None) -> ValidationFit:
        from textloop.measures.validation_fit import fit_on_validation

        return fit_on_validation(output, values, list(estimator.classes_), spec, calibration)

    def describe_values(self, counts: Mapping[str, int]) -> str:
        if not counts:
            return "no labels"
        return ", ".join(f"{label} {n:,}" for label, n in counts.items())

    def intended_use(self, spec: ProjectSpec, goal_line: str) -> tuple[list[str], list[str]]:
        paragraphs = [f"Classifies the `{spec.text_field}` field of {spec.name} into one of "
                      f"{len(spec.labels)} labels. Goal: {goal_line}."]
        bands = ", ".join(f"{band} >= {t:g}" for band, t in spec.actions.bands.items())
        paragraphs.append(f"Action bands: {bands}, otherwise {spec.actions.default}.")
        bullets = [f"{label.name}: {label.description or '(no description)'}"
                   for label in spec.labels]
        return paragraphs, bullets


class MultilabelTask(ClassificationTask):
    """Several labels per record in the labeling queue; trained and scored as
    classification of each record's resolved label."""

    name = "multilabel"
    value_kind = "labels"


CLASSIFICATION = ClassificationTask()
MULTILABEL = MultilabelTask()
