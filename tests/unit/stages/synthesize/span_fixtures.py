"""A released span project of varied sentences (people, places), for span synthesis tests.

Every sentence is distinct in its verb and time, so a variant of one is not a near-copy of
another; mentions mix Latin and Hangul, times an emoji.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textloop.config import Label, Project
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release
from textloop.storage import Store

PEOPLE = ["Ana", "김철수", "Bo", "Zoë", "José", "이영희", "Chen Wei", "Dana"]
PLACES = ["Lima", "서울", "Oslo", "São Paulo", "Cairo", "부산", "Quito", "Perth"]
VERBS = ["flew", "drove", "walked", "sailed", "cycled", "moved", "ran", "hitchhiked",
         "travelled", "returned", "rode", "went"]
TIMES = ["yesterday", "last spring", "on Monday", "in 2019 🎉", "after lunch", "at dawn",
         "this morning", "twice a year", "before the storm", "with friends", "for work",
         "on a whim"]


def sentences(n: int) -> list[tuple[str, list[dict[str, object]]]]:
    out = []
    for i in range(n):
        person, place = PEOPLE[i % len(PEOPLE)], PLACES[(i * 3) % len(PLACES)]
        text = f"{person} {VERBS[i % len(VERBS)]} to {place} {TIMES[(i * 5) % len(TIMES)]}"
        where = text.index(f" to {place}") + 4
        out.append((text, [{"start": 0, "end": len(person), "label": "PER"},
                           {"start": where, "end": where + len(place), "label": "LOC"}]))
    return out


@contextmanager
def released_people_and_places(tmp_path: Path, n: int = 48
                               ) -> Iterator[tuple[Project, Store, str]]:
    """(project, open store, release id) of ``n`` labeled sentences, released."""
    project = init_project(tmp_path / "trips", task="spans", labels=[
        Label(name="PER", description="a person, by name"),
        Label(name="LOC", description="a place: a city or a country")])
    path = tmp_path / "trips.jsonl"
    path.write_text("".join(json.dumps({"text": t, "label": json.dumps(s)},
                                       ensure_ascii=False) + "\n"
                            for t, s in sentences(n)), encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, path, ImportOptions(text_col="text", label_col="label"))
        yield project, store, create_release(store, project).id
