"""Annotator accounts: a name, a role and a salted hash of their secret (never the secret)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage.schema import annotators as table

# computed by the database in the UPDATE itself, so two concurrent bumps both count
_next_generation = table.c.session_generation + 1


def add(conn: Connection, name: str, secret_hash: str, role: str) -> None:
    conn.execute(table.insert().values(name=name, secret_hash=secret_hash, role=role,
                                       created_at=time.time()))


def get(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(table).where(table.c.name == name)).mappings().first()
    return dict(row) if row else None


def list_all(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(table).order_by(table.c.name)).mappings()]


def set_secret(conn: Connection, name: str, secret_hash: str) -> None:
    """A new secret (re-activating a revoked account) that also ends every session."""
    conn.execute(table.update().where(table.c.name == name).values(
        secret_hash=secret_hash, revoked_at=None, session_generation=_next_generation))


def revoke(conn: Connection, name: str) -> None:
    conn.execute(table.update().where(table.c.name == name).values(
        revoked_at=time.time(), session_generation=_next_generation))


def end_sessions(conn: Connection, name: str) -> None:
    """Every session issued before now stops working (sign-out)."""
    conn.execute(table.update().where(table.c.name == name).values(
        session_generation=_next_generation))

