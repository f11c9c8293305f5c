"""Spans survive the whole loop: a span file written in any format, imported into a span
project, released and exported in every format reads back to the same spans.

Texts mix Hangul, CJK, kana, astral and ZWJ emoji, combining marks, CRLF and tabs (the
pieces of ``tests/unit/spans/test_records``). The store keeps texts as every import does
(CRLF as LF), so the expected span over the stored text is the file's span with each CRLF
before its ends counted as one character: ``len(fold(text[:start]))``. Character files
export to the character formats; token files (spans on token boundaries) to every format,
CoNLL and Hugging Face included.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.spans.test_records import LABELS, PIECES, token_records
from textloop.config import Label
from textloop.spans import Span
from textloop.spans.conll import read_conll, write_conll
from textloop.spans.doccano import read_doccano, write_doccano
from textloop.spans.hf import read_hf, write_token_jsonl
from textloop.spans.jsonl import read_jsonl, write_jsonl
from textloop.spans.label_studio import read_label_studio, write_label_studio
from textloop.spans.records import Record
from textloop.stages.export import export_release
from textloop.stages.ingest import ImportOptions, ReadOptions, import_file
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release
from textloop.storage import Store
from textloop.texts import dedup_key

SOLID = [p for p in PIECES if p.strip() == p]  # a text's first and last piece: none trimmed


def fold(text: str) -> str:
    """The text as the store keeps it (the pieces begin and end with no whitespace)."""
    return text.replace("\r\n", "\n")


@st.composite
def char_records(draw: st.DrawFn) -> Record:
    """A text between two solid pieces, with spans anywhere except inside a CRLF (which
    the store keeps as one character)."""
    middle = draw(st.lists(st.sampled_from(PIECES), max_size=10))
    text = "".join([draw(st.sampled_from(SOLID)), *middle, draw(st.sampled_from(SOLID))])
    cuts = [i for i in range(len(text) + 1) if text[i - 1:i + 1] != "\r\n"]
    spans = set()
    for _ in range(draw(st.integers(0, 4))):
        start, end = sorted(draw(st.lists(st.sampled_from(cuts), min_size=2, max_size=2,
                                          unique=True)))
        spans.add(Span(start, end, draw(LABELS)))
    return Record(text, sorted(spans), {})


def unique(records: st.SearchStrategy[Record]) -> st.SearchStrategy[list[Record]]:
    """Records whose texts are distinct records in the store (the importer merges texts of
    one identity)."""
    return st.lists(records, min_size=1, max_size=4,
                    unique_by=lambda r: dedup_key(fold(r.text)))


def stored(record: Record) -> tuple[str, list[Span]]:
    """The record as the store must hold it."""
    return fold(record.text), sorted(
        Span(len(fold(record.text[:s.start])), len(fold(record.text[:s.end])), s.label)
        for s in record.spans)


def _token_jsonl(records: list[Record], path: Path) -> list[str]:
    return write_token_jsonl(records, path)[0]


# import format -> (file name, writer returning the tag names it used, if any)
IMPORTS: dict[str, tuple[str, Callable[[list[Record], Path], object]]] = {
    "spans-jsonl": ("in.jsonl", write_jsonl),
    "doccano": ("in.jsonl", write_doccano),
    "label-studio": ("in.json", write_label_studio),
    "conll": ("in.conll", write_conll),
    "hf-tokens": ("in.jsonl", _token_jsonl),
}
CHAR_IMPORTS = ("spans-jsonl", "doccano", "label-studio")
READERS: dict[str, Callable[[Path], Iterable[Record]]] = {
    "jsonl": read_jsonl, "doccano": read_doccano, "label-studio": read_label_studio,
    "conll": read_conll, "hf": read_hf}
CHAR_EXPORTS = ("jsonl", "doccano", "label-studio")


def through_the_loop(records: list[Record], fmt: str, exports: tuple[str, ...]
                     ) -> dict[str, dict[str, list[Span]]]:
    """Write ``records`` as ``fmt``, import, release, export as each of ``exports``;
    returns each export's spans by text (every split)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        project = init_project(root / "p", labels=[Label(name="PER")], task="spans")
        project.spec.spans.overlapping = True
        project.save()
        name, write = IMPORTS[fmt]
        path = root / name
        names = write(records, path)
        read = ReadOptions(format=fmt, tag_names=names if isinstance(names, list) else None)
        out: dict[str, dict[str, list[Span]]] = {}
        with Store.for_project(project) as store:
            import_file(store, project, path, ImportOptions(add_labels=True, read=read))
            create_release(store, project)
            for export in exports:
                result = export_release(store, "v1", export, root / export)
                assert (result.widened, result.dropped) == (0, 0)
                out[export] = {r.text: r.spans for split in result.files.values()
                               for r in READERS[export](split)}
        return out


@pytest.mark.parametrize("fmt", CHAR_IMPORTS)
@given(records=unique(char_records()))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_character_spans_survive_import_release_and_export(fmt: str, records: list[Record]
                                                           ) -> None:
    expected = dict(map(stored, records))
    for export, back in through_the_loop(records, fmt, CHAR_EXPORTS).items():
        assert back == expected, export


@pytest.mark.parametrize("fmt", ["conll", "hf-tokens"])
@given(records=unique(token_records()))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_token_spans_survive_import_release_and_export(fmt: str, records: list[Record]
                                                       ) -> None:
    pytest.importorskip("datasets", reason="the hf extra (datasets) is not installed")
    expected = dict(map(stored, records))
    exports = (*CHAR_EXPORTS, "conll", "hf")
    for export, back in through_the_loop(records, fmt, exports).items():
        assert back == expected, export


def test_the_expected_spans_count_a_crlf_as_one_character() -> None:
    text, spans = stored(Record("a\r\n한😀", [Span(1, 4, "PER"), Span(3, 5, "LOC")], {}))
    assert [(s.start, s.end, text[s.start:s.end]) for s in spans] == [
        (1, 3, "\n한"), (2, 4, "한😀")]
