"""``plain``: the one JSON-ready shape every typed result's ``to_dict()`` returns."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from textloop.types import Jsonable, SourceKind, plain


@dataclass
class _Inner:
    where: Path
    kind: SourceKind


@dataclass
class _Outer:
    name: str
    counts: Counter[str]
    inner: _Inner
    pairs: tuple[tuple[int, str], ...] = ()
    tags: frozenset[str] = field(default_factory=frozenset)


def test_plain_turns_dataclasses_paths_enums_and_counters_into_json() -> None:
    value = _Outer("a", Counter(spam=2), _Inner(Path("/tmp/x.csv"), SourceKind.FILE),
                   pairs=((1, "b"),), tags=frozenset({"t"}))
    out = plain(value)
    assert out == {"name": "a", "counts": {"spam": 2},
                   "inner": {"where": "/tmp/x.csv", "kind": "file"},
                   "pairs": [[1, "b"]], "tags": ["t"]}
    assert json.loads(json.dumps(out)) == out
    assert type(out["counts"]) is dict and type(out["inner"]["kind"]) is str


def test_plain_keeps_scalars_and_stringifies_mapping_keys() -> None:
    assert plain({1: None, "x": [1.5, True]}) == {"1": None, "x": [1.5, True]}
    assert plain(_Outer) is _Outer  # a class is not an instance to convert


def test_plain_turns_numpy_numbers_into_python_ones_and_nan_into_none() -> None:
    """A metric straight from scikit-learn is a NumPy scalar: a script must read it as a
    number, and strict JSON has no NaN."""
    out = plain({"f1": np.float32(0.25), "n": np.int64(3), "ok": np.bool_(True),
                 np.int64(7): np.array([[1, 2]]), "auc": float("nan"),
                 "inf": np.float64("inf")})
    assert out == {"f1": 0.25, "n": 3, "ok": True, "7": [[1, 2]], "auc": None, "inf": None}
    assert [type(out[k]) for k in ("f1", "n", "ok")] == [float, int, bool]
    json.dumps(out, allow_nan=False)


def test_jsonable_gives_a_result_its_fields_as_to_dict() -> None:
    @dataclass
    class Result(Jsonable):
        where: Path
        scores: list[float]

    assert Result(Path("/tmp/r"), [np.float32(0.5)]).to_dict() == {"where": "/tmp/r",
                                                                    "scores": [0.5]}
