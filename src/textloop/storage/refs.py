"""One resolver for every name a user gives a model: a run, a model version or an alias.

``predict champion`` used to fail while ``serve`` and ``promote`` took aliases, because each
command looked names up its own way. Every command now resolves through these two functions:

- ``resolve_run`` where a command needs a run (predict, evaluate, serve --run, export ...):
  a run name (``tfidf-lr-3``), id or id prefix, run number, ``latest``; else a version
  (``m3``, the old ``v3``) or an alias (``champion``), meaning the run behind it;
- ``resolve_version`` where it needs a version (promote, lineage, monitor ...): ``m3``,
  ``3``, ``v3``, an alias; else a run name or id, meaning the version it was registered as.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from textloop.errors import NotFoundError
from textloop.storage import model_versions, runs


def resolve_run(conn: Connection, ref: str) -> dict[str, Any]:
    """The run ``ref`` names, directly or through a version or an alias."""
    try:
        return runs.get(conn, ref)
    except NotFoundError as missing:
        version = _version(conn, ref)
        if version is None:
            raise _unknown(conn, ref, "run") from missing
        return runs.get(conn, version["run_id"])


def resolve_version(conn: Connection, ref: str) -> dict[str, Any]:
    """The model version ``ref`` names, directly, through an alias, or through its run.

    A version-shaped name (``m3``, ``3``) never falls back to runs: ``promote 3`` must not
    promote whatever run number 3 was registered as.
    """
    version = _version(conn, ref)
    if version is not None:
        return version
    if model_versions.parse_version(ref) is not None:
        return model_versions.get_version(conn, ref)  # raises, listing the versions there are
    try:
        run = runs.get(conn, ref)
    except NotFoundError as missing:
        raise _unknown(conn, ref, "model version") from missing
    registered = model_versions.version_of_run(conn, run["id"])
    if registered is None:
        raise NotFoundError(f"run {run['name']} is not a model version (it was never "
                            "registered)",
                            hint=f"register it with `textloop register {run['name']}`, or "
                                 "name a version (m1) or an alias (champion)")
    return model_versions.get_version(conn, str(registered))


def _version(conn: Connection, ref: str) -> dict[str, Any] | None:
    """The version ``m3``/``v3``/``3`` or an alias names, None when there is none."""
    try:
        return model_versions.get_version(conn, ref)
    except NotFoundError:
        return None


def _unknown(conn: Connection, ref: str, wanted: str) -> NotFoundError:
    recent = ", ".join(r["name"] for r in runs.list_all(conn)[-5:]) or "none yet"
    versions = model_versions.list_versions(conn)
    names = ", ".join(v["name"] for v in versions[-5:]) or "none yet"
    aliases = ", ".join(sorted(model_versions.aliases(conn))) or "none yet"
    return NotFoundError(
        f"no {wanted} {ref!r}: it is not a run, a model version or an alias (recent runs: "
        f"{recent}; versions: {names}; aliases: {aliases})",
        hint="list them with `textloop runs` and `textloop versions`; train with "
             "`textloop train`")
