"""A span project with Korean and English records, span rules and people's spans, for the
span rules tests (and the status, show and suggest tests of span projects)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textloop.config import Label, Project
from textloop.config.span_rules import SpanRule
from textloop.spans import Span, encode_spans
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, records

LABELS = ("PER", "ORG", "PHONE", "BRAND")
SAMSUNG_PHONE = "김철수 010-1234-5678 삼성전자에 다닌다"
ANA_APPLE = "Call Ana at 010 9876 5432 about the Apple order"
APPLE_PIE = "Apple pie recipe from grandma"
GALAXY = "Galaxy S24 출시, 문의 02-123-4567"
NOTHING = "nothing to see here"
SAMSUNG_SHARES = "삼성전자 주가"
TEXTS = (SAMSUNG_PHONE, ANA_APPLE, APPLE_PIE, GALAXY, NOTHING, SAMSUNG_SHARES)

KR_MOBILE = SpanRule(name="kr-mobile", label="PHONE",
                     regex=r"(?<!\d)01[016789]-?\d{3,4}-?\d{4}(?!\d)")
BRANDS = SpanRule(name="brands", label="BRAND", phrases=["삼성전자", "Apple", "Galaxy S24"])
SAMSUNG_ORG = SpanRule(name="samsung-org", label="ORG", phrases=["삼성전자"])
"""Marks what ``brands`` marks with another label: the two conflict on 삼성전자."""


def span(text: str, part: str, label: str) -> Span:
    """The span of the first ``part`` in ``text``."""
    start = text.index(part)
    return Span(start, start + len(part), label)


HUMAN = {
    SAMSUNG_PHONE: [span(SAMSUNG_PHONE, "010-1234-5678", "PHONE"),
                    span(SAMSUNG_PHONE, "삼성전자", "BRAND")],
    ANA_APPLE: [span(ANA_APPLE, "Ana", "PER"), span(ANA_APPLE, "010 9876 5432", "PHONE"),
                span(ANA_APPLE, "Apple", "BRAND")],
    APPLE_PIE: [],  # an answer: nothing to mark (the pie is no brand)
}
"""People's spans; the other records are unlabeled."""


def span_project(root: Path, *rules: SpanRule) -> Project:
    project = init_project(root, labels=[Label(name=name) for name in LABELS], task="spans")
    project.spec.span_rules = list(rules)
    project.save()
    return project


def import_span_texts(store: Store, project: Project, tmp_path: Path) -> dict[str, str]:
    """Import ``TEXTS`` unlabeled; text -> record id."""
    data = tmp_path / "texts.jsonl"
    data.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in TEXTS),
                    encoding="utf-8")
    import_file(store, project, data, ImportOptions(label_col=""))
    with store.read() as conn:
        return {r.text: r.id for r in records.iter_all(conn)}


def add_spans(store: Store, record_id: str, spans: list[Span], kind: str = "human",
              who: str = "alice") -> None:
    with store.write() as conn:
        annotation_log.add_one(conn, record_id=record_id, label=encode_spans(spans), kind=kind,
                               annotator=who)


def label_people(store: Store, ids: dict[str, str]) -> None:
    for text, spans in HUMAN.items():
        add_spans(store, ids[text], spans)


RULES = (KR_MOBILE, BRANDS, SAMSUNG_ORG)


@contextmanager
def opened_span_project(tmp_path: Path, *rules: SpanRule
                        ) -> Iterator[tuple[Project, Store, dict[str, str]]]:
    """A span project with ``rules`` and ``TEXTS`` imported: (project, open store, text ->
    record id)."""
    project = span_project(tmp_path / "ner", *rules)
    with Store.for_project(project) as store:
        yield project, store, import_span_texts(store, project, tmp_path)
