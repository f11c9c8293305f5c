"""The ``slices:`` and ``fairness:`` sections of textloop.yaml: values, errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.config import load_spec, write_spec
from textloop.errors import ConfigError

SPEC = """
name: support
labels: [{name: spam}, {name: ham}]
"""


def load(tmp_path: Path, extra: str = ""):
    path = tmp_path / "textloop.yaml"
    path.write_text(SPEC + extra, encoding="utf-8")
    return load_spec(path)


def message(tmp_path: Path, extra: str) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, extra)
    return info.value.message


def test_each_kind_of_slice_and_a_single_fairness_mapping_are_read(tmp_path: Path) -> None:
    spec = load(tmp_path, """
slices:
  - {name: channel, field: channel, max_values: 3}
  - {name: length, length: [0, 50, 200], unit: words}
  - {name: origin, source: kind}
  - {name: refund, keywords: [refund, chargeback], min_rows: 5}
  - {name: money, regex: '\\$\\d+'}
fairness: {field: gender, positive_label: spam}
""")
    assert [s.kind for s in spec.slices] == ["field", "length", "source", "keywords", "regex"]
    assert spec.slices[1].length == [0, 50, 200] and spec.slices[3].min_rows == 5
    assert [(f.field, f.positive_label) for f in spec.fairness] == [("gender", "spam")]


def test_a_saved_spec_with_slices_loads_again(tmp_path: Path) -> None:
    spec = load(tmp_path, "slices: [{name: length, length: [0, 50]}]\nfairness: [{field: g}]\n")
    write_spec(tmp_path / "textloop.yaml", spec)
    again = load_spec(tmp_path / "textloop.yaml")
    assert again.slices == spec.slices and again.fairness == spec.fairness


def test_two_kinds_on_one_slice_are_refused_with_its_key(tmp_path: Path) -> None:
    text = message(tmp_path, "slices: [{name: channel, field: channel, length: [0, 50]}]\n")
    assert "key `slices.0`" in text and "sets field and length" in text
    assert "exactly one of field, length, source, keywords, regex" in text
    assert "sets no kind" in message(tmp_path, "slices: [{name: nothing}]\n")


def test_an_unknown_metadata_field_names_the_key_and_the_declared_fields(tmp_path: Path
                                                                          ) -> None:
    text = message(tmp_path, "metadata_fields: [channel, lang]\n"
                             "slices: [{name: channel, field: chanel}]\n"
                             "fairness: {field: gender}\n")
    assert "`slices.0.field` ('chanel')" in text and "`fairness.0.field` ('gender')" in text
    assert "metadata_fields (channel, lang)" in text


def test_an_unknown_key_in_a_slice_gets_a_suggestion(tmp_path: Path) -> None:
    text = message(tmp_path, "slices: [{name: channel, fild: channel}]\n")
    assert "unknown key `slices.0.fild`: did you mean `field`?" in text


@pytest.mark.parametrize(("extra", "expected"), [
    ("slices: [{name: l, length: [50, 10]}]\n", "increasing edges"),
    ("slices: [{name: l, length: [0]}]\n", "increasing edges"),
    ("slices: [{name: k, keywords: ['  ']}]\n", "keywords lists no word"),
    ("slices: [{name: r, regex: '(unclosed'}]\n", "invalid regex"),
    ("slices: [{name: l, length: [0, 50], max_values: 3}]\n",
     "max_values applies to a field or source slice, not a length slice"),
    ("slices: [{name: s, source: url}]\n", "slices.0.source"),
    ("slices: [{name: a, field: x}, {name: a, field: y}]\n", "a is listed twice"),
    ("slices: [{name: 'a b', field: x}]\n", "slices.0.name"),
    ("fairness: {field: g, positive_label: eggs}\n", "`fairness.0.positive_label` ('eggs')"),
    ("fairness: [{field: g}, {field: g}]\n", "fairness lists a field twice"),
])
def test_bad_slice_and_fairness_values_are_explained(tmp_path: Path, extra: str,
                                                     expected: str) -> None:
    assert expected in message(tmp_path, extra)
