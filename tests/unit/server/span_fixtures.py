"""A span project with a span-rules champion to serve (English, Hangul and emoji texts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.unit.stages.registry_fixtures import no_timing
from tests.unit.stages.span_run_fixtures import RULES, released_span_project
from textloop.config import Project
from textloop.config.span_rules import SpanRule
from textloop.stages.runs import load_run
from textloop.stages.serving.extract import extractions_from
from textloop.stages.serving.prediction_log import log_row
from textloop.stages.train import train
from textloop.stages.versions import register_run
from textloop.stages.versions.promotion import promote
from textloop.storage import Store, predictions

ENGLISH = "Ana works at Acme"
HANGUL = "김철수는 삼성전자에 다닌다 010-1234-5678"
EMOJI = "😀 Ana called Acme 😀"

SCORED_RULES = (*RULES, SpanRule(name="people-too", label="PER", phrases=["Ana", "Bob",
                                                                          "works"]))
"""``RULES`` plus a second PER rule: Ana gets both PER votes (score 1.0); Bob (right in the
project's data) and ``works`` (wrong) one of two (0.5)."""


def champion_of(store: Store, project: Project) -> tuple[str, int]:
    """Train span-rules with the project's rules now, register the run and promote it
    (forced: these tests are about serving, not the promotion policy); returns (run name,
    version)."""
    run = train(store, project, model="span-rules").run_name
    version = int(register_run(store, project, run, actor="test").version["version"])
    promote(store, project, str(version), actor="test", force=True, reason="serving tests",
            measure=no_timing)
    return run, version


@contextmanager
def span_champion(tmp_path: Path, *, rules: tuple[SpanRule, ...] = RULES
                  ) -> Iterator[tuple[Project, Store]]:
    """A released span project whose champion is span-rules over ``rules``."""
    with released_span_project(tmp_path, rules=rules) as (project, store, _):
        champion_of(store, project)
        yield project, store


def log_extractions(store: Store, texts: list[str], *, start: float, tag: str,
                    ids: list[str] | None = None) -> None:
    """Extract ``texts`` with version 1 and write them to the prediction log as the server
    does, one second apart from ``start``; request ids ``ids``, else ``tag`` + position."""
    loaded = load_run(store, "1")
    rows = [{**log_row(found, request_id=ids[i] if ids else f"{tag}{i}", idx=0, version=1,
                       api_key=None, latency_ms=1.0, log_texts="full"), "created_at": start + i}
            for i, found in enumerate(extractions_from(loaded, texts))]
    with store.write() as conn:
        predictions.insert_many(conn, rows)
