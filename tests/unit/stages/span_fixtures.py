"""A span project (PER, ORG, LOC; no overlaps) with unlabeled texts and annotators' spans,
for the agreement, adjudication and resolution tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from textloop.config import Label, Project
from textloop.spans import Span, encode_spans
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, records

PER, ORG, LOC = "PER", "ORG", "LOC"

# A worked example whose agreement numbers the agreement tests compute by hand.
# tokens: Alice 0-5, met 6-9, Bob 10-13, in 14-16, Paris 17-22 | Acme 0-4, hired 5-10,
# Dana 11-15 | nothing 0-7, here 8-12 | Eve 0-3
TEXTS = ["Alice met Bob in Paris", "Acme hired Dana", "nothing here", "Eve"]
# record -> {annotator: spans}, in the order given
ANSWERS = [
    {"ann": [(0, 5, PER), (17, 22, LOC)], "ben": [(0, 5, PER), (17, 22, ORG)],
     "cat": [(0, 5, PER), (17, 22, LOC)]},
    {"ann": [(0, 4, ORG), (11, 15, PER)], "ben": [(0, 4, ORG), (11, 15, PER)]},
    {"ann": [], "ben": []},
    {"ann": [(0, 3, PER)]},
]


def span_project(root: Path, *, overlap: int = 2) -> Project:
    project = init_project(root, labels=[Label(name=PER), Label(name=ORG), Label(name=LOC)],
                           task="spans")
    project.spec.labeling.overlap = overlap
    project.save()
    return project


def import_texts(store: Store, project: Project, folder: Path, texts: list[str]) -> list[str]:
    """The texts imported unlabeled; their ids in the order given."""
    path = folder / "texts.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    import_file(store, project, path, ImportOptions(text_col="text", label_col=""))
    with store.read() as conn:
        by_text = {r.text: r.id for r in records.iter_all(conn)}
    return [by_text[t] for t in texts]


def answer(store: Store, ids: Sequence[str],
           answers: Sequence[dict[str, list[tuple[int, int, str]]]]) -> None:
    """Each annotator's spans ((start, end, label) in code points) on each record, stored as
    the labeling page stores them (``human`` answers, canonical JSON)."""
    with store.write() as conn:
        for rid, given in zip(ids, answers, strict=True):
            for who, spans in given.items():
                annotation_log.add_one(conn, record_id=rid, kind="human", annotator=who,
                                       label=encode_spans(Span(*s) for s in spans))
