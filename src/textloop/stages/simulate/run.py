"""``simulate_al``: active learning on a labeled file, its labels playing the annotator.

Answers "how many labels would each strategy have needed on data like mine?" before anyone
labels: learning curves per strategy and seed, the labels each needs to reach 95% and 98%
of the full-data macro-F1, and the ratio to random sampling. See docs/active-learning.md.
"""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from threadpoolctl import threadpool_limits

from textloop.errors import InvalidInputError
from textloop.models.embedders import Embedder, EmbeddingCache, get_embedder
from textloop.progress import NULL_PROGRESS, Progress, Task
from textloop.stages.simulate.data import read_labeled
from textloop.stages.simulate.features import EMBEDDER, embed_texts
from textloop.stages.simulate.figure import write_figure
from textloop.stages.simulate.learner import C
from textloop.stages.simulate.loop import Curve, Session, run_session
from textloop.stages.simulate.outputs import (
    curves_document,
    metric_name,
    savings_document,
    write_json,
    write_markdown,
)
from textloop.stages.simulate.savings import BASELINE, SavingsRow, savings_rows, verdict
from textloop.stages.simulate.sessions import STOP_SET, build_session, reference_scores
from textloop.stages.simulate.splits import Split, check_split, split_rows
from textloop.strategies.query import QueryStrategy, get_strategy
from textloop.types import Jsonable

S = TypeVar("S")
"""A seed's session: text features or spans."""

DEFAULT_STRATEGIES = ("random", "default")
DEFAULT_SPAN_STRATEGIES = ("random", "span-default")


@dataclass
class SimulationResult(Jsonable):
    out_dir: Path
    curves_json: Path
    figure_png: Path
    savings_json: Path
    savings_table: Path
    """savings.md: the table as Markdown, followed by the verdict."""
    rows: list[SavingsRow]
    reference_score: float
    """Median over seeds of the full-data model's score (``metric``)."""
    budget: int
    verdict: str
    seconds: float
    settings: dict[str, Any] = field(default_factory=dict)
    metric: str = "macro_f1"
    """What the curves score: ``macro_f1`` (labels), ``entity_micro_f1`` (span files)."""

    @property
    def reference_macro_f1(self) -> float:
        """The reference score by its classification name (the older attribute)."""
        return self.reference_score


@dataclass(frozen=True)
class Plan:
    """What to simulate; ``strategies`` maps each name as given to its registered strategy."""

    strategies: dict[str, tuple[str, QueryStrategy]]
    seeds: int
    budget: int
    batch: int
    initial: int
    schedule: tuple[int, ...] = ()
    """Labels after each round, when given (``--schedule 50,100,200``): a growing batch.
    Span files only, whose fits cost seconds to minutes each."""

    @classmethod
    def make(cls, names: Sequence[str], seeds: int, budget: int, batch: int,
             initial: int | None, schedule: Sequence[int] = ()) -> Plan:
        """Check the settings and resolve the names (random is added: it is the baseline).
        A ``schedule`` sets the first batch and the budget (its first and last counts)."""
        if schedule:
            steps = [int(n) for n in schedule]
            if steps[0] < 1 or any(b <= a for a, b in itertools.pairwise(steps)):
                raise InvalidInputError(
                    f"--schedule {','.join(map(str, steps))} must be increasing label counts "
                    "from 1 up", hint="e.g. --schedule 50,100,200,400,800")
            initial, budget = steps[0], steps[-1]
        wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
        if not wanted:
            raise InvalidInputError("no strategy given (found an empty list)",
                                    hint="pass e.g. --strategy random,default,margin")
        if BASELINE not in wanted:
            wanted.insert(0, BASELINE)
        start = batch if initial is None else initial
        for value, what in ((seeds, "--seeds"), (batch, "--batch"), (start, "--initial")):
            if value < 1:
                raise InvalidInputError(f"{what} must be at least 1 (found {value})",
                                        hint=f"pass {what} 1 or more")
        if budget < start:
            raise InvalidInputError(f"--budget {budget} is below the first batch ({start})",
                                    hint="raise --budget or lower --initial")
        return cls({n: get_strategy(n) for n in wanted}, seeds, budget, batch, start,
                   tuple(int(n) for n in schedule))

    @property
    def rounds(self) -> int:
        return len(self.sizes())

    def sizes(self) -> list[int]:
        """Labels after each round: the schedule, else ``initial``, then ``batch`` more
        each round up to ``budget``."""
        if self.schedule:
            return list(self.schedule)
        return [*range(self.initial, self.budget, self.batch), self.budget]


def simulate_al(path: Path, *, strategies: Sequence[str] | None = None, seeds: int = 5,
                budget: int = 1000, batch: int = 50, initial: int | None = None,
                text_col: str | None = None, label_col: str | None = None,
                out_dir: Path = Path("simulation"), progress: Progress = NULL_PROGRESS,
                embedder: Embedder | None = None, cache: EmbeddingCache | None = None,
                fmt: str | None = None, schedule: Sequence[int] = ()) -> SimulationResult:
    """Simulate active learning on a labeled file; writes its results into ``out_dir``.

    A span file (``fmt``, else detected: ``span_data.span_format``) runs the span simulation
    (``span_run``), by default with random and ``span-default``; ``schedule`` (label counts
    after each round) is for span files. ``embedder`` and ``cache`` default to MiniLM (int8)
    and the persistent user cache.
    """
    from textloop.stages.simulate.span_data import span_format

    spans_fmt = span_format(Path(path), fmt)
    if spans_fmt is not None:
        from textloop.stages.simulate.span_run import simulate_span_file

        plan = Plan.make(strategies or DEFAULT_SPAN_STRATEGIES, seeds, budget, batch, initial,
                         schedule)
        return simulate_span_file(Path(path), spans_fmt, plan, out_dir=out_dir,
                                  progress=progress, embedder=embedder, cache=cache)
    if schedule:
        raise InvalidInputError("--schedule is for span files (their fits are slow enough to "
                                "want a growing batch)", hint="use --batch for labeled rows")
    plan = Plan.make(strategies or DEFAULT_STRATEGIES, seeds, budget, batch, initial)
    data = read_labeled(Path(path), text_col=text_col, label_col=label_col, progress=progress,
                        fmt=fmt)
    model = embedder or get_embedder(EMBEDDER)
    X = embed_texts(data.texts, embedder=model, cache=cache, progress=progress)
    source = {"path": str(Path(path).resolve()), "sha256": data.sha256,
              "rows_read": data.rows_read, "rows_used": len(data.texts),
              "rows_invalid": data.skipped, "rows_unlabeled": data.unlabeled,
              "rows_repeated": data.repeated, "embedder": model.model_id,
              "title": Path(path).name}
    return simulate_vectors(X, data.labels, data.is_test, plan, out_dir=out_dir,
                            progress=progress, source=source)


def simulate_vectors(X: np.ndarray, labels: Sequence[str], is_test: np.ndarray | None,
                     plan: Plan, *, out_dir: Path, progress: Progress = NULL_PROGRESS,
                     source: dict[str, Any] | None = None) -> SimulationResult:
    """The simulation on given features (L2-normalized rows) and labels; see ``simulate_al``."""
    started = time.perf_counter()
    classes, y = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    _check_data(classes, y, is_test, plan)
    curves: dict[str, list[Curve]] = {name: [] for name in plan.strategies}
    first_split = split_rows(y, is_test, 0)
    total = len(plan.strategies) * plan.seeds * plan.rounds
    # one BLAS thread: the fits are small, and threaded BLAS on them is slower, up to 15x
    # slower when the cores are shared with other work
    with progress.task("Simulating active learning", total=total) as task, \
            threadpool_limits(limits=1, user_api="blas"):
        reference = run_seeds(
            plan, y, is_test, first_split,
            lambda split, seed: build_session(X, y, classes, split, seed, plan.initial),
            reference_scores, lambda session, seed: _run_seed(plan, session, seed, curves, task))
    settings = _settings(plan, source or {}, classes, first_split, is_test)
    return write_outputs(out_dir, curves, reference, settings, plan,
                         time.perf_counter() - started)


def run_seeds(plan: Plan, strata: np.ndarray, is_test: np.ndarray | None, first_split: Split,
              session_for: Callable[[Split, int], S],
              reference_for: Callable[[S], dict[str, float]],
              run_seed: Callable[[S, int], None]) -> dict[int, dict[str, float]]:
    """Each seed's split (seed 0's is given: the settings describe it), session, full-data
    reference and strategy sessions, for text and span files alike; the reference per seed.

    A file with its own test split gives every seed the same test set, so the reference is
    computed once; otherwise each seed's split has its own."""
    reference: dict[int, dict[str, float]] = {}
    for seed in range(plan.seeds):
        split = first_split if seed == 0 else split_rows(strata, is_test, seed)
        session = session_for(split, seed)
        fixed = is_test is not None and seed > 0
        reference[seed] = reference[0] if fixed else reference_for(session)
        run_seed(session, seed)
    return reference


def _check_data(classes: np.ndarray, y: np.ndarray, is_test: np.ndarray | None,
                plan: Plan) -> None:
    if classes.shape[0] < 2:
        raise InvalidInputError(f"the data has {classes.shape[0]} label(s) (expected at least 2)",
                                hint="check --label-col")
    check_split(y, is_test, plan.budget, "labeled rows")


def _run_seed(plan: Plan, session: Session, seed: int, curves: dict[str, list[Curve]],
              task: Task) -> None:
    for name, (_, strategy) in plan.strategies.items():
        rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
        curves[name].append(run_session(name, strategy, session, seed, budget=plan.budget,
                                        batch=plan.batch, rng=rng, on_round=task.advance))


def _settings(plan: Plan, source: dict[str, Any], classes: np.ndarray, split: Split,
              is_test: np.ndarray | None) -> dict[str, Any]:
    return {"data": source, "classes": len(classes),
            "strategies": {name: full for name, (full, _) in plan.strategies.items()},
            "seeds": list(range(plan.seeds)), "budget": plan.budget, "batch": plan.batch,
            "initial": plan.initial, "pool": int(split.pool.shape[0]),
            "test": int(split.test.shape[0]),
            "test_set": "the file's test split" if is_test is not None
                        else "stratified 20% per seed",
            "model": f"logistic regression on embeddings, C={C:g} (as embed-lr)",
            "first_batch": "random sampling: random; every other strategy: the seed's "
                           "cold-start batch",
            "stopping": {"method": "stabilizing predictions", "stop_set": STOP_SET,
                         "window": 3, "kappa": 0.99}}


def write_outputs(out_dir: Path, curves: dict[str, list[Curve]],
                  reference: dict[int, dict[str, float]], settings: dict[str, Any], plan: Plan,
                  seconds: float, metric: str = "macro_f1") -> SimulationResult:
    """curves.json, learning_curves.png, savings.json and savings.md for ``metric``
    (a key of each seed's ``reference`` scores), and the result naming them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ref_f1 = {seed: scores[metric] for seed, scores in reference.items()}
    median_f1 = float(np.median(list(ref_f1.values())))
    rows = savings_rows(curves, ref_f1, plan.budget)
    sentence = verdict(rows, median_f1, plan.budget, metric_name(metric))
    settings = {**settings, "seconds": round(seconds, 2)}
    title = f"{settings['data'].get('title', 'simulation')}: {plan.seeds} seed(s)"
    return SimulationResult(
        out_dir=out_dir,
        curves_json=write_json(out_dir / "curves.json",
                               curves_document(curves, reference, settings)),
        figure_png=write_figure(out_dir / "learning_curves.png", curves, median_f1, title,
                                metric_name(metric), {r.strategy: r.plateau_at for r in rows}),
        savings_json=write_json(out_dir / "savings.json",
                                savings_document(rows, median_f1, sentence, settings, metric)),
        savings_table=write_markdown(out_dir / "savings.md", rows, sentence, plan.budget,
                                     metric_name(metric)),
        rows=rows, reference_score=median_f1, budget=plan.budget, verdict=sentence,
        seconds=seconds, settings=settings, metric=metric)
