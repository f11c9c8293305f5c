"""``plain``: the one JSON-ready shape every typed result's ``to_dict()`` returns."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from textloop.types import SourceKind, plain


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
