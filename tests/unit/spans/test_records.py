"""Every writer reads back to the same spans: random texts built from Hangul, CJK, kana,
astral and ZWJ emoji, combining marks, CRLF and tabs, with random valid spans."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textloop.spans import Span
from textloop.spans.conll import read_conll, write_conll
from textloop.spans.doccano import read_doccano, write_doccano
from textloop.spans.hf import read_hf, read_token_jsonl, write_hf, write_token_jsonl
from textloop.spans.jsonl import read_jsonl, write_jsonl
from textloop.spans.label_studio import read_label_studio, write_label_studio
from textloop.spans.records import Record
from textloop.spans.schemes import SCHEMES
from textloop.spans.tokens import detokenize

PIECES = ["a", "Seoul", " ", "\t", "\r\n", "\n", "가", "한국어", "中", "ア", "😀", "👩\u200d💻",
          "e\u0301", "ﬁ", ",", "🇰🇷"]
TOKENS = ["Seoul", "한", "中", "ア", "😀", "👩\u200d💻", "e\u0301", ",", "x1", "👍🏽", "3"]
LABELS = st.sampled_from(["PER", "LOC", "장소", "B-X"])


@st.composite
def char_records(draw: st.DrawFn) -> Record:
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12)))
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, draw(LABELS)))
    return Record(text, sorted(set(spans)), {})


@st.composite
def token_records(draw: st.DrawFn) -> Record:
    pieces = draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=10))
    text, offsets = detokenize(pieces)
    cuts = sorted(draw(st.sets(st.integers(0, len(pieces)), min_size=2, max_size=6)))
    spans = [Span(offsets[a][0], offsets[b - 1][1], draw(LABELS))
             for a, b in itertools.pairwise(cuts) if draw(st.booleans())]
    return Record(text, spans, {})


Write = Callable[[list[Record], Path], object]
Read = Callable[[Path], object]

CHAR_FORMATS: dict[str, tuple[Write, Read]] = {
    "jsonl": (write_jsonl, read_jsonl),
    "doccano-label": (lambda r, p: write_doccano(r, p, form="label"), read_doccano),
    "doccano-entities": (lambda r, p: write_doccano(r, p, form="entities"), read_doccano),
    "label-studio": (write_label_studio, read_label_studio),
    # a file whose every span reads both ways cannot tell its unit: name it
    "label-studio-utf16": (lambda r, p: write_label_studio(r, p, utf16=True),
                           lambda p: read_label_studio(p, offsets="utf16")),
}
TOKEN_FORMATS: dict[str, tuple[Write, Read]] = {
    **{f"conll-{s}": ((lambda r, p, s=s: write_conll(r, p, scheme=s)), read_conll)
       for s in SCHEMES},
    "conll-no-header": (lambda r, p: write_conll(r, p, header=False), read_conll),
    "token-jsonl": (lambda r, p: write_token_jsonl(r, p)[0],
                    lambda p: read_token_jsonl(p, labels=p.with_suffix(".labels").read_text(
                        "utf-8").split("\n"))),
}


def round_trip(name: str, write: Write, read: Read, records: list[Record]) -> list[Record]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"out.{name}"
        labels = write(records, path)
        if isinstance(labels, list):
            path.with_suffix(".labels").write_text("\n".join(labels), encoding="utf-8")
        return list(read(path))  # type: ignore[call-overload]


@pytest.mark.parametrize("name", CHAR_FORMATS)
@given(records=st.lists(char_records(), min_size=1, max_size=4))
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
def test_character_formats_round_trip_exactly(name: str, records: list[Record]) -> None:
    back = round_trip(name, *CHAR_FORMATS[name], records)
    assert [(r.text, r.spans) for r in back] == [(r.text, r.spans) for r in records]


@pytest.mark.parametrize("name", TOKEN_FORMATS)
@given(records=st.lists(token_records(), min_size=1, max_size=4))
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
def test_token_formats_round_trip_spans_aligned_to_tokens(name: str, records: list[Record]
                                                          ) -> None:
    back = round_trip(name, *TOKEN_FORMATS[name], records)
    assert [(r.text, r.spans) for r in back] == [(r.text, r.spans) for r in records]


@given(records=st.lists(token_records(), min_size=1, max_size=3))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_dataset_folders_round_trip(records: list[Record]) -> None:
    pytest.importorskip("datasets", reason="the hf extra (datasets) is not installed")
    back = round_trip("ds", write_hf, read_hf, records)
    assert [(r.text, r.spans) for r in back] == [(r.text, r.spans) for r in records]
