"""The model version tables: numbered versions of runs, aliases, and every alias move.

Names follow MLflow's model registry (versions, aliases such as ``champion``), so an export
maps one to one. A version is named ``m3`` (model 3), never ``v3``: releases are ``v1``,
``v2``, and one name for two things made "promote v2" ambiguous to read. The old ``v3`` is
still accepted where a version is expected, since there it can mean nothing else.

An alias is a pointer that moves; its history is append-only, so who moved
it, when, from which version and why (including a forced override) is never lost.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from textloop.errors import ConflictError, NotFoundError
from textloop.storage import jsoncol
from textloop.storage.dialect import next_number
from textloop.storage.schema import model_alias_history, model_aliases, model_versions

PREFIX = "m"
_OLD_PREFIX = "v"


def version_name(number: int | None) -> str:
    """``m3`` for version 3 (``-`` for none): how every command shows a version."""
    return "-" if number is None else f"{PREFIX}{number}"


def parse_version(ref: str) -> int | None:
    """The number in ``m3``, ``3`` or the old ``v3``; None when ``ref`` is not of that form."""
    text = ref.strip()
    digits = text[1:] if text[:1].lower() in (PREFIX, _OLD_PREFIX) else text
    return int(digits) if digits.isdigit() else None


def add_version(conn: Connection, *, run_id: str, run_name: str, release_id: str | None,
                metrics: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """Register a run as the next version; a run is registered at most once."""
    existing = conn.execute(select(model_versions.c.version).where(
        model_versions.c.run_id == run_id)).scalar()
    if existing is not None:
        raise ConflictError(f"run {run_name} is already registered as version "
                            f"{version_name(existing)}",
                            hint=f"promote it with `textloop promote {version_name(existing)}`")
    number = next_number(conn, model_versions.c.version)
    row = {"version": number, "run_id": run_id, "run_name": run_name, "release_id": release_id,
           "created_at": time.time(), "created_by": actor, "metrics": jsoncol.dumps(dict(metrics))}
    conn.execute(model_versions.insert().values(**row))
    return get_version(conn, str(number))


def set_card_path(conn: Connection, version: int, card_path: str) -> None:
    conn.execute(model_versions.update().where(model_versions.c.version == version).values(
        card_path=card_path))


def get_version(conn: Connection, ref: str) -> dict[str, Any]:
    """A version by name (``m3``, ``3``, the old ``v3``) or by the alias pointing at it
    (``champion``). Commands resolve names through ``storage.refs``, which also takes runs."""
    number = _resolve(conn, ref)
    row = None if number is None else conn.execute(
        select(model_versions).where(model_versions.c.version == number)).mappings().first()
    if row is None:
        known = ", ".join(version_name(v["version"]) for v in list_versions(conn)[-5:]
                          ) or "none yet"
        raise NotFoundError(f"no model version {ref!r} (recent versions: {known})",
                            hint="list them with `textloop versions`; register a run with "
                                 "`textloop register RUN`")
    return _decode(conn, row)


def version_of_run(conn: Connection, run_id: str) -> int | None:
    """The version a run was registered as, None when it never was."""
    return conn.execute(select(model_versions.c.version).where(
        model_versions.c.run_id == run_id)).scalar()


def _resolve(conn: Connection, ref: str) -> int | None:
    number = parse_version(ref)
    return number if number is not None else aliases(conn).get(ref)


def list_versions(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(model_versions).order_by(model_versions.c.version)).mappings()
    return [_decode(conn, row) for row in rows.all()]


def aliases(conn: Connection) -> dict[str, int]:
    """Alias -> the version it points at now."""
    rows = conn.execute(select(model_aliases.c.alias, model_aliases.c.version))
    return {alias: int(version) for alias, version in rows}


def move_alias(conn: Connection, alias: str, to_version: int, *, action: str, actor: str,
               forced: bool = False, reason: str | None = None,
               details: Mapping[str, Any] | None = None) -> None:
    """Point ``alias`` at ``to_version`` and append the move to the alias history."""
    now = time.time()
    before = aliases(conn).get(alias)
    if before is None:
        conn.execute(model_aliases.insert().values(alias=alias, version=to_version,
                                                   updated_at=now, updated_by=actor))
    else:
        conn.execute(model_aliases.update().where(model_aliases.c.alias == alias).values(
            version=to_version, updated_at=now, updated_by=actor))
    conn.execute(model_alias_history.insert().values(
        alias=alias, action=action, from_version=before, to_version=to_version, actor=actor,
        created_at=now, forced=int(forced), reason=reason,
        details=jsoncol.dumps(dict(details or {}))))


def clear_alias(conn: Connection, alias: str, *, action: str, actor: str) -> None:
    """Remove ``alias`` (if set) and record the removal (``to_version`` empty) in history."""
    before = aliases(conn).get(alias)
    if before is None:
        return
    conn.execute(model_aliases.delete().where(model_aliases.c.alias == alias))
    conn.execute(model_alias_history.insert().values(
        alias=alias, action=action, from_version=before, to_version=None, actor=actor,
        created_at=time.time(), forced=0, reason=None, details="{}"))


def history(conn: Connection, alias: str | None = None) -> list[dict[str, Any]]:
    """Alias moves, oldest first (of one alias, or of all)."""
    query = select(model_alias_history).order_by(model_alias_history.c.id)
    if alias is not None:
        query = query.where(model_alias_history.c.alias == alias)
    out = []
    for row in conn.execute(query).mappings():
        item = dict(row)
        item["forced"] = bool(item["forced"])
        item["details"] = jsoncol.loads(item["details"])
        out.append(item)
    return out


def _decode(conn: Connection, row: Any) -> dict[str, Any]:
    out = dict(row)
    out["metrics"] = jsoncol.loads(out["metrics"])
    out["name"] = version_name(out["version"])
    out["aliases"] = sorted(a for a, v in aliases(conn).items() if v == out["version"])
    return out
