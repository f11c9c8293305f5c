"""One resolver for runs, model versions and aliases, whichever a command expects."""

from __future__ import annotations

import pytest

from textloop.errors import NotFoundError
from textloop.storage import model_versions, runs
from textloop.storage.refs import resolve_run, resolve_version


@pytest.fixture
def catalog(store):
    """Runs a-1 (version m1, champion), b-2 (version m2, challenger) and c-3 (unregistered)."""
    with store.write() as conn:
        made = [runs.create(conn, model="m", short_name=n, release_id=None, config={})
                for n in ("a", "b", "c")]
        for run in made[:2]:
            model_versions.add_version(conn, run_id=run["id"], run_name=run["name"],
                                       release_id=None, metrics={}, actor="ana")
        model_versions.move_alias(conn, "champion", 1, action="promote", actor="ana")
        model_versions.move_alias(conn, "challenger", 2, action="register", actor="ana")
    return store


@pytest.mark.parametrize(("ref", "name"), [
    ("a-1", "a-1"), ("3", "c-3"), ("m2", "b-2"), ("M1", "a-1"),
    ("v2", "b-2"), ("champion", "a-1"), ("challenger", "b-2")])
def test_a_run_is_named_by_its_name_a_version_or_an_alias(catalog, ref, name) -> None:
    with catalog.read() as conn:
        assert resolve_run(conn, ref)["name"] == name


@pytest.mark.parametrize(("ref", "number"), [
    ("m1", 1), ("2", 2), ("v2", 2), ("champion", 1), ("b-2", 2)])
def test_a_version_is_named_by_its_name_an_alias_or_its_run(catalog, ref, number) -> None:
    with catalog.read() as conn:
        version = resolve_version(conn, ref)
    assert (version["version"], version["name"]) == (number, f"m{number}")


def test_a_version_shaped_name_never_falls_back_to_a_run(catalog) -> None:
    """Run number 3 exists, version 3 does not: ``promote 3`` must not pick the run."""
    with catalog.read() as conn, pytest.raises(NotFoundError) as caught:
        resolve_version(conn, "3")
    assert "no model version '3'" in caught.value.message and "m1, m2" in caught.value.message


def test_an_unregistered_run_is_not_a_version_and_says_how_to_make_it_one(catalog) -> None:
    with catalog.read() as conn, pytest.raises(NotFoundError) as caught:
        resolve_version(conn, "c-3")
    assert "run c-3 is not a model version" in caught.value.message
    assert "textloop register c-3" in caught.value.hint


def test_an_unknown_name_lists_runs_versions_and_aliases(catalog) -> None:
    with catalog.read() as conn, pytest.raises(NotFoundError) as caught:
        resolve_run(conn, "nope")
    message = caught.value.message
    assert "not a run, a model version or an alias" in message
    assert "a-1, b-2, c-3" in message and "m1, m2" in message
    assert "challenger, champion" in message


def test_version_names(catalog) -> None:
    assert [model_versions.version_name(n) for n in (1, 12, None)] == ["m1", "m12", "-"]
    refs = ("m3", "v3", "3", " M4 ", "champion", "m")
    assert [model_versions.parse_version(r) for r in refs] == [3, 3, 3, 4, None, None]
