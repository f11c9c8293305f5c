"""``plain``: every result's ``to_dict()`` as JSON values, whatever types the stage used."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np

from textloop.jsonable import plain


class Kind(StrEnum):
    URL = "url"


@dataclass
class Inner:
    score: float
    kind: Kind


@dataclass
class Outer:
    path: Path
    counts: Counter[str]
    inner: list[Inner]
    tags: set[str] = field(default_factory=set)
    _cache: int = 0  # private: never part of the document


def test_plain_turns_a_nested_result_into_json_values() -> None:
    value = Outer(Path("/tmp/v1"), Counter({"spam": np.int64(2)}),
                  [Inner(np.float32(0.25), Kind.URL)], tags={"b", "a"})
    out = plain(value)
    assert out == {"path": "/tmp/v1", "counts": {"spam": 2},
                   "inner": [{"score": 0.25, "kind": "url"}], "tags": ["a", "b"]}
    assert type(out["counts"]["spam"]) is int and type(out["inner"][0]["score"]) is float
    assert type(out["inner"][0]["kind"]) is str
    json.dumps(out, allow_nan=False)  # strict JSON: no NaN, nothing unknown


def test_plain_writes_non_finite_numbers_as_null_and_keys_as_strings() -> None:
    assert plain({1: float("inf"), "x": np.float64("nan"), "a": np.array([[1, 2]])}) == {
        "1": None, "x": None, "a": [[1, 2]]}
