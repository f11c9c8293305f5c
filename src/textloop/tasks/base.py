"""The Task contract: everything that depends on what a project predicts.

A project's ``task:`` (``textloop.yaml``) decides what an annotation value is, how a
release is stratified, which models may be trained, how a model's output is scored, which
metrics a goal may name, what a report shows, what ``predict``, ``serve`` and the prediction
log return, and which verbs and monitoring checks apply. Stage code asks the project's task
(``task_for(project)``) instead of branching on its name, so a new kind of task — spans over
the text, boxes over an image — is a new implementation of this protocol plus the stage
functions registered for it, not an edit of every verb (docs/architecture.md, "Tasks").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from textloop.errors import ConfigError, InvalidInputError
from textloop.models.tags import model_tags

if TYPE_CHECKING:
    from textloop.config import ProjectSpec
    from textloop.measures.validation_fit import ValidationFit

ValueKind = Literal["label", "labels", "number", "spans"]

ALL_VERBS = frozenset({
    "import", "crawl", "label", "suggest", "agreement", "rules", "clean", "review", "synth",
    "release", "train", "evaluate", "predict", "cv", "search", "learning-curve", "register",
    "promote", "rollback", "serve", "monitor", "export", "simulate-al", "preannotate",
    "publish"})
"""The verbs of the loop, as the CLI names them."""

TABLE_EXPORTS: Mapping[str, str] = MappingProxyType({
    "jsonl": "table-jsonl", "csv": "table-csv", "parquet": "table-parquet", "hf": "table-hf",
    "tfrecord": "table-tfrecord"})
"""``textloop export release`` for one value per record (a label, several, a number): the
format a user names -> the writer in ``stages/export`` that makes it."""

SPAN_ONLY_VERBS = frozenset({"preannotate"})
"""Verbs that only mean something for spans (pre-filling suggested spans)."""


class ValueProblem(ValueError):
    """An annotation value the task cannot store, with how to fix it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


@runtime_checkable
class Task(Protocol):
    """What a task type decides. Implementations are stateless singletons."""

    @property
    def name(self) -> str:
        """The ``task:`` value in ``textloop.yaml``."""
        ...

    @property
    def value_kind(self) -> ValueKind:
        """What one annotation holds: one label, several labels, or a number."""
        ...

    @property
    def default_model(self) -> str | None:
        """The model ``textloop train`` uses when none is named (None: the task has no
        trainable model yet, and ``train`` is not among its verbs)."""
        ...

    @property
    def headline_metrics(self) -> tuple[str, ...]:
        """Metrics logged per split for every run (``val/...``, ``test/...``)."""
        ...

    @property
    def goal_metrics(self) -> tuple[str, ...]:
        """Metrics a ``goal:`` may name."""
        ...

    @property
    def default_goal(self) -> tuple[str, float]:
        """The goal ``textloop init`` writes when none is given: (metric, target)."""
        ...

    @property
    def summary_metrics(self) -> tuple[str, ...]:
        """The test metrics ``textloop status`` shows per run."""
        ...

    @property
    def report_sections(self) -> tuple[str, ...]:
        """The sections of ``textloop evaluate``'s report, in order."""
        ...

    @property
    def prediction_fields(self) -> tuple[str, ...]:
        """The fields of one prediction in ``predict``, ``serve`` and the prediction log."""
        ...

    @property
    def serving_route(self) -> str:
        """The route ``textloop serve`` answers this task's predictions on (``/v1/classify``
        for labels and numbers, ``/v1/extract`` for spans); the other one refuses, naming
        it."""
        ...

    @property
    def monitoring_checks(self) -> tuple[str, ...]:
        """The checks ``textloop monitor`` runs for this task (empty: monitor refuses it)."""
        ...

    @property
    def monitored_reads(self) -> frozenset[str]:
        """What this task's monitored sides hold, as a drift detector's ``reads`` tag names
        it (``texts``, ``vectors``, ``categories``, ``confidence``, ``spans``): ``textloop
        monitor`` runs the enabled detectors that read one of them and skips the others."""
        ...

    @property
    def verbs(self) -> frozenset[str]:
        """The verbs that work on this task."""
        ...

    @property
    def export_formats(self) -> Mapping[str, str]:
        """The formats ``textloop export release`` writes this task's releases in: the name a
        user types -> the writer that makes it (``stages/export``'s table or span writers)."""
        ...


    def require(self, verb: str, project_name: str, action: str | None = None) -> None:
        """Raise a ConfigError naming ``action`` when ``verb`` does not apply to this task."""
        ...

    def allowed_models(self) -> list[str]:
        """Short names of the registered models that fit this task."""
        ...

    def check_model(self, estimator: Any, name: str) -> None:
        """Refuse an estimator built for another task, saying which models fit."""
        ...

    def check_value(self, value: str, spec: ProjectSpec, text: str = "") -> str:
        """The canonical stored form of one annotation value of the record whose text is
        ``text``, or ValueProblem."""
        ...

    def model_for(self, spec: ProjectSpec) -> str:
        """The model ``textloop train`` uses when none is named, or a ConfigError saying what
        the project lacks for it."""
        ...

    def check_train_labels(self, release_id: str, values: Sequence[str]) -> None:
        """Refuse a train split the task's models cannot learn from."""
        ...

    def targets(self, values: Sequence[str]) -> Sequence[Any]:
        """What a model's ``fit`` takes as ``y`` for these stored values: the values
        themselves, or decoded (a list of spans per record)."""
        ...

    def strata(self, values: Sequence[str], labels: Sequence[str]) -> tuple[list[int], int]:
        """(stratum of each record, number of strata) for splitting a release."""
        ...

    def model_output(self, estimator: Any, x: Any) -> Any:
        """What the fitted model gives for inputs ``x``: class probabilities (model column
        order), numbers (arrays), or the scored spans of each text."""
        ...

    def served_output(self, loaded: Any, x: Any) -> Any:
        """What serving answers for inputs ``x`` with a loaded run (``stages.runs.loading.
        LoadedRun``): calibrated probabilities, numbers, or scored spans. Promotion times
        this call for its latency rule, so each task says what one prediction is."""
        ...

    def score(self, values: Sequence[str], output: Any, labels: Sequence[str], *,
              estimator: Any, reference: Sequence[str]) -> dict[str, float]:
        """Headline metrics of ``output`` against the stored ``values``. ``reference`` is the
        train split's values (a regression scores against its mean)."""
        ...

    def fit_on_validation(self, output: Any, values: Sequence[str],
                          estimator: Any, spec: ProjectSpec,
                          calibration: str | None) -> ValidationFit:
        """What is fitted on the validation split after training (calibration, bands, span
        thresholds); ``output`` is ``model_output``'s, or None without a validation split."""
        ...

    def tally(self, values: Iterable[str], labels: Sequence[str]) -> dict[str, int]:
        """What ``textloop status`` counts: records per label (the project's labels first),
        per value, or spans per label."""
        ...

    def describe_values(self, counts: Mapping[str, int]) -> str:
        """A ``tally`` in one line, for ``textloop status`` and import summaries."""
        ...

    @property
    def estimates_ties(self) -> bool:
        """Whether a Dawid-Skene estimate may settle people's tied answers (``labeling.policy``
        step ``dawid_skene``): it needs one value per record from a small fixed set."""
        ...

    def majority(self, answers: Mapping[str, str]) -> tuple[str, str] | None:
        """(value, reason) that people's answers (annotator -> stored value) settle by
        majority for ``labeling.policy`` step ``majority``; None for a tie."""
        ...

    def intended_use(self, spec: ProjectSpec, goal_line: str) -> tuple[list[str], list[str]]:
        """(paragraphs, bullets) of the model card's "Intended use" section."""
        ...


class BaseTask:
    """Behaviour shared by the built-in tasks: verb and model checks."""

    name: str
    value_kind: ValueKind
    default_model: str | None
    model_task: str = "classification"
    """The ``task`` models declare when they fit this task."""
    headline_metrics: tuple[str, ...]
    goal_metrics: tuple[str, ...]
    default_goal: tuple[str, float]
    summary_metrics: tuple[str, ...]
    report_sections: tuple[str, ...]
    prediction_fields: tuple[str, ...]
    serving_route: str = "/v1/classify"
    monitored_reads: frozenset[str] = frozenset()
    verbs: frozenset[str]
    export_formats: Mapping[str, str] = TABLE_EXPORTS

    def require(self, verb: str, project_name: str, action: str | None = None) -> None:
        if verb in self.verbs:
            return
        supported = [v for v in _SAID if v in self.verbs]
        listed = ", ".join(supported[:-1]) + f" and {supported[-1]}" if supported else "none"
        raise ConfigError(f"{action or 'textloop ' + verb} works on "
                          f"{_which_tasks(verb)} projects; {project_name} is "
                          f"a {self.name} project (task: {self.name} in textloop.yaml)",
                          hint=f"{self.name} projects support {listed}")

    def allowed_models(self) -> list[str]:
        from textloop.models.classifiers import model_names, model_task

        return [name for name in model_names() if model_task(name) == self.model_task]

    def check_model(self, estimator: Any, name: str) -> None:
        kind = model_tags(estimator).task
        if kind == self.model_task:
            return
        raise InvalidInputError(f"model {name} is a {kind} model, but this project's task is "
                                f"{self.name}",
                                hint=f"use a {self.model_task} model: "
                                     f"{', '.join(self.allowed_models())}")

    def supports(self, verb: str) -> bool:
        return verb in self.verbs

    def model_for(self, spec: ProjectSpec) -> str:
        if self.default_model is None:
            raise ConfigError(f"{self.name} projects have no model to train yet")
        return self.default_model

    def targets(self, values: Sequence[str]) -> Sequence[Any]:
        return values

    def served_output(self, loaded: Any, x: Any) -> Any:
        return loaded.served(x)

    estimates_ties = True

    def majority(self, answers: Mapping[str, str]) -> tuple[str, str] | None:
        return value_majority(answers)

    def tally(self, values: Iterable[str], labels: Sequence[str]) -> dict[str, int]:
        counted = Counter(values)
        ordered = {name: counted.get(name, 0) for name in labels}
        return ordered | {k: v for k, v in counted.items() if k not in ordered}


def value_majority(answers: Mapping[str, str]) -> tuple[str, str] | None:
    """The value more annotators gave than any other (a single answer wins), and why; None
    for a tie. Values compare as stored, so it suits any task whose value is one thing."""
    counts = Counter(answers.values()).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return None
    value, n = counts[0]
    who = ", ".join(sorted(a for a, given in answers.items() if given == value))
    return value, (f"labeled by {who}" if len(answers) == 1
                   else f"majority {n} of {len(answers)} ({who})")


_SAID = ("import", "label", "suggest", "agreement", "rules", "release", "train", "evaluate",
         "predict", "register", "promote")
"""The verbs a refusal lists as supported (the main path, not every command), in loop order."""


def _which_tasks(verb: str) -> str:
    from textloop.tasks.lookup import all_tasks

    return " and ".join(sorted({t.name for t in all_tasks() if verb in t.verbs}
                               - {"multilabel"}))
