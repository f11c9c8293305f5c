"""Assigning rows to the declared slices: one test per kind, plus caps and errors."""

from __future__ import annotations

import pytest

from textloop.config import Slice
from textloop.errors import ConfigError, InvalidInputError
from textloop.stages.evaluate.error_analysis import assign_slices

TEXTS = ["Refund please", "where is my parcel", "REFUNDS are slow", "a" * 60, "b" * 250]
METAS = [{"channel": "email"}, {"channel": "sms"}, {"channel": "email"},
         {"channel": None}, {"channel": "chat"}]


def rows(masks: dict) -> dict[str, list[int]]:
    return {key: [i for i, hit in enumerate(mask) if hit] for key, mask in masks.items()}


def test_a_field_slice_has_one_slice_per_value_most_frequent_first() -> None:
    found = rows(assign_slices([Slice(name="channel", field="channel")], TEXTS, METAS))
    assert found == {"channel=email": [0, 2], "channel=(missing)": [3], "channel=chat": [4],
                     "channel=sms": [1]}


def test_rare_values_beyond_the_cap_are_lumped_as_other() -> None:
    spec = Slice(name="channel", field="channel", max_values=1)
    assert rows(assign_slices([spec], TEXTS, METAS)) == {"channel=email": [0, 2],
                                                         "channel=other": [1, 3, 4]}


def test_listed_values_are_kept_even_when_absent() -> None:
    spec = Slice(name="channel", field="channel", values=["sms", "phone"])
    assert rows(assign_slices([spec], TEXTS, METAS)) == {
        "channel=sms": [1], "channel=phone": [], "channel=other": [0, 2, 3, 4]}


def test_length_buckets_in_characters_and_in_words() -> None:
    chars = Slice(name="length", length=[0, 50, 200])
    assert rows(assign_slices([chars], TEXTS, METAS)) == {
        "length=<50": [0, 1, 2], "length=50–200": [3], "length=≥200": [4]}
    words = Slice(name="words", length=[3], unit="words")
    assert rows(assign_slices([words], TEXTS, METAS)) == {"words=<3": [0, 3, 4],
                                                          "words=≥3": [1, 2]}


def test_keyword_slices_match_whole_words_and_regex_slices_anywhere() -> None:
    keyword = Slice(name="refund", keywords=["refund"])
    assert rows(assign_slices([keyword], TEXTS, METAS)) == {"refund=yes": [0],
                                                            "refund=no": [1, 2, 3, 4]}
    regex = Slice(name="refundish", regex="refund", case_sensitive=True)
    assert rows(assign_slices([regex], TEXTS, METAS))["refundish=yes"] == []
    loose = Slice(name="refundish", regex="refund")
    assert rows(assign_slices([loose], TEXTS, METAS))["refundish=yes"] == [0, 2]


def test_source_slices_read_the_rows_provenance() -> None:
    sources = [{"source_kind": "file", "source_ref": "a.csv", "label_kind": "human"},
               {"source_kind": "crawl", "source_ref": "https://x", "label_kind": "weak"},
               {"source_kind": "file", "source_ref": "b.csv", "label_kind": "human"},
               {"source_kind": "file", "source_ref": None, "label_kind": "import"},
               {"source_kind": "production", "source_ref": None, "label_kind": "human"}]
    specs = [Slice(name="origin", source="kind"), Slice(name="labels", source="label_kind")]
    found = rows(assign_slices(specs, TEXTS, METAS, sources))
    assert found["origin=file"] == [0, 2, 3] and found["origin=crawl"] == [1]
    assert found["labels=human"] == [0, 2, 4] and found["labels=weak"] == [1]
    with pytest.raises(InvalidInputError, match=r"slices\.0\.source` needs each row's provenance"):
        assign_slices(specs, TEXTS, METAS)


def test_several_specs_give_one_flat_dict_of_masks() -> None:
    specs = [Slice(name="channel", field="channel", max_values=1),
             Slice(name="refund", keywords=["refund"])]
    masks = assign_slices(specs, TEXTS, METAS)
    assert list(masks) == ["channel=email", "channel=other", "refund=yes", "refund=no"]
    assert all(mask.dtype == bool and mask.shape == (5,) for mask in masks.values())


def test_a_field_no_row_carries_is_a_config_error_naming_the_key() -> None:
    specs = [Slice(name="length", length=[10]), Slice(name="lang", field="lang")]
    with pytest.raises(ConfigError) as info:
        assign_slices(specs, TEXTS, METAS)
    assert "key `slices.1.field`" in info.value.message and "channel" in info.value.message
    assert "--meta-cols lang" in (info.value.hint or "")
