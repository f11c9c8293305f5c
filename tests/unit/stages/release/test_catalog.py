"""Listing releases with what changed between them."""

from __future__ import annotations

from tests.unit.stages.release.conftest import spam_ham
from textloop.stages.release import create_release, list_releases


def test_list_shows_rows_parent_changes_and_message(project, store, add_rows) -> None:
    assert list_releases(store) == []
    add_rows(spam_ham(12))
    create_release(store, project)
    add_rows(spam_ham(3, prefix="more"))
    create_release(store, project, message="three more")
    first, second = list_releases(store)
    assert (first.id, first.rows, first.parent, first.changes) == ("v1", 12, None,
                                                                  "first release: 12 rows")
    assert (second.id, second.rows, second.parent) == ("v2", 15, "v1")
    assert second.changes == "vs v1: +3 added, -0 removed, 0 relabeled"
    assert second.message == "three more"
    assert second.path == store.path_for("releases", "v2")
