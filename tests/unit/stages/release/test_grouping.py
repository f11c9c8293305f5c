"""Groups: near-duplicate texts and shared group values are joined, transitively."""

from __future__ import annotations

from textloop.stages.release.grouping import MISSING, factorize, group_ids, normalize_for_grouping


def test_case_and_spacing_do_not_separate_texts() -> None:
    assert normalize_for_grouping("  Free\tPRIZE \n now") == "free prize now"


def test_factorize_codes_values_and_marks_missing() -> None:
    assert factorize(["b", "a", None, "b"]).tolist() == [0, 1, MISSING, 0]
    mixed = factorize([1, "1", None, 1]).tolist()
    assert mixed[0] == mixed[3] != mixed[1] and mixed[2] == MISSING


def test_near_duplicates_share_a_group_without_a_group_column() -> None:
    ids = group_ids(["Hello  World", "hello world", "other"]).ids.tolist()
    assert ids[0] == ids[1] != ids[2]


def test_text_and_group_value_join_transitively() -> None:
    # row 0 and 1 share a video; row 1 and 2 are the same text; row 3 has no video
    texts = ["first", "second", "SECOND", "fourth", "fifth"]
    videos = ["v1", "v1", None, None, "v2"]
    grouping = group_ids(texts, videos)
    ids = grouping.ids.tolist()
    assert ids[0] == ids[1] == ids[2]
    assert len({ids[0], ids[3], ids[4]}) == 3
    assert grouping.texts_across_groups == 0


def test_a_text_repeated_under_two_groups_does_not_chain_them() -> None:
    texts = ["great song", "Great  song", "only in a", "only in b", "great song!", "GREAT SONG"]
    videos = ["a", "b", "a", "b", None, None]
    grouping = group_ids(texts, videos)
    ids = grouping.ids.tolist()
    assert ids[0] == ids[2] != ids[1] == ids[3]
    assert ids[5] not in (ids[0], ids[1])  # no video: stays out of both groups
    assert ids[4] not in (ids[0], ids[1], ids[5])
    assert grouping.texts_across_groups == 1


def test_group_ids_are_numbered_by_first_appearance() -> None:
    assert group_ids(["b", "a", "b", "c"]).ids.tolist() == [0, 1, 0, 2]
    assert group_ids(["x", "y", "z"], ["g2", None, "g2"]).ids.tolist() == [0, 1, 0]
    assert group_ids(["x", "y"], [None, None]).ids.tolist() == [0, 1]
