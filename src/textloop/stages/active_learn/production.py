"""``textloop suggest --from production``: the loop back from serving to labeling.

Production rows worth a person's label come in three kinds: *disputed* (feedback gave a
label other than the prediction: the model is wrong there), *drifted* (named by the latest
monitor report's alerts: text unlike training) and *uncertain* (lowest margin between the
two most probable labels, on the logged calibrated probabilities). The kinds are taken in
turn, so a batch mixes them and one kind running short leaves room to the others.

What a row's dispute and uncertainty are is the project's task's to say (``reading_for``):
on a span project a row is disputed when the corrected spans of its feedback differ from the
spans served, drifted when a span check's alert names it (new entity strings, a type's rate
...), and uncertain by its lowest span score (low-confidence spans first). A span row's
served spans go to the labeling page as the served model's suggestions (the
``model_span_suggestions`` cache ``preannotate --source model`` fills), so the annotator
starts from what production answered.

Each picked row becomes a record with production provenance (``source_ref`` names the
request), or reuses the record already holding its text; a record already queued at any
time, or labeled by a person, is not queued again, so running the command twice queues
nothing new. The queue item's ``strategy`` says why it was picked and from which request.
Only texts the server logged can be labeled: with ``serving.log_texts: hash`` or ``none``
nothing can be queued, and the command says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import singledispatch
from itertools import zip_longest
from typing import Any

from sqlalchemy import Connection

from textloop.config import Project
from textloop.errors import InvalidInputError, NotFoundError
from textloop.spans import Span, decode_spans
from textloop.stages.active_learn.data import TRUSTED
from textloop.stages.label.resolution import labels_for
from textloop.stages.label.span_suggestions import MODEL_SOURCE
from textloop.stages.serving.feedback import record_of_prediction
from textloop.storage import Store, model_suggestions, monitoring, queue, runs
from textloop.strategies.span_suggest import SuggestedSpan, to_cache
from textloop.tasks import SpanTask, Task, require_verb, task_for
from textloop.texts import record_id
from textloop.types import plain

DISPUTED, DRIFTED, UNCERTAIN = "disputed", "drifted", "uncertain"
KINDS = (DISPUTED, DRIFTED, UNCERTAIN)
STRATEGY = queue.PRODUCTION_STRATEGY
STRATEGY_CHARS = 200  # the width of ``queue_items.strategy``

Key = tuple[str, int]


@dataclass
class ProductionPick:
    record_id: str
    request_id: str
    idx: int
    kind: str
    """The kind whose turn picked the row."""
    reasons: dict[str, str]
    """Kind -> what made the row that kind (``{"uncertain": "margin 0.03"}``)."""

    @property
    def why(self) -> str:
        """The queue item's ``strategy``: the request, the reason it was picked for, then
        the other disputed or drifted reasons (every row has *some* margin: that one is only
        news when it picked the row)."""
        kinds = [self.kind, *(k for k in self.reasons if k not in (self.kind, UNCERTAIN))]
        reasons = "; ".join(f"{kind} ({self.reasons[kind]})" for kind in kinds)
        return f"{STRATEGY} {self.request_id}/{self.idx}: {reasons}"[:STRATEGY_CHARS]


@dataclass
class ProductionSuggestResult:
    batch_id: str
    rows_read: int
    report_id: str | None
    """The monitor report whose alerts named the drifted rows (None: no report yet)."""
    picks: list[ProductionPick] = field(default_factory=list)
    skipped: int = 0
    """Candidates already queued before or labeled by a person."""

    @property
    def queued(self) -> int:
        return len(self.picks)

    def count(self, kind: str) -> int:
        return sum(pick.kind == kind for pick in self.picks)

    def to_dict(self) -> dict[str, Any]:
        """The rows read and queued (with why each was picked), and how many were queued for
        each kind, JSON-ready."""
        return {**plain(self), "queued": self.queued,
                "counts": {kind: self.count(kind) for kind in KINDS}}


def suggest_from_production(store: Store, project: Project, *, last: int | None = None,
                            since: float | None = None, until: float | None = None,
                            batch: int | None = None, overlap: int | None = None
                            ) -> ProductionSuggestResult:
    """Queue up to ``batch`` disputed, drifted and uncertain rows of the prediction log (the
    ``last`` N rows, or those in ``[since, until)``; default: ``monitoring.window``)."""
    # its rows are served predictions, checked by monitoring: a task that is not monitored
    # has none, even when it suggests from its pool
    require_verb(project, "monitor", "textloop suggest --from production")
    require_verb(project, "suggest", "textloop suggest --from production")
    settings = project.spec.labeling
    if last is None and since is None and until is None:
        last = project.spec.monitoring.window
    with store.read() as conn:
        rows = monitoring.window(conn, None, last=last, since=since, until=until)
        report_id, drift = _latest_alerts(conn)
        rows += monitoring.logged_rows(conn, list(drift))
    candidates = _with_texts(rows)
    reading = reading_for(task_for(project))
    reasons = _reasons(candidates, drift, reading)
    result = ProductionSuggestResult(uuid.uuid4().hex[:12], len({_key(r) for r in rows}),
                                     report_id)
    with store.write() as conn:
        _pick(conn, result, candidates, reasons, _not_yet_asked(conn, project, candidates),
              batch or settings.batch)
        _enqueue(conn, result, candidates, overlap or settings.overlap, reading)
        reading.keep_served(conn, [candidates[(p.request_id, p.idx)] for p in result.picks])
    return result


class RowReading:
    """What a classifier's logged row says: disputed when feedback names another label,
    uncertain by the margin of its two most probable labels, suggested as its label."""

    def dispute(self, row: dict[str, Any]) -> str | None:
        """Why feedback contradicts the served answer (None: no feedback, or it agrees)."""
        if row["feedback"] in (None, row["label"]):
            return None
        return f"feedback {row['feedback']!r}, predicted {row['label']!r}"

    def uncertainty(self, row: dict[str, Any]) -> tuple[float, str] | None:
        """(rank, reason): the lowest rank is the least sure; None when it cannot say."""
        if len(row["probabilities"] or {}) < 2:
            return None
        return margin(row), f"margin {margin(row):.3f}"

    def suggestion(self, row: dict[str, Any]) -> tuple[str | None, float | None]:
        """(the queue item's suggestion, its confidence)."""
        return row["label"], max(row["probabilities"].values(), default=None)

    def keep_served(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Store what the labeling page needs to show the served answer (the queue item's
        suggestion is enough for a label)."""


class SpanRowReading(RowReading):
    """What a span model's logged row says (``spans``: ``[{start, end, label, score}]``;
    span feedback holds every true span, encoded)."""

    def dispute(self, row: dict[str, Any]) -> str | None:
        if row["feedback"] is None:
            return None
        served, true = set(_served(row)), set(decode_spans(row["feedback"]))
        if served == true:
            return None
        return (f"feedback {len(true)} spans, served {len(served)}: "
                f"{len(true - served)} missed, {len(served - true)} wrong")

    def uncertainty(self, row: dict[str, Any]) -> tuple[float, str] | None:
        scored = [s for s in row["spans"] or [] if s.get("score") is not None]
        if not scored:
            return None
        low = min(scored, key=lambda s: s["score"])
        text = (row["text"] or "")[low["start"]:low["end"]]
        return float(low["score"]), f"span score {low['score']:.3f} ({low['label']} {text!r})"

    def suggestion(self, row: dict[str, Any]) -> tuple[str | None, float | None]:
        found = self.uncertainty(row)
        return None, None if found is None else found[0]

    def keep_served(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """The served spans as the served run's stored suggestions for each text (a text
        that run already predicted keeps its row), so the span editor offers them."""
        by_run: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for row in rows:
            spans = [SuggestedSpan(s["start"], s["end"], s["label"], MODEL_SOURCE,
                                   s.get("score"))
                     for s in row["spans"] or []]
            by_run.setdefault(row["run_name"], {})[row["text_hash"]] = to_cache(spans,
                                                                               row["text"])
        for run_name, cache in by_run.items():
            model_suggestions.put_many(conn, runs.get(conn, run_name)["id"], cache)


@singledispatch
def reading_for(task: Task) -> RowReading:
    """How ``task``'s logged rows are read for production suggestions."""
    return RowReading()


@reading_for.register
def _(task: SpanTask) -> RowReading:
    return SpanRowReading()


def _served(row: dict[str, Any]) -> list[Span]:
    return [Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in row["spans"] or []]


def _pick(conn: Connection, result: ProductionSuggestResult,
          candidates: dict[Key, dict[str, Any]], reasons: dict[Key, dict[str, str]],
          fresh: dict[Key, str], batch: int) -> None:
    """Take rows in turn until ``batch``, creating their records; a text seen twice (two
    requests sent it) is asked once."""
    taken: set[str] = set()
    for key, kind in _interleave(reasons):
        if len(result.picks) == batch:
            return
        if fresh.get(key) is None or fresh[key] in taken:
            result.skipped += 1
            continue
        taken.add(fresh[key])
        rid = record_of_prediction(conn, candidates[key])
        assert rid is not None  # every candidate has its text
        result.picks.append(ProductionPick(rid, key[0], key[1], kind, reasons[key]))


def _latest_alerts(conn: Connection) -> tuple[str | None, dict[Key, str]]:
    """The newest monitor report's id and (request, idx) -> the checks that named it."""
    try:
        report_id = monitoring.get_report(conn)["id"]
    except NotFoundError:
        return None, {}
    named: dict[Key, list[str]] = {}
    for row in monitoring.report_alert_rows(conn, report_id):
        where = "" if row["slice"] == "all" else f" in {row['slice']}"
        named.setdefault((row["request_id"], row["idx"]), []).append(row["check"] + where)
    return report_id, {key: f"{', '.join(checks)} alert in {report_id}"
                       for key, checks in named.items()}


def _with_texts(rows: Sequence[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
    """The rows whose text was logged, by key; an error when there are none to label."""
    if not rows:
        raise InvalidInputError("no logged predictions in that window",
                                hint="serve the model (`textloop serve`) and send traffic, or "
                                     "widen --window / --since")
    out = {(r["request_id"], r["idx"]): r for r in rows if r["text"] is not None}
    if not out:
        raise InvalidInputError(
            f"the {len(rows):,} logged predictions keep no texts (serving.log_texts is hash "
            "or none), so nothing can be queued for labeling",
            hint="set serving.log_texts: full in textloop.yaml and restart `textloop serve`; "
                 "rows logged from then on can come back to labeling")
    return out


def _reasons(candidates: dict[Key, dict[str, Any]], drift: dict[Key, str],
             reading: RowReading) -> dict[Key, dict[str, str]]:
    """Each candidate's reasons by kind, insertion-ordered so each kind is ranked: disputed
    newest first, drifted in alert order, uncertain least sure first (``reading``)."""
    rows = list(candidates.values())
    out: dict[Key, dict[str, str]] = {}
    for row in reversed(rows):
        dispute = reading.dispute(row)
        if dispute is not None:
            out.setdefault(_key(row), {})[DISPUTED] = dispute
    for key, why in drift.items():
        if key in candidates:
            out.setdefault(key, {})[DRIFTED] = why
    unsure = [(found, row) for row in rows if (found := reading.uncertainty(row)) is not None]
    for (_, why), row in sorted(unsure, key=lambda item: item[0][0]):
        out.setdefault(_key(row), {})[UNCERTAIN] = why
    return out


def margin(row: dict[str, Any]) -> float:
    """Top probability minus the runner-up (0: a coin flip, 1: certain)."""
    top = sorted(row["probabilities"].values(), reverse=True)
    return float(top[0] - top[1])


def _interleave(reasons: dict[Key, dict[str, str]]) -> Iterator[tuple[Key, str]]:
    """(row, kind): one disputed, one drifted, one uncertain row, and again; each row once,
    for the first kind that reaches it."""
    ranked = [[key for key, why in reasons.items() if kind in why] for kind in KINDS]
    seen: set[Key] = set()
    for turn in zip_longest(*ranked):
        for key, kind in zip(turn, KINDS, strict=True):
            if key is not None and key not in seen:
                seen.add(key)
                yield key, kind


def _not_yet_asked(conn: Connection, project: Project,
                   candidates: dict[Key, dict[str, Any]]) -> dict[Key, str]:
    """Candidate -> its record id, for texts never queued and not labeled by a person."""
    ids = {key: record_id(row["text_hash"]) for key, row in candidates.items()}
    labeled = {rid for rid, res in labels_for(conn, list(set(ids.values())),
                                               project.spec.labeling.policy).items()
               if res.kind in TRUSTED}
    asked = queue.ever_queued(conn, list(set(ids.values()))) | labeled
    return {key: rid for key, rid in ids.items() if rid not in asked}


def _enqueue(conn: Connection, result: ProductionSuggestResult,
             candidates: dict[Key, dict[str, Any]], overlap: int, reading: RowReading) -> None:
    """Queue the picks ahead of what waits (production rows are where the model fails now),
    with the served prediction as the suggestion."""
    top = queue.top_priority(conn)
    served = [reading.suggestion(candidates[(pick.request_id, pick.idx)])
              for pick in result.picks]
    queue.enqueue(conn, [{
        "record_id": pick.record_id, "priority": top + len(result.picks) - rank,
        "strategy": pick.why, "batch_id": result.batch_id, "overlap": overlap,
        "suggestion": suggestion, "confidence": confidence}
        for rank, (pick, (suggestion, confidence)) in enumerate(zip(result.picks, served,
                                                                     strict=True))])


def _key(row: dict[str, Any]) -> Key:
    return row["request_id"], row["idx"]
