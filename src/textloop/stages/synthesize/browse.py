"""A synthetic batch read for review: its items class by class, each with its seeds.

The web app's synthetic page shows one class of one batch at a time, narrowed to the gate's
verdict (accepted, rejected, rejected for one reason) or to whether a person has decided,
and one item in full: its text, the gate's reason, detail and scores, its provenance and
the texts of the seeds the generator was shown. Seeds are looked up by id when the page is
drawn: a seed picked from the store is a record id, one written in textloop.yaml is named
``textloop.yaml:labels.I.seeds.J`` (``seeds.spec_seeds``) and read from the spec as it is
now; a seed that is gone is shown as missing, never guessed.

A decision goes through ``decisions.decide``, the function ``textloop synth accept|reject``
calls, so the page and the CLI store the same thing; the page then moves to the next item.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection

from textloop.config import ProjectSpec
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.synthesize.decisions import Decided, decide, included, item_class
from textloop.storage import Store, records, synth

ALL, ACCEPTED, REJECTED = "all", synth.ITEM_ACCEPTED, synth.ITEM_REJECTED
DECIDED, UNDECIDED = "decided", "undecided"
STATUSES = (ALL, ACCEPTED, REJECTED, DECIDED, UNDECIDED)
"""Status filters; ``rejected:REASON`` narrows ``rejected`` to one gate reason."""
WINDOW = 25
"""Items listed on either side of the one shown (a batch may hold thousands per class)."""
_SPEC_SEED = re.compile(r"^textloop\.yaml:labels\.(\d+)\.seeds\.(\d+)$")


@dataclass(frozen=True)
class Query:
    """What the page asks for; ``label`` None is the batch's first class, ``item`` None
    its first matching item."""

    batch: str = "latest"
    label: str | None = None
    status: str = ALL
    item: int | None = None

    def params(self, **changes: Any) -> dict[str, Any]:
        """The query as URL parameters (None left out), with ``changes`` applied."""
        values = {"batch": self.batch, "label": self.label, "status": self.status,
                  "item": self.item, **changes}
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class SeedText:
    ref: str
    text: str | None
    """None when the seed is no longer in the store (or in textloop.yaml)."""


@dataclass(frozen=True)
class ClassCounts:
    label: str
    total: int
    accepted: int
    """By the gate."""
    rejected: int
    decided: int
    """Items a person has accepted or rejected."""


@dataclass(frozen=True)
class Shown:
    """The item shown in full."""

    item: dict[str, Any]
    seeds: list[SeedText]
    included: bool
    """Whether it goes into the next release (``decisions.included``)."""
    position: int
    """1-based, among the items matching the query."""
    previous: int | None
    next: int | None


@dataclass(frozen=True)
class BatchPage:
    batches: list[dict[str, Any]]
    """Every batch, newest first."""
    batch: dict[str, Any] | None
    """None when there is no batch yet."""
    query: Query
    """As resolved: the batch's id, the class shown, the item shown."""
    classes: list[ClassCounts]
    statuses: list[tuple[str, int]]
    """Each status filter that matches an item of the class, with how many."""
    matching: int
    listed: list[dict[str, Any]]
    """The matching items around the one shown (``WINDOW``)."""
    hidden_before: int
    hidden_after: int
    shown: Shown | None


@dataclass(frozen=True)
class DecidedPage:
    decided: Decided
    item: dict[str, Any]
    """The item decided, as stored now."""
    page: BatchPage
    """The page moved on to the next matching item."""

    @property
    def skipped(self) -> bool:
        """Its text is already a record of another origin: it stays out of releases."""
        return self.item["n"] in self.decided.skipped

    @property
    def waits_for_batch(self) -> bool:
        """The batch is not accepted (yet), so the decision changes no record now."""
        return self.decided.batch["decision"] != synth.ACCEPTED


def batch_page(store: Store, spec: ProjectSpec, query: Query, *,
               after: bool = False) -> BatchPage:
    """The page for ``query``; ``after`` shows the item after ``query.item`` instead."""
    check_status(query.status)
    with store.read() as conn:
        batches = synth.list_batches(conn)[::-1]
        if not batches:
            return BatchPage([], None, query, [], [], 0, [], 0, 0, None)
        batch = synth.get_batch(conn, query.batch)
        items = synth.items(conn, batch["id"])
        classes = class_counts(items, spec.label_names)
        label = _label(query.label, classes, batch["id"])
        in_class = [item for item in items if item_class(item) == label]
        matching = [item for item in in_class if matches(item, query.status)]
        at = focus([item["n"] for item in matching], query.item, after)
        shown = None if at is None else _shown(conn, spec, batch, matching, at)
    start, end = (0, 0) if at is None else (max(0, at - WINDOW), at + WINDOW + 1)
    resolved = replace(query, batch=batch["id"], label=label,
                       item=shown.item["n"] if shown else None)
    return BatchPage(batches, batch, resolved, classes, status_counts(in_class),
                     len(matching), matching[start:end], start,
                     max(0, len(matching) - end), shown)


def decide_item(store: Store, spec: ProjectSpec, query: Query, decision: str, *,
                actor: str) -> DecidedPage:
    """Accept or reject ``query.item`` of ``query.batch`` (``decisions.decide``), then the
    page for the next matching item."""
    if decision not in (ACCEPTED, REJECTED) or query.item is None:
        raise InvalidInputError(f"cannot {decision!r} item {query.item!r}",
                                hint="accept or reject one item of a batch")
    done = decide(store, query.batch, decision, actor=actor, items=[query.item])
    with store.read() as conn:
        (item,) = synth.items(conn, done.batch["id"], [query.item])
    return DecidedPage(done, item, batch_page(store, spec, query, after=True))


def check_status(status: str) -> None:
    kind, colon, reason = status.partition(":")
    if status in STATUSES or (kind == REJECTED and colon and reason):
        return
    raise InvalidInputError(f"unknown status filter {status!r}",
                            hint=f"use one of {', '.join(STATUSES)} or rejected:REASON")


def matches(item: Mapping[str, Any], status: str) -> bool:
    """Whether ``item`` passes the status filter (``check_status`` has accepted it)."""
    if status == ALL:
        return True
    if status in (DECIDED, UNDECIDED):
        return (item["decision"] is not None) == (status == DECIDED)
    kind, _, reason = status.partition(":")
    return item["status"] == kind and (not reason or item["reason"] == reason)


def class_counts(items: Sequence[Mapping[str, Any]],
                 label_order: Sequence[str]) -> list[ClassCounts]:
    """Per class of the batch, in the project's label order (unknown labels last)."""
    rank = {label: i for i, label in enumerate(label_order)}
    labels = sorted({item_class(item) for item in items},
                    key=lambda x: (rank.get(x, len(rank)), x))
    out = []
    for label in labels:
        mine = [item for item in items if item_class(item) == label]
        out.append(ClassCounts(label, len(mine), sum(matches(i, ACCEPTED) for i in mine),
                               sum(matches(i, REJECTED) for i in mine),
                               sum(matches(i, DECIDED) for i in mine)))
    return out


def status_counts(items: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """Filters that match something: all, accepted, rejected and each reason (by count),
    decided, undecided."""
    reasons = Counter(item["reason"] for item in items if matches(item, REJECTED))
    keys = [ALL, ACCEPTED, REJECTED, *(f"{REJECTED}:{r}" for r, _ in reasons.most_common()),
            DECIDED, UNDECIDED]
    counted = [(key, sum(matches(item, key) for item in items)) for key in keys]
    return [(key, n) for key, n in counted if n or key == ALL]


def focus(numbers: Sequence[int], wanted: int | None, after: bool) -> int | None:
    """Index of the item to show among ``numbers`` (ascending): ``wanted``, or the nearest
    before it when it no longer matches; with ``after``, the first after it when there is
    one (deciding the last item keeps it in view)."""
    if not numbers:
        return None
    if wanted is None:
        return 0
    later = bisect_right(numbers, wanted)
    if after and later < len(numbers):
        return later
    return max(later - 1, 0)


def _label(wanted: str | None, classes: Sequence[ClassCounts], batch_id: str) -> str | None:
    names = [c.label for c in classes]
    if wanted is None:
        return names[0] if names else None
    if wanted not in names:
        raise NotFoundError(f"batch {batch_id} has no items of class {wanted!r} "
                            f"(classes: {', '.join(names) or 'none'})",
                            hint="pick one of the batch's classes")
    return wanted


def _shown(conn: Connection, spec: ProjectSpec, batch: Mapping[str, Any],
           matching: Sequence[dict[str, Any]], at: int) -> Shown:
    item = matching[at]
    return Shown(item, seed_texts(conn, spec, item["seed_ids"]), included(batch, item), at + 1,
                 matching[at - 1]["n"] if at > 0 else None,
                 matching[at + 1]["n"] if at + 1 < len(matching) else None)


def seed_texts(conn: Connection, spec: ProjectSpec, refs: Sequence[str]) -> list[SeedText]:
    """Each seed's text: a record's from the store, a textloop.yaml seed's from the spec."""
    stored = {r.id: r.text for r in records.get_many(conn, [r for r in refs
                                                            if not _SPEC_SEED.match(r)])}
    return [SeedText(ref, _spec_seed(spec, ref) if _SPEC_SEED.match(ref) else stored.get(ref))
            for ref in refs]


def _spec_seed(spec: ProjectSpec, ref: str) -> str | None:
    found = _SPEC_SEED.match(ref)
    assert found is not None
    index, j = int(found.group(1)), int(found.group(2))
    if index >= len(spec.labels) or j >= len(spec.labels[index].seeds):
        return None
    return spec.labels[index].seeds[j]
