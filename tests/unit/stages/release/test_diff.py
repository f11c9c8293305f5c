"""The row-level diff between a release and its parent."""

from __future__ import annotations

from textloop.stages.release.diff import Change, compute_diff, describe_counts


def test_added_removed_relabeled_and_moved_rows_are_reported() -> None:
    previous = [("a", "train", "spam"), ("b", "test", "ham"), ("c", "train", "ham")]
    diff = compute_diff("v1", previous, ["a", "b", "d"], ["train", "train", "test"],
                        ["ham", "ham", "spam"])
    assert diff.added == ["d"]
    assert diff.removed == ["c"]
    assert diff.relabeled == [Change("a", "spam", "ham")]
    assert diff.moved == [Change("b", "test", "train")]
    assert diff.counts() == {"added": 1, "removed": 1, "relabeled": 1, "moved": 1,
                             "unchanged": 0}
    body = diff.to_dict()
    assert body["parent"] == "v1"
    assert body["relabeled"] == [{"id": "a", "old": "spam", "new": "ham"}]


def test_identical_release_says_no_changes() -> None:
    rows = [("a", "train", "spam")]
    diff = compute_diff("v1", rows, ["a"], ["train"], ["spam"])
    assert diff.counts()["unchanged"] == 1
    assert diff.summary() == "no changes since v1"


def test_first_release_adds_everything() -> None:
    diff = compute_diff(None, [], ["b", "a"], ["train", "test"], ["x", "y"])
    assert diff.added == ["a", "b"]
    assert diff.summary() == "first release: 2 rows"


def test_summary_line_lists_the_changes() -> None:
    counts = {"added": 1200, "removed": 2, "relabeled": 1, "moved": 0}
    assert describe_counts("v3", counts) == "vs v3: +1,200 added, -2 removed, 1 relabeled"
    assert "3 moved split" in describe_counts("v3", {**counts, "moved": 3})
