"""``textloop synth evaluate BATCH``: does the batch make the model better on real data?

On one release, the project's model is trained with and without the batch's accepted items
(``ablation.py``; the release's own copies of them left out of the "without" arm) and scored
on the release's test split, which is always real (``release.synthetic``). The decision rule
(``synth.evaluate`` in textloop.yaml): accept only if no class loses more than
``max_class_f1_loss`` F1 and macro-F1 rises by at least ``min_macro_f1_delta`` (default
0.005, medians over seeds: a batch must help, not merely do no harm); otherwise hold the
batch back, saying which class or the macro-F1 failed and which setting held it. When
a class has too few test rows to show an effect, the rule reads cross-fitted deltas over all
real rows instead (``cross_fit.py``; ``synth.evaluate.evidence``), and says so. A span
project's batch is judged the same way on entity micro-F1 and F1 per type, on the test
split (``spans.py``). The result
and the decision are stored on the batch in one transaction, and an accepted batch's items
become records for the next release (``decisions.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.config import Project, SynthEvaluation
from textloop.errors import InvalidInputError, NotFoundError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.release import ReleaseData, load_release
from textloop.stages.release.synthetic import GENERATOR_KEY
from textloop.stages.runs.loading import model_inputs
from textloop.stages.select.cross_validate import build_estimator
from textloop.stages.synthesize.ablation import Comparison, Inputs, compare
from textloop.stages.synthesize.cross_fit import Pool, cross_compare, folds_possible
from textloop.stages.synthesize.decisions import (
    Decided,
    effective_status,
    record_text,
    sync_records,
)
from textloop.stages.synthesize.spans import QUICK_MODEL, compare_spans
from textloop.stages.versions.register import CHAMPION
from textloop.storage import Store, model_versions, runs, synth
from textloop.tasks import require_verb, task_for

DEFAULT_MODEL = "tfidf-lr"
DEFAULT_MODELS = {"spans": QUICK_MODEL}
"""Per kind of value, the model trained when neither the command, the settings nor a champion
names one (a span project's default model, its rules, would learn nothing from a batch)."""
EVALUATOR = "evaluation"
"""Who a decision taken by the rule is recorded as."""
SETTINGS = "synth.evaluate"
"""Where the rule's settings live in textloop.yaml (named in its reasons)."""


@dataclass(frozen=True)
class CrossFit:
    """Cross-fitted deltas over the release's real rows, with how they were made."""

    comparison: Comparison
    folds: int
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return {"folds": self.folds, "rows": self.rows, "seeds": self.comparison.seeds,
                "per_class": self.comparison.per_class, "macro_f1": self.comparison.macro_f1}


@dataclass
class Evaluation:
    batch_id: str
    release_id: str
    model: str
    items: int
    train_rows: int
    """Real (and earlier synthetic) train rows of the "without" arm."""
    comparison: Comparison
    """On the release's test split, always reported."""
    decision: str
    reason: str
    rule: dict[str, float]
    cross_fit: CrossFit | None = None
    """Set when the rule read cross-fitted deltas instead of the test split's."""

    @property
    def evidence(self) -> str:
        """What the rule read: ``test`` or ``cross-fit``."""
        return "test" if self.cross_fit is None else "cross-fit"

    @property
    def deciding(self) -> Comparison:
        """The deltas the decision was taken on."""
        return self.cross_fit.comparison if self.cross_fit else self.comparison

    def to_dict(self) -> dict[str, Any]:
        return {"release": self.release_id, "model": self.model, "items": self.items,
                "train_rows": self.train_rows,
                "seeds": self.comparison.seeds, "per_class": self.comparison.per_class,
                "macro_f1": self.comparison.macro_f1, "metric": self.comparison.metric,
                "rule": self.rule,
                "evidence": self.evidence,
                "cross_fit": self.cross_fit.to_dict() if self.cross_fit else None,
                "decision": self.decision, "reason": self.reason}


@dataclass(frozen=True)
class Arms:
    """Model inputs of one evaluation: the "without" arm's train rows, the batch, the
    validation and test splits, and the pool cross-fitting draws on."""

    train: Inputs
    extra: Inputs
    validation: Inputs
    test: Inputs
    pool: Pool


def evaluate_batch(store: Store, project: Project, ref: str = "latest", *,
                   release: str = "latest", seeds: int | None = None, model: str | None = None,
                   progress: Progress = NULL_PROGRESS) -> tuple[Evaluation, Decided]:
    """Train with and without the batch, apply the rule, store the result and decision."""
    require_verb(project, "synth", "textloop synth evaluate")
    settings = project.spec.synth.evaluate
    with store.read() as conn:
        batch = synth.get_batch(conn, ref)
        wanted = [i for i in synth.items(conn, batch["id"])
                  if effective_status(i) == synth.ITEM_ACCEPTED]
        model_name, params = model_choice(conn, model or settings.model,
                                          DEFAULT_MODELS.get(task_for(project).value_kind,
                                                             DEFAULT_MODEL))
    data = load_release(store, release)
    _check_release(data)
    full_name, estimator = build_estimator(project, model_name, params)
    arms = _inputs(store, estimator, data, wanted, progress)
    runs = seeds or settings.seeds
    if task_for(project).value_kind == "spans":
        evidence, why = span_evidence(settings)
        comparison = compare_spans(estimator, project, arms.train, arms.extra, arms.test,
                                   data.labels, runs, progress)
    else:
        evidence, why = choose_evidence(settings, arms.pool.real.y, arms.test.y)
        comparison = compare(estimator, project, arms.train, arms.extra, arms.validation,
                             arms.test, data.labels, runs, progress)
    crossed = None
    if evidence == "cross-fit":
        crossed = CrossFit(*cross_compare(estimator, project, arms.pool, data.labels, runs,
                                          progress), rows=len(arms.pool.real))
    decision, reason = judge(crossed.comparison if crossed else comparison, settings,
                             len(wanted))
    if why:
        reason = f"{reason}; {why}"
    result = Evaluation(batch["id"], data.id, full_name, len(wanted), len(arms.train),
                        comparison, decision, reason, _rule(settings), crossed)
    with store.write() as conn:
        synth.set_evaluation(conn, batch["id"], result.to_dict())
        synth.decide_batch(conn, batch["id"], decision, actor=EVALUATOR, reason=reason)
        decided = sync_records(conn, batch["id"], actor=EVALUATOR)
    return result, decided


def choose_evidence(settings: SynthEvaluation, real: Sequence[str], test: Sequence[str]
                    ) -> tuple[str, str]:
    """(``test`` or ``cross-fit``, why, when it is not what was configured or the plain
    test split)."""
    k = folds_possible(real)
    if settings.evidence == "cross-fit" and k < 2:
        raise InvalidInputError(
            "synth.evaluate.evidence is cross-fit, but a class has fewer than 2 real rows",
            hint="label more rows of every class, or set synth.evaluate.evidence to test")
    if settings.evidence != "auto":
        return settings.evidence, ""
    counts = Counter(test)
    fewest = min(sorted(set(real)), key=lambda label: counts[label])
    if counts[fewest] >= settings.min_test_rows:
        return "test", ""
    short = (f"the test split has {counts[fewest]} row(s) of {fewest!r}, fewer than "
             f"synth.evaluate.min_test_rows ({settings.min_test_rows})")
    if k < 2:
        return "test", f"{short}, and a class has under 2 real rows to cross-fit"
    return "cross-fit", f"judged on {len(real)} real rows cross-fitted: {short}"


def model_choice(conn: Any, name: str | None, default: str = DEFAULT_MODEL
                 ) -> tuple[str, dict[str, Any] | None]:
    """(model, params): the one named, else the champion's model with its parameters, else
    ``default`` (``tfidf-lr``; ``minilm-crf`` for spans)."""
    if name is not None:
        return name, None
    try:
        version = model_versions.get_version(conn, CHAMPION)
    except NotFoundError:
        return default, None
    config = runs.get(conn, version["run_id"])["config"]
    return config.get("model", default), config.get("params")


def span_evidence(settings: SynthEvaluation) -> tuple[str, str]:
    """Spans are judged on the test split: cross-fitting folds stratify by class."""
    if settings.evidence == "cross-fit":
        raise InvalidInputError(
            "synth.evaluate.evidence is cross-fit, which folds records by class: a span "
            "project's batch is judged on its release's test split",
            hint="set synth.evaluate.evidence to auto or test in textloop.yaml")
    return "test", ""


def _check_release(data: ReleaseData) -> None:
    if not len(data.test):
        raise InvalidInputError(f"release {data.id} has an empty test split: the batch cannot "
                                "be scored on real held-out data",
                                hint="release with a test fraction above 0 and evaluate again")


def _inputs(store: Store, estimator: Any, data: ReleaseData, items: Sequence[Mapping[str, Any]],
            progress: Progress) -> Arms:
    """The evaluation's model inputs, each text turned into model input once."""
    own = {record_text(item["text"])[2] for item in items}
    train = data.train
    keep = [i for i, rid in enumerate(train.ids) if rid not in own]

    def inputs(texts: Sequence[str], labels: Sequence[str]) -> Inputs:
        return Inputs(model_inputs(estimator, list(texts), store, progress), list(labels))

    kept = inputs([train.texts[i] for i in keep], [train.labels[i] for i in keep])
    extra = inputs([i["text"] for i in items], [i["label"] for i in items])
    validation = inputs(data.validation.texts, data.validation.labels)
    test = inputs(data.test.texts, data.test.labels)
    made = np.array([train.meta[i].get(GENERATOR_KEY) is not None for i in keep], dtype=bool)
    real = kept.take(np.flatnonzero(~made)).plus(validation).plus(test)
    real_ids = ([train.ids[i] for i, m in zip(keep, made, strict=True) if not m]
                + list(data.validation.ids) + list(data.test.ids))
    pool = Pool(real, real_ids, kept.take(np.flatnonzero(made)), extra,
                [frozenset(item["seed_ids"]) for item in items])
    return Arms(kept, extra, validation, test, pool)


def judge(comparison: Comparison, settings: SynthEvaluation, n_items: int) -> tuple[str, str]:
    """(decision, reason) by the rule in the module docstring. A batch must help, not merely
    do no harm: with the default ``min_macro_f1_delta`` (0.005) a macro-F1 change of +0.000
    holds it back, and so does a macro-F1 that could not be compared. Each part of the rule
    that failed is in the reason with the setting that holds it, so a user knows what to
    change to accept more (``min_macro_f1_delta: 0`` accepts batches that do no harm)."""
    if n_items == 0:
        return synth.HELD_BACK, "no item passed the gate: nothing to add"
    losses = [f"{label!r} loses {-entry['delta']:.3f} F1"
              for label, entry in comparison.per_class.items()
              if entry["delta"] is not None and -entry["delta"] > settings.max_class_f1_loss
              + 1e-9]
    problems = [f"{', '.join(losses)} (at most {settings.max_class_f1_loss:.3f} allowed: "
                f"{SETTINGS}.max_class_f1_loss)"] if losses else []
    macro, name = comparison.macro_f1.get("delta"), comparison.metric_name
    required = f"{settings.min_macro_f1_delta:+.3f} required"
    if macro is None:
        problems.append(f"{name} could not be compared, so no gain is shown ({required})")
    elif macro < settings.min_macro_f1_delta - 1e-9:
        problems.append(f"{name} changes by {macro:+.4f}, less than the {required} "
                        f"({SETTINGS}.min_macro_f1_delta; set it to 0 to accept batches "
                        "that do no harm)")
    if problems:
        return synth.HELD_BACK, "; ".join(problems)
    return synth.ACCEPTED, (f"{name} {macro:+.3f} (at least {required}), no class loses "
                            f"more than {settings.max_class_f1_loss:.3f} F1")


def _rule(settings: SynthEvaluation) -> dict[str, float]:
    return settings.model_dump(include={"max_class_f1_loss", "min_macro_f1_delta"})
