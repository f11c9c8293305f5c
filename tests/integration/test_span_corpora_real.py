"""The span corpora in ../shared/data/spans read as published, and round-trip.

Every CoNLL file reads with the counts its README gives, and writing it back as IOB2 gives
the same tokens and tags line for line (BTC's blank and empty tokens included). The dev
files also go through JSONL, doccano, Label Studio and Hugging Face folders and back to the
same texts and spans.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import shared_data
from textloop.spans.conll import read_conll, write_conll
from textloop.spans.doccano import read_doccano, write_doccano
from textloop.spans.hf import read_hf, write_hf
from textloop.spans.jsonl import read_jsonl, write_jsonl
from textloop.spans.label_studio import read_label_studio, write_label_studio
from textloop.spans.records import Record

pytestmark = pytest.mark.integration

SENTENCES = {
    "wnut17/train.conll": 3394, "wnut17/dev.conll": 1009, "wnut17/test.conll": 1287,
    "btc/a.conll": 1000, "btc/b.conll": 2000, "btc/e.conll": 200, "btc/f.conll": 2000,
    "btc/g.conll": 2138, "btc/h.conll": 2001,
    "bc5cdr/train.tsv": 4560, "bc5cdr/devel.tsv": 4581, "bc5cdr/test.tsv": 4797,
}
TYPES = {"wnut17": {"person", "location", "group", "corporation", "product", "creative-work"},
         "btc": {"PER", "ORG", "LOC"}, "bc5cdr": {"Chemical", "Disease"}}
DEV = ["wnut17/dev.conll", "btc/e.conll", "bc5cdr/devel.tsv"]


def token_lines(path: Path, skip_header: bool = False) -> list[tuple[str, str]]:
    """(token, tag) of each token line, read without the library."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if skip_header:
        lines = lines[1:]
    return [(line.split("\t")[0], line.split("\t")[-1]) for line in lines if line.strip()]


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_every_file_reads_and_writes_back_the_same_tokens_and_tags(
        name: str, tmp_path: Path) -> None:
    source = shared_data("spans", name)
    records = list(read_conll(source))
    assert len(records) == SENTENCES[name]
    assert {r.meta["scheme"] for r in records} == {"IOB2"}
    assert {s.label for r in records for s in r.spans} == TYPES[name.split("/")[0]]
    out = tmp_path / "out.conll"
    alignment = write_conll(records, out)
    assert alignment.message() is None
    assert token_lines(out, skip_header=True) == token_lines(source)


def test_a_known_sentence_has_its_entities_at_the_right_characters() -> None:
    records = list(read_conll(shared_data("spans", "bc5cdr/devel.tsv")))
    first = records[0]
    assert first.text.startswith("22 - oxacalcitriol suppresses secondary hyperparathyroidism")
    assert [(s.text_of(first.text), s.label) for s in first.spans[:3]] == [
        ("22 - oxacalcitriol", "Chemical"), ("secondary hyperparathyroidism", "Disease"),
        ("low bone turnover", "Disease")]


FORMATS: dict[str, tuple[Callable[[list[Record], Path], object], Callable[[Path], object]]] = {
    "jsonl": (write_jsonl, read_jsonl),
    "doccano": (write_doccano, read_doccano),
    "label-studio": (lambda r, p: write_label_studio(r, p, utf16=True), read_label_studio),
    "hf": (write_hf, read_hf),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", DEV)
def test_dev_files_round_trip_through_every_format(name: str, fmt: str, tmp_path: Path
                                                   ) -> None:
    if fmt == "hf":
        pytest.importorskip("datasets", reason="the hf extra (datasets) is not installed")
    records = list(read_conll(shared_data("spans", name)))
    write, read = FORMATS[fmt]
    path = tmp_path / "out"
    write(records, path)
    back = list(read(path))  # type: ignore[call-overload]
    assert [(r.text, r.spans) for r in back] == [(r.text, r.spans) for r in records]
