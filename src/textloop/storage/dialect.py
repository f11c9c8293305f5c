"""The few statements whose spelling differs between SQLite and PostgreSQL.

Serialising writers differs too. On SQLite a write transaction holds the whole database from
its ``BEGIN IMMEDIATE``, so read-then-write steps (the next number, the schema version) are
safe as written. On PostgreSQL many writers run at once, so such a step first takes a
transaction-scoped advisory lock of its own (``serialize``): only writers of the same kind
wait for each other, annotators and the prediction log do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Connection, Float, Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError


def serialize(conn: Connection, name: str) -> None:
    """Hold the lock named ``name`` until the caller's transaction ends (PostgreSQL's
    ``pg_advisory_xact_lock``); a no-op on SQLite, whose write transactions are already
    serialised. Another transaction asking for the same name waits until this one ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                     {"name": f"textloop.{name}"})


def next_number(conn: Connection, column: Column[int]) -> int:
    """One more than the largest ``column`` (1 for an empty table), reserved for the caller's
    transaction: writers numbering the same table are serialised until it ends, so two
    runs, releases or reports started at once never take the same number."""
    serialize(conn, f"number:{column.table.name}")
    return int(conn.execute(select(func.max(column))).scalar() or 0) + 1


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows, silently skipping those that hit a unique key; returns rows inserted.

    On SQLite, plain values go straight to the driver's ``executemany``: building SQLAlchemy
    parameters costs more than the insert itself for the million-row imports this serves.
    Rows must all carry the keys of the first row (as with SQLAlchemy's executemany).
    """
    if not rows:
        return 0
    keys = tuple(rows[0])
    if _driver_sql(conn, table, keys) is not None:
        getter = itemgetter(*keys)
        values = [getter(row) for row in rows] if len(keys) > 1 else [(row[keys[0]],)
                                                                      for row in rows]
        return insert_ignore_values(conn, table, keys, values)
    return _sqlalchemy_insert(conn, table, rows)


def insert_ignore_values(conn: Connection, table: Table, keys: Sequence[str],
                         values: Sequence[Sequence[Any]]) -> int:
    """``insert_ignore`` for rows given as value tuples in ``keys`` order (no dicts to build)."""
    if not values:
        return 0
    sql = _driver_sql(conn, table, tuple(keys))
    if sql is None:
        return _sqlalchemy_insert(conn, table, [dict(zip(keys, row, strict=True))
                                                for row in values])
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, values)
        return max(cursor.rowcount, 0)
    except dbapi_error as exc:
        # the same exception types as a SQLAlchemy execute would raise (IntegrityError, ...)
        raise DBAPIError.instance(sql, None, exc, dbapi_error, hide_parameters=True) from exc
    finally:
        cursor.close()


def _sqlalchemy_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Through SQLAlchemy; on PostgreSQL inserted rows are counted with ``RETURNING``.

    psycopg's batched ``executemany`` does not report a total row count, but ``RETURNING``
    under ``ON CONFLICT DO NOTHING`` yields exactly the rows that went in.
    """
    if conn.dialect.name == "postgresql":
        key = next(iter(table.primary_key.columns))
        stmt = postgresql.insert(table).on_conflict_do_nothing().returning(key)
        return len(conn.execute(stmt, list(rows)).all())
    result = conn.execute(sqlite.insert(table).on_conflict_do_nothing(), list(rows))
    return max(result.rowcount, 0)


def _driver_sql(conn: Connection, table: Table, keys: tuple[str, ...]) -> str | None:
    if conn.dialect.name != "sqlite":
        return None
    return _driver_insert_sql(table, keys, conn.dialect)


@lru_cache(maxsize=64)
def _driver_insert_sql(table: Table, keys: tuple[str, ...], dialect: Dialect) -> str | None:
    """``INSERT ... ON CONFLICT DO NOTHING`` in qmark style, or None when SQLAlchemy must help.

    SQLAlchemy is needed when a column converts values on the way in (a bind processor) or
    when an omitted column has a Python-side default; neither holds for text and numbers.
    (``Float`` only coerces to float, which SQLite's REAL column affinity does as well.)
    ``ON CONFLICT DO NOTHING`` (not ``INSERT OR IGNORE``) so NOT NULL violations still raise.
    """
    if any(key not in table.c for key in keys):
        return None
    columns = [table.c[key] for key in keys]
    if any(not isinstance(col.type, Float) and col.type._cached_bind_processor(dialect)
           is not None for col in columns):
        return None
    if any(col.default is not None for col in table.c if col.key not in keys):
        return None
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(col.name) for col in columns)
    marks = ", ".join("?" for _ in columns)
    target = dialect.identifier_preparer.format_table(table)
    return f"INSERT INTO {target} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"
