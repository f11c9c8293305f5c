"""A span project (PER, LOC) of template sentences whose imported spans carry planted errors
of each kind a span cleaning must find: a dropped span, a type swap, a shifted boundary and
a span over a word that is no entity. ``PLANTED`` says what each error's record should be
flagged for and which span the fix must give."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from textloop.config import Label, Project
from textloop.spans import Span
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.storage import Store, records

PEOPLE = ("Alice", "Bruno", "Carla", "David", "Emma", "Farid", "Greta", "Hugo")
CITIES = ("Paris", "Berlin", "Madrid", "Lisbon", "Vienna", "Oslo", "Dublin", "Prague")
TEMPLATES = ("{p} flew to {c} last week", "{p} lives in {c} now",
             "We met {p} in {c} yesterday", "{p} said that {c} is lovely")


def sentence(p: int, c: int, t: int) -> tuple[str, list[Span]]:
    """A template sentence and its true spans."""
    template = TEMPLATES[t]
    person, city = PEOPLE[p], CITIES[c]
    text = template.format(p=person, c=city)
    ps = text.index(person)
    cs = text.index(city, ps + len(person))
    return text, [Span(ps, ps + len(person), "PER"), Span(cs, cs + len(city), "LOC")]


@dataclass(frozen=True)
class Planted:
    text: str
    given: list[Span]
    kind: str
    """The finding kind expected on this record."""
    fix_given: Span | None
    """The given span the finding names (None for a missing span)."""
    fix_suggested: Span | None
    """The span the fix puts in (None for a spurious span)."""


def corpus() -> tuple[list[tuple[str, list[Span]]], list[Planted]]:
    """(clean rows, planted rows): 56 clean sentences (person p, city c with (3p + c) mod 8
    below 7) and 4 with one error each, on pairs the clean rows leave out."""
    rows = [sentence(p, c, (p + c) % len(TEMPLATES)) for p in range(8) for c in range(8)
            if (p * 3 + c) % 8 < 7]
    planted = []
    text, (per, loc) = sentence(0, 7, 0)  # "Alice flew to Prague last week": LOC dropped
    planted.append(Planted(text, [per], "missing_span", None, loc))
    text, (per, loc) = sentence(2, 1, 1)  # "Carla lives in Berlin now": Berlin typed PER
    planted.append(Planted(text, [per, Span(loc.start, loc.end, "PER")], "wrong_type",
                           Span(loc.start, loc.end, "PER"), loc))
    text, (per, loc) = sentence(4, 3, 2)  # "We met Emma in Lisbon yesterday": "Lisbon yesterday"
    wide = Span(loc.start, len(text), "LOC")
    planted.append(Planted(text, [per, wide], "wrong_boundary", wide, loc))
    text, (per, loc) = sentence(6, 5, 3)  # "Greta said that Oslo is lovely": "lovely" a LOC
    junk = Span(text.index("lovely"), text.index("lovely") + 6, "LOC")
    planted.append(Planted(text, [per, loc, junk], "spurious_span", junk, None))
    return rows, planted


def span_clean_project(tmp_path: Path) -> tuple[Project, dict[str, str], list[Planted]]:
    """The project with the corpus imported; (project, text -> record id, planted rows)."""
    rows, planted = corpus()
    project = init_project(tmp_path / "ner", labels=[Label(name="PER"), Label(name="LOC")],
                           task="spans")
    path = tmp_path / "spans.jsonl"
    lines = [{"text": text, "label": json.dumps([s.to_dict() for s in spans])}
             for text, spans in [*rows, *((p.text, p.given) for p in planted)]]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, path, ImportOptions(text_col="text", label_col="label"))
        with store.read() as conn:
            ids = {r.text: r.id for r in records.iter_all(conn)}
    return project, ids, planted
