"""Registry tables: numbered versions, aliases that move, and a history of every move."""

from __future__ import annotations

import pytest

from textloop.errors import ConflictError, NotFoundError
from textloop.storage import model_versions, runs


def _run(conn, name: str) -> dict:
    return runs.create(conn, model="m", short_name=name, release_id=None, config={})


def test_versions_are_numbered_and_found_by_number_or_alias(store) -> None:
    with store.write() as conn:
        first = _run(conn, "a")
        second = _run(conn, "b")
        v1 = model_versions.add_version(conn, run_id=first["id"], run_name=first["name"],
                                  release_id=None, metrics={"macro_f1": 0.8}, actor="ana")
        v2 = model_versions.add_version(conn, run_id=second["id"], run_name=second["name"],
                                  release_id=None, metrics={"macro_f1": 0.9}, actor="ana")
        model_versions.move_alias(conn, "champion", 1, action="promote", actor="ana")
    assert (v1["version"], v2["version"]) == (1, 2)
    with store.read() as conn:
        assert model_versions.get_version(conn, "v2")["metrics"] == {"macro_f1": 0.9}
        assert model_versions.get_version(conn, "champion")["run_name"] == first["name"]
        assert model_versions.get_version(conn, "1")["aliases"] == ["champion"]
        with pytest.raises(NotFoundError, match="no model version 'v7'"):
            model_versions.get_version(conn, "v7")


def test_a_run_is_registered_once(store) -> None:
    with store.write() as conn:
        run = _run(conn, "a")
        model_versions.add_version(conn, run_id=run["id"], run_name=run["name"], release_id=None,
                             metrics={}, actor="ana")
        with pytest.raises(ConflictError, match="already registered as version m1"):
            model_versions.add_version(conn, run_id=run["id"], run_name=run["name"],
                                       release_id=None, metrics={}, actor="ana")


def test_alias_moves_are_kept_with_who_from_to_and_why(store) -> None:
    with store.write() as conn:
        for name in ("a", "b"):
            run = _run(conn, name)
            model_versions.add_version(conn, run_id=run["id"], run_name=run["name"],
                                       release_id=None, metrics={}, actor="ana")
        model_versions.move_alias(conn, "champion", 1, action="promote", actor="ana")
        model_versions.move_alias(conn, "champion", 2, action="promote", actor="bo", forced=True,
                            reason="hotfix", details={"failed": ["ece"]})
    with store.read() as conn:
        moves = model_versions.history(conn, "champion")
        assert model_versions.aliases(conn) == {"champion": 2}
    assert [(m["from_version"], m["to_version"], m["actor"]) for m in moves] == [
        (None, 1, "ana"), (1, 2, "bo")]
    assert moves[1]["forced"] is True and moves[1]["reason"] == "hotfix"
    assert moves[1]["details"] == {"failed": ["ece"]}
