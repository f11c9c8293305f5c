"""Choosing a reader: by --format, folder layout, file name, or the first line."""

from __future__ import annotations

import bz2
import gzip
import lzma

import pytest

from tests.unit.stages.ingest.support import run, texts
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.ingest.formats import ReadOptions, detect_format, open_source


@pytest.mark.parametrize(("name", "expected"), [
    ("a.csv", "csv"), ("a.CSV", "csv"), ("a.tsv", "tsv"), ("a.txt", "tsv"),
    ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.json", "json"), ("a.parquet", "parquet"),
    ("a.jsonl.gz", "jsonl"), ("a.csv.bz2", "csv"), ("a.tsv.xz", "tsv")])
def test_format_from_the_file_name(write, name, expected) -> None:
    assert detect_format(write(name, "x")) == expected


@pytest.mark.parametrize(("first_line", "expected"), [
    ('{"text": "a"}', "jsonl"), ('[{"text": "a"}]', "json"), ("Label\tSMS", "tsv"),
    ("text,label", "csv")])
def test_format_of_an_extensionless_file_from_its_first_line(write, first_line,
                                                             expected) -> None:
    assert detect_format(write("SMSSpamCollection", first_line + "\n")) == expected


def test_sniffing_looks_inside_compressed_files(write) -> None:
    assert detect_format(write("data.gz", gzip.compress(b"a\tb\n"))) == "tsv"


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_sniffing_reads_the_first_line_of_a_utf16_file(write, codec) -> None:
    content = '{"text": "hi", "label": "ham"}\n'.encode(codec)
    assert detect_format(write("messages", content)) == "jsonl"


def test_unrecognisable_file_asks_for_format(write) -> None:
    with pytest.raises(InvalidInputError, match="cannot tell the file format") as info:
        detect_format(write("notes", "just words\n"))
    assert "--format" in (info.value.hint or "")


def test_folder_that_is_not_a_dataset_is_refused(tmp_path) -> None:
    with pytest.raises(InvalidInputError, match="not a saved Hugging Face dataset"):
        detect_format(tmp_path)


def test_missing_file_is_not_found(tmp_path) -> None:
    with pytest.raises(NotFoundError, match="no such file"):
        open_source(tmp_path / "nope.csv", ReadOptions())


def test_unknown_format_option_is_refused(write) -> None:
    with pytest.raises(InvalidInputError, match="unknown format 'xls'"):
        open_source(write("a.csv", "text\nx\n"), ReadOptions(format="xls"))


def test_format_option_overrides_the_name(store, project, write) -> None:
    run(store, project, write("data.txt", "text,label\nhello,ham\n"), format="csv")
    assert texts(store) == {"hello"}


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_compressed_files_import_like_plain_ones(store, project, write, suffix) -> None:
    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    content = b'{"text": "hello", "label": "ham"}\n{"text": "buy", "label": "spam"}\n'
    path = write(f"a.jsonl{suffix}", compress(content))
    result = run(store, project, path)
    assert (result.rows_read, result.records_new) == (2, 2)
    assert texts(store) == {"hello", "buy"}


def test_a_file_given_as_a_dataset_folder_is_refused(write) -> None:
    with pytest.raises(InvalidInputError, match="format 'hf' needs a folder"):
        open_source(write("a.csv", "text\nx\n"), ReadOptions(format="hf"))


def test_a_folder_given_as_csv_is_refused(tmp_path) -> None:
    with pytest.raises(InvalidInputError, match="format 'csv' needs a file"):
        open_source(tmp_path, ReadOptions(format="csv"))


def test_an_unreadable_file_is_an_input_error(write, monkeypatch) -> None:
    path = write("a.csv", "text\nx\n")

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "open", denied)
    with pytest.raises(InvalidInputError, match=r"cannot be read \(Permission denied\)"):
        open_source(path, ReadOptions())


@pytest.mark.parametrize(("content", "expected"), [
    ("22\tB-Chemical\n-\tI-Chemical\nsuppresses\tO\n\nx\tO\n", True),   # BC5CDR's .tsv
    ("-DOCSTART- -X- O O\n\nAna NNP B-PER\nworks VBZ O\n", True),        # space-separated
    ("Ana\tS-PER\nat\tO\nAcme\tU-ORG\n", True),
    ("text\tlabel\nfree prize now\tspam\nsee you\tham\n", False),         # a labeled TSV
    ("Ana works\n", False),
    ("", False)])
def test_conll_written_as_tsv_is_recognised(write, content, expected) -> None:
    from textloop.stages.ingest.formats import looks_like_conll

    assert looks_like_conll(write("corpus.tsv", content)) is expected


def test_a_span_project_imports_conll_named_tsv(tmp_path) -> None:
    from textloop.config import Label
    from textloop.spans import Span, decode_spans
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.project.init import init_project
    from textloop.storage import Store, annotation_log

    project = init_project(tmp_path / "ner", labels=[Label(name="Chemical")], task="spans")
    path = tmp_path / "devel.tsv"
    path.write_text("22\tB-Chemical\n-\tI-Chemical\noxacalcitriol\tI-Chemical\nworks\tO\n\n",
                    encoding="utf-8")
    with Store.for_project(project) as store:
        result = import_file(store, project, path, ImportOptions())
        with store.read() as conn:
            ((_, value, _, _),) = list(annotation_log.iter_votes(conn))
    assert result.format == "conll" and result.span_reading["scheme"] == "IOB2"
    assert decode_spans(value) == [Span(0, 18, "Chemical")]


def test_a_span_project_reads_spans_jsonl_without_being_told(tmp_path) -> None:
    """Read as plain JSON Lines, the file's spans would be dropped without a word."""
    from textloop.config import Label
    from textloop.spans import Span, decode_spans
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.project.init import init_project
    from textloop.storage import Store, annotation_log

    project = init_project(tmp_path / "ner", labels=[Label(name="PER")], task="spans")
    path = tmp_path / "people.jsonl"
    path.write_text('{"text": "Ana works", "spans": [{"start": 0, "end": 3, "label": "PER"}]}'
                    '\n{"text": "nobody here", "spans": []}\n', encoding="utf-8")
    with Store.for_project(project) as store:
        result = import_file(store, project, path, ImportOptions())
        with store.read() as conn:
            values = [value for _, value, _, _ in annotation_log.iter_votes(conn)]
    assert result.format == "spans-jsonl" and result.records_new == 2
    assert sorted(map(decode_spans, values)) == [[], [Span(0, 3, "PER")]]


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("ner.conll", "Ana\tB-PER\n", "conll"),
    ("ner.bio.gz", gzip.compress(b"Ana\tB-PER\n"), "conll"),
    ("devel.tsv", "22\tB-Chemical\n-\tI-Chemical\n\nx\tO\n", "conll"),     # BC5CDR ships so
    ("ner.txt", "Ana\tB-PER\nworks\tO\n", "conll"),
    ("ner.jsonl", '{"text": "Ana", "spans": [{"start": 0, "end": 3, "label": "PER"}]}\n',
     "spans-jsonl"),
    ("ner.jsonl", '\n{"text": "Ana", "spans": [], "meta": {"a": 1}}\n', "spans-jsonl"),
    ("plain.jsonl", '{"text": "Ana", "label": "ham"}\n', None),
    ("broken.jsonl", '{"text": "Ana", "spans": [\n', None),
    ("listed.jsonl", '["Ana", "PER"]\n', None),
    ("labels.tsv", "text\tlabel\nfree prize now\tspam\n", None),
    ("labels.csv", "text,label\nfree prize now,spam\n", None)])
def test_the_span_format_a_file_is_read_in(write, name, content, expected) -> None:
    from textloop.stages.ingest import span_file_format

    assert span_file_format(write(name, content)) == expected


def test_first_line_reads_past_a_bom_in_the_files_encoding(write) -> None:
    from textloop.stages.ingest.formats import first_line

    assert first_line(write("a.csv", "\ufefftext,label\r\nx,y\n")) == "text,label"
    assert first_line(write("u16.csv", "\ufeffreview,stars\n".encode("utf-16"))) == "review,stars"
    assert first_line(write("empty.csv", "")) == ""
