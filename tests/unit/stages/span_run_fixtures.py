"""A released span project (English and Korean records, span rules that are right, wrong
and missing in known ways) for the train and evaluate tests of span runs.

Each of ``KINDS`` is imported ten times (``#0`` ... ``#9`` appended), so every split holds
copies, and what the span rules get right on each kind is known by hand (``EXPECTED``):
an expected score on a split follows from how many copies of each kind it holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from textloop.config import Label, Project
from textloop.config.span_rules import SpanRule
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release
from textloop.storage import Store, queue, records

LABELS = ("PER", "ORG", "PHONE")
RULES = (
    SpanRule(name="people", label="PER", phrases=["Ana"]),
    SpanRule(name="companies", label="ORG", phrases=["Acme", "삼성전자"]),
    SpanRule(name="kr-mobile", label="PHONE", regex=r"(?<!\d)01[016789]-?\d{3,4}-?\d{4}(?!\d)"),
)
SCRIPT = "<script>alert('Acme')</script> from Bob"


@dataclass(frozen=True)
class Kind:
    text: str
    gold: tuple[tuple[str, str], ...]
    """(part of the text, label) of each gold span."""
    correct: dict[str, int]
    """Per type: spans the rules get exactly right."""
    predicted: dict[str, int]
    """Per type: spans the rules mark."""


KINDS = (
    Kind("Ana works at Acme", (("Ana", "PER"), ("Acme", "ORG")),
         {"PER": 1, "ORG": 1}, {"PER": 1, "ORG": 1}),
    # 김철수 missed: no rule knows him
    Kind("김철수는 삼성전자에 다닌다 010-1234-5678",
         (("김철수", "PER"), ("삼성전자", "ORG"), ("010-1234-5678", "PHONE")),
         {"ORG": 1, "PHONE": 1}, {"ORG": 1, "PHONE": 1}),
    # Acme inside a script is no company here (spurious), Bob is missed
    Kind(SCRIPT, (("Bob", "PER"),), {}, {"ORG": 1}),
    # the rules mark Acme of Acme Corp: a wrong boundary
    Kind("Call Acme Corp at 010-9876-5432", (("Acme Corp", "ORG"), ("010-9876-5432", "PHONE")),
         {"PHONE": 1}, {"ORG": 1, "PHONE": 1}),
    Kind("no entities here 😀", (), {}, {}),
)
COPIES = 10


def kind_of(text: str) -> Kind:
    return next(k for k in KINDS if text.startswith(k.text))


def expected(texts: list[str]) -> dict[str, float]:
    """Strict micro precision, recall and F1 of the rules on ``texts``, counted by hand."""
    kinds = [kind_of(t) for t in texts]
    gold = sum(len(k.gold) for k in kinds)
    predicted = sum(sum(k.predicted.values()) for k in kinds)
    correct = sum(sum(k.correct.values()) for k in kinds)
    precision, recall = correct / predicted, correct / gold
    return {"entity_micro_precision": precision, "entity_micro_recall": recall,
            "entity_micro_f1": 2 * precision * recall / (precision + recall)}


def _rows() -> list[dict[str, str]]:
    rows = []
    for copy in range(COPIES):
        for kind in KINDS:
            spans = []
            for part, label in kind.gold:
                start = kind.text.index(part)
                spans.append({"start": start, "end": start + len(part), "label": label})
            rows.append({"text": f"{kind.text} #{copy}", "label": json.dumps(spans)})
    return rows


@contextmanager
def released_span_project(tmp_path: Path, *, rules: tuple[SpanRule, ...] = RULES
                          ) -> Iterator[tuple[Project, Store, str]]:
    """(project, open store, release id): ``KINDS`` imported with their gold spans and
    released, the project's span rules ``rules``."""
    project = init_project(tmp_path / "ner", labels=[Label(name=n) for n in LABELS],
                           task="spans")
    project.spec.span_rules = list(rules)
    project.save()
    path = tmp_path / "spans.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows()),
                    encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, path, ImportOptions(text_col="text", label_col="label"))
        yield project, store, create_release(store, project).id


def queue_unlabeled(store: Store, project: Project, texts: list[str], tmp_path: Path
                    ) -> dict[str, str]:
    """Import ``texts`` without spans and queue them for labeling, the first highest;
    returns text -> record id."""
    path = tmp_path / "unlabeled.jsonl"
    path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts),
                    encoding="utf-8")
    import_file(store, project, path, ImportOptions(text_col="text", label_col=""))
    with store.write() as conn:
        ids = {r.text: r.id for r in records.iter_all(conn) if r.text in texts}
        queue.enqueue(conn, [{"record_id": ids[text], "priority": float(len(texts) - i),
                              "strategy": "test", "batch_id": "queued", "overlap": 1,
                              "suggestion": None, "confidence": None}
                             for i, text in enumerate(texts)])
    return ids
