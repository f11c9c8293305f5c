"""API keys of the inference server: a name, a public key id, a salted hash of the secret."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage.schema import api_keys as table


def add(conn: Connection, *, name: str, key_id: str, secret_hash: str, rate: str | None,
        scopes: str) -> None:
    """``scopes``: what the key may call, space-separated (``classify feedback``)."""
    conn.execute(table.insert().values(name=name, key_id=key_id, secret_hash=secret_hash,
                                       rate=rate, scopes=scopes, created_at=time.time()))


def get(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(table).where(table.c.name == name)).mappings().first()
    return dict(row) if row else None


def list_all(conn: Connection) -> list[dict[str, Any]]:
    """Every key, revoked ones included, by name (one cheap query the server polls)."""
    return [dict(r) for r in conn.execute(select(table).order_by(table.c.name)).mappings()]


def revoke(conn: Connection, name: str) -> None:
    conn.execute(table.update().where(table.c.name == name).values(revoked_at=time.time()))
