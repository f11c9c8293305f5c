"""A span project (PER, ORG, LOC; no overlaps unless asked) with unlabeled texts and
annotators' spans, for the agreement, adjudication, resolution and span labeling tests.

``queue_span_texts`` stores texts exactly as given (``records.insert``, not an import, which
would normalise line endings): the labeling page must show and count any stored text
exactly, CRLF included."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textloop.config import Label, Project
from textloop.spans import Span, encode_spans
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, queue, records
from textloop.texts import content_hash, record_id

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


SPAN_LABELS = (Label(name=PER, description="People, by name"),
               Label(name=ORG, description="Companies & <b>organisations</b>"),
               Label(name=LOC, description="Places"))


def span_project(root: Path, *, overlap: int = 2, overlapping: bool = False,
                 span_rules: Sequence[dict[str, Any]] = (),
                 labels: Sequence[Label] = SPAN_LABELS) -> Project:
    """``labels`` with their descriptions (the guideline); ``span_rules`` as in
    ``textloop.yaml``; ``overlapping`` is ``spans.overlapping``."""
    project = init_project(root, labels=list(labels), task="spans")
    project.spec.labeling.overlap = overlap
    project.spec.spans.overlapping = overlapping
    if span_rules:
        project.spec = project.spec.model_validate(
            {**project.spec.model_dump(), "span_rules": list(span_rules)})
    project.save()
    return project


def queue_span_texts(store: Store, texts: Sequence[str], overlap: int = 1) -> list[str]:
    """Store ``texts`` exactly as given and queue them in this order; returns their ids."""
    ids = []
    with store.write() as conn:
        for text in texts:
            digest = content_hash(text)
            ids.append(record_id(digest))
            records.insert(conn, [{"id": ids[-1], "content_hash": digest, "text": text,
                                   "meta": "{}", "source_kind": "file", "created_at": 0.0}])
        queue.enqueue(conn, [{"record_id": rid, "priority": float(len(ids) - i),
                              "strategy": "test", "batch_id": "b1", "overlap": overlap,
                              "suggestion": None, "confidence": None}
                             for i, rid in enumerate(ids)])
    return ids


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
