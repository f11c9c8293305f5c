"""LLM span suggestions, cached per text (content hash), model and prompt template version.

Written ahead of labeling (``textloop preannotate``), one row per text as its answer
arrives, so an interrupted run keeps what it was told and the next run asks only about the
rest; read by the labeling page, which never waits for a model.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, select

from textloop.storage import jsoncol
from textloop.storage.dialect import insert_ignore
from textloop.storage.schema import llm_span_suggestions as table

_CHUNK = 900


def cached(conn: Connection, model: str, prompt: str, hashes: Sequence[str]) -> set[str]:
    """Those of ``hashes`` that already have suggestions from ``model`` with ``prompt``."""
    return hashes_in(conn, table, hashes, table.c.model == model, table.c.prompt == prompt)


def hashes_in(conn: Connection, cache: Table, hashes: Sequence[str],
              *where: ColumnElement[bool]) -> set[str]:
    """Those of ``hashes`` with a row in ``cache`` (a suggestion cache keyed by
    ``content_hash``) matching ``where``; asked in chunks under SQLite's parameter limit."""
    found: set[str] = set()
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), _CHUNK):
        query = select(cache.c.content_hash).where(
            *where, cache.c.content_hash.in_(unique[start:start + _CHUNK]))
        found.update(row[0] for row in conn.execute(query))
    return found


def put(conn: Connection, *, content_hash: str, model: str, prompt: str,
        spans: Sequence[Mapping[str, Any]], dropped: Mapping[str, int],
        examples: Sequence[str]) -> bool:
    """Store one text's suggestions; False when a row was already there (a concurrent run
    answered first: its row stays)."""
    return insert_ignore(conn, table, [{
        "content_hash": content_hash, "model": model, "prompt": prompt,
        "spans": jsoncol.dumps(list(spans)), "dropped": jsoncol.dumps(dict(dropped)),
        "examples": jsoncol.dumps(list(examples)), "created_at": time.time()}]) == 1


def get(conn: Connection, model: str, prompt: str, content_hash: str) -> list[Any] | None:
    """The stored suggestions (as written by ``put``), None when the text was never asked."""
    query = select(table.c.spans).where(table.c.model == model, table.c.prompt == prompt,
                                        table.c.content_hash == content_hash)
    value = conn.execute(query).scalar()
    return None if value is None else jsoncol.loads(value)
