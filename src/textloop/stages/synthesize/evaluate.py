"""``textloop synth evaluate BATCH``: does the batch make the model better on real data?

On one release, the project's model is trained with and without the batch's accepted items
(``ablation.py``; the release's own copies of them left out of the "without" arm) and scored
on the release's test split, which is always real (``release.synthetic``). The decision rule
(``synth.evaluate`` in textloop.yaml): accept only if no class loses more than
``max_class_f1_loss`` F1 and macro-F1 changes by at least ``min_macro_f1_delta`` (medians
over seeds); otherwise hold the batch back, saying which class or the macro-F1 failed. The
result and the decision are stored on the batch in one transaction, and an accepted batch's
items become records for the next release (``decisions.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from textloop.config import Project, SynthEvaluation
from textloop.errors import InvalidInputError, NotFoundError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.cross_validate import build_estimator
from textloop.stages.modeling import model_inputs
from textloop.stages.registry import CHAMPION
from textloop.stages.release import ReleaseData, load_release
from textloop.stages.synthesize.ablation import Comparison, Inputs, compare
from textloop.stages.synthesize.decisions import (
    Decided,
    effective_status,
    record_text,
    sync_records,
)
from textloop.stages.task_support import require_classification
from textloop.storage import Store, registry, runs, synth

DEFAULT_MODEL = "tfidf-lr"
EVALUATOR = "evaluation"
"""Who a decision taken by the rule is recorded as."""


@dataclass
class Evaluation:
    batch_id: str
    release_id: str
    model: str
    items: int
    train_rows: int
    """Real (and earlier synthetic) train rows of the "without" arm."""
    comparison: Comparison
    decision: str
    reason: str
    rule: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"release": self.release_id, "model": self.model, "items": self.items,
                "train_rows": self.train_rows,
                "seeds": self.comparison.seeds, "per_class": self.comparison.per_class,
                "macro_f1": self.comparison.macro_f1, "rule": self.rule,
                "decision": self.decision, "reason": self.reason}


def evaluate_batch(store: Store, project: Project, ref: str = "latest", *,
                   release: str = "latest", seeds: int | None = None, model: str | None = None,
                   progress: Progress = NULL_PROGRESS) -> tuple[Evaluation, Decided]:
    """Train with and without the batch, apply the rule, store the result and decision."""
    require_classification(project, "textloop synth evaluate")
    settings = project.spec.synth.evaluate
    with store.read() as conn:
        batch = synth.get_batch(conn, ref)
        wanted = [i for i in synth.items(conn, batch["id"])
                  if effective_status(i) == synth.ITEM_ACCEPTED]
        model_name, params = model_choice(conn, model or settings.model)
    data = load_release(store, release)
    _check_release(data)
    full_name, estimator = build_estimator(project, model_name, params)
    train, extra, validation, test = _inputs(store, estimator, data, wanted, progress)
    comparison = compare(estimator, project, train, extra, validation, test, data.labels,
                         seeds or settings.seeds, progress)
    decision, reason = judge(comparison, settings, len(wanted))
    result = Evaluation(batch["id"], data.id, full_name, len(wanted), len(train), comparison,
                        decision, reason, _rule(settings))
    with store.write() as conn:
        synth.set_evaluation(conn, batch["id"], result.to_dict())
        synth.decide_batch(conn, batch["id"], decision, actor=EVALUATOR, reason=reason)
        decided = sync_records(conn, batch["id"], actor=EVALUATOR)
    return result, decided


def model_choice(conn: Any, name: str | None) -> tuple[str, dict[str, Any] | None]:
    """(model, params): the one named, else the champion's model with its parameters, else
    ``tfidf-lr``."""
    if name is not None:
        return name, None
    try:
        version = registry.get_version(conn, CHAMPION)
    except NotFoundError:
        return DEFAULT_MODEL, None
    config = runs.get(conn, version["run_id"])["config"]
    return config.get("model", DEFAULT_MODEL), config.get("params")


def _check_release(data: ReleaseData) -> None:
    if not len(data.test):
        raise InvalidInputError(f"release {data.id} has an empty test split: the batch cannot "
                                "be scored on real held-out data",
                                hint="release with a test fraction above 0 and evaluate again")


def _inputs(store: Store, estimator: Any, data: ReleaseData, items: Sequence[Mapping[str, Any]],
            progress: Progress) -> tuple[Inputs, Inputs, Inputs, Inputs]:
    """(train without the batch, the batch's items, validation, test) as model inputs."""
    own = {record_text(item["text"])[2] for item in items}
    train = data.train
    keep = [i for i, rid in enumerate(train.ids) if rid not in own]

    def inputs(texts: Sequence[str], labels: Sequence[str]) -> Inputs:
        return Inputs(model_inputs(estimator, list(texts), store, progress), list(labels))

    return (inputs([train.texts[i] for i in keep], [train.labels[i] for i in keep]),
            inputs([i["text"] for i in items], [i["label"] for i in items]),
            inputs(data.validation.texts, data.validation.labels),
            inputs(data.test.texts, data.test.labels))


def judge(comparison: Comparison, settings: SynthEvaluation, n_items: int) -> tuple[str, str]:
    """(decision, reason) by the rule in the module docstring."""
    if n_items == 0:
        return synth.HELD_BACK, "no item passed the gate: nothing to add"
    losses = [f"{label!r} loses {-entry['delta']:.3f} F1"
              for label, entry in comparison.per_class.items()
              if entry["delta"] is not None and -entry["delta"] > settings.max_class_f1_loss
              + 1e-9]
    problems = [f"{', '.join(losses)} (at most {settings.max_class_f1_loss:.3f} allowed)"
                ] if losses else []
    macro = comparison.macro_f1.get("delta")
    if macro is not None and macro < settings.min_macro_f1_delta - 1e-9:
        problems.append(f"macro-F1 changes by {macro:+.4f} (at least "
                        f"{settings.min_macro_f1_delta:+.3f} required)")
    if problems:
        return synth.HELD_BACK, "; ".join(problems)
    shown = "n/a" if macro is None else f"{macro:+.3f}"
    return synth.ACCEPTED, (f"macro-F1 {shown}, no class loses more than "
                            f"{settings.max_class_f1_loss:.3f} F1")


def _rule(settings: SynthEvaluation) -> dict[str, float]:
    return settings.model_dump(include={"max_class_f1_loss", "min_macro_f1_delta"})
