"""What the gate reads texts with: the store's embedder, and a label scorer.

The scorer that checks a candidate's label is, in order of preference: the LLM judge when
``synth.judge`` is on (an independent reader), the champion model with its calibrated
probabilities (what the project already trusts), or else a tf-idf logistic regression fitted
on the real labeled records outside the test split (cheap, and enough to catch a text that
plainly belongs to another class). Embeddings come through the store's cache, so texts
embedded by ``textloop clean`` or a model are not embedded again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textloop.config import Project
from textloop.errors import NotFoundError
from textloop.models.classifiers import make_model
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.inputs import embed_texts
from textloop.stages.runs.loading import load_run, model_inputs
from textloop.stages.synthesize.gate import Embed, LabelScorer
from textloop.stages.synthesize.pool import RealPool
from textloop.stages.versions.register import CHAMPION
from textloop.storage import Store, model_versions
from textloop.strategies.synth.judge import make_judge

QUICK_MODEL = "tfidf-lr"


@dataclass(frozen=True)
class Scorer:
    score: LabelScorer | None
    description: str


def store_embedder(store: Store, progress: Progress = NULL_PROGRESS,
                   language: str | None = None) -> Embed:
    """The embedder of the project's ``language`` (``default_embedder``) through the store's
    cache."""
    def embed(texts: Sequence[str]) -> np.ndarray:
        return embed_texts(store, list(texts), progress, language)

    return embed


def make_scorer(store: Store, project: Project, pool: RealPool,
                progress: Progress = NULL_PROGRESS) -> Scorer:
    """The label scorer by the module's order of preference."""
    synth = project.spec.synth
    if synth.judge:
        return _judge(project)
    try:
        with store.read() as conn:
            version = model_versions.get_version(conn, CHAMPION)
    except NotFoundError:
        return _quick(pool, project.spec.language, progress)
    loaded = load_run(store, version["run_id"])
    classes = [str(c) for c in loaded.model.classes_]

    def champion(texts: Sequence[str]) -> tuple[Sequence[str], np.ndarray]:
        return classes, loaded.served(model_inputs(loaded.model, list(texts), store, progress))

    return Scorer(champion, f"champion {version['name']} ({version['run_name']})")


def _judge(project: Project) -> Scorer:
    judge = make_judge(**project.spec.synth.judge_options)
    labels = {label.name: label.description for label in project.spec.labels}

    def ask(texts: Sequence[str]) -> tuple[Sequence[str], np.ndarray]:
        found = judge.judge(list(texts), labels)
        return found.labels, found.probabilities

    return Scorer(ask, f"LLM judge {judge.name}")


def _quick(pool: RealPool, language: str | None, progress: Progress) -> Scorer:
    """tf-idf + logistic regression (featurized for the project's ``language``, as training
    would) on the real records outside the test split; no scorer when they hold fewer than
    two labels."""
    rows = [r for r in pool.records if r.id not in pool.test_ids]
    if len({r.label for r in rows}) < 2:
        return Scorer(None, "none: fewer than two labels among the real records")
    full_name, model = make_model(QUICK_MODEL, language=language)
    with progress.task(f"Fitting {QUICK_MODEL} on {len(rows):,} real records to check labels"):
        model.fit([r.text for r in rows], [r.label for r in rows])
    classes = [str(c) for c in model.classes_]

    def quick(texts: Sequence[str]) -> tuple[Sequence[str], np.ndarray]:
        return classes, model.predict_proba(list(texts))

    return Scorer(quick, f"{full_name} fitted on {len(rows):,} real records")
