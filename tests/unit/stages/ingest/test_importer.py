"""``import_file`` end to end on small files: every kind of bad input, and the good ones.

Every refused import must name the file and the exact line (and column), and leave the
store exactly as it was.
"""

from __future__ import annotations

import csv
import gzip
import json
import tracemalloc
import unicodedata
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from tests.unit.stages.ingest.support import (
    counts,
    labels_by_text,
    options,
    refused,
    run,
    texts,
)
from textloop.config import load_spec
from textloop.errors import InvalidInputError
from textloop.stages.ingest import import_file, importer
from textloop.storage import imports, jsoncol, records
from textloop.storage.schema import records as table

GOOD = "text,label\nwin cash now,spam\nhello mum,ham\n"


@pytest.fixture
def seeded(store, project, write):
    """A store that already holds two records, so "unchanged" means something."""
    run(store, project, write("seed.csv", "text,label\nseed one,spam\nseed two,ham\n"))
    return store


# --- encodings ------------------------------------------------------------------------------

def test_undecodable_bytes_name_line_and_suggest_encoding(seeded, project, write) -> None:
    path = write("latin.csv", "text,label\nhello,ham\ncafé crème,spam\n".encode("latin-1"))
    error = refused(seeded, project, path, "line 3", "bytes e9")
    assert "--encoding" in error.hint


def test_the_right_encoding_imports_the_same_file(store, project, write) -> None:
    path = write("latin.csv", "text,label\nhello,ham\ncafé crème,spam\n".encode("latin-1"))
    result = run(store, project, path, encoding="cp1252")
    assert result.records_new == 2
    assert "café crème" in texts(store)


def test_undecodable_header_is_refused_before_reading_rows(seeded, project, write) -> None:
    path = write("h.csv", b"t\xe9xt,label\nhello,ham\n")
    error = refused(seeded, project, path, "line 1 (the header)")
    assert "--encoding" in error.hint


def test_byte_order_mark_is_not_part_of_the_first_column(store, project, write) -> None:
    run(store, project, write("bom.csv", "\ufefftext,label\nhello,ham\n"))
    assert texts(store) == {"hello"}


def test_utf16_file_imports_with_its_encoding(store, project, write) -> None:
    path = write("u16.csv", "text,label\nhéllo,ham\nwörld,spam\n".encode("utf-16"))
    run(store, project, path, encoding="utf-16")
    assert texts(store) == {"héllo", "wörld"}


@pytest.mark.parametrize(("name", "codec"), [
    ("u16.csv", "utf-16"), ("u16be.tsv.gz", "utf-16-be"), ("u32.jsonl", "utf-32"),
    ("u16.json", "utf-16-le")])
def test_a_utf16_or_utf32_file_with_a_byte_order_mark_imports_as_it_is(store, project, write,
                                                                      name, codec) -> None:
    rows = [("héllo", "ham"), ("wörld 한국어", "spam")]
    fmt = name.split(".")[1]
    if fmt == "jsonl":
        content = "".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in rows)
    elif fmt == "json":
        content = json.dumps([{"text": t, "label": lab} for t, lab in rows])
    else:
        sep = "," if fmt == "csv" else "\t"
        content = "".join(f"{t}{sep}{lab}\n" for t, lab in [("text", "label"), *rows])
    data = content.encode(codec)
    if codec in ("utf-16-be", "utf-16-le"):  # these codecs write no BOM themselves
        data = "\ufeff".encode(codec) + data
    if name.endswith(".gz"):
        data = gzip.compress(data)
    result = run(store, project, write(name, data))
    assert result.records_new == 2 and texts(store) == {"héllo", "wörld 한국어"}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_or_utf32_without_a_byte_order_mark_gets_the_right_encoding_hint(
        seeded, project, write, codec) -> None:
    path = write("nobom.csv", "text,label\nhello there,ham\ncafé,spam\n".encode(codec))
    error = refused(seeded, project, path, f"looks like {codec.upper()}")
    assert f"--encoding {codec}" in error.hint and "cp1252" not in error.hint
    assert run(seeded, project, path, encoding=codec).records_new == 2


def test_unknown_encoding_is_an_input_error(store, project, write) -> None:
    with pytest.raises(InvalidInputError, match="unknown encoding 'klingon'"):
        run(store, project, write("a.csv", GOOD), encoding="klingon")


# --- columns and headers ----------------------------------------------------------------------

def test_missing_column_suggests_the_closest(seeded, project, write) -> None:
    path = write("a.csv", GOOD)
    error = refused(seeded, project, path, "column 'txt'", "line 1", "'text', 'label'",
                    text_col="txt")
    assert error.hint == "did you mean --text-col text?"


def test_headerless_file_gets_a_hint_to_pass_no_header(seeded, project, write) -> None:
    path = write("dev.tsv", "Stocks rallied on Friday after the report was published.\tBusiness\n"
                            "The team won the cup final in extra time.\tSports\n")
    error = refused(seeded, project, path, "not found", text_col="1")
    assert "--no-header" in error.hint


def test_headerless_file_imports_its_first_row(store, project, write) -> None:
    path = write("dev.tsv", "first row text\tspam\nsecond row text\tham\n")
    result = run(store, project, path, header=False, text_col="1", label_col="2")
    assert result.rows_read == 2
    assert labels_by_text(store) == {"first row text": {"spam"}, "second row text": {"ham"}}


def test_duplicate_header_column_is_refused(seeded, project, write) -> None:
    refused(seeded, project, write("d.csv", "text,text\na,b\n"), "line 1", "appears twice")


def test_empty_file_is_refused(seeded, project, write) -> None:
    refused(seeded, project, write("e.csv", ""), "empty")


def test_header_only_file_is_refused(seeded, project, write) -> None:
    refused(seeded, project, write("h.csv", "text,label\n"), "no rows")


def test_empty_jsonl_is_refused(seeded, project, write) -> None:
    refused(seeded, project, write("e.jsonl", "\n\n"), "no rows")


def test_meta_cols_star_keeps_every_other_column(store, project, write) -> None:
    run(store, project, write("m.csv", "text,label,a,b\nhello,ham,1,x\n"), meta_cols=["*"])
    with store.read() as conn:
        (record,) = list(records.iter_all(conn))
    assert record.meta == {"a": "1", "b": "x"}


def test_spec_metadata_fields_are_kept_by_default(store, project, write) -> None:
    project.spec.metadata_fields = ["source"]
    run(store, project, write("m.csv", "text,label,source,other\nhello,ham,web,z\n"))
    with store.read() as conn:
        (record,) = list(records.iter_all(conn))
    assert record.meta == {"source": "web"}


# --- text values ------------------------------------------------------------------------------

@pytest.mark.parametrize(("row", "fragment"), [
    (",spam", "is empty"),
    ("'   ',spam".replace("'", '"'), "only whitespace"),
    ('"nul\x00here",spam', "NUL"),
])
def test_bad_text_names_line_and_column(seeded, project, write, row, fragment) -> None:
    path = write("t.csv", f"text,label\nfine,ham\n{row}\n")
    refused(seeded, project, path, "line 3, column 'text'", fragment)


def test_text_beyond_max_chars_is_refused(seeded, project, write) -> None:
    path = write("big.csv", f"text,label\nfine,ham\n{'x' * 101},spam\n")
    error = refused(seeded, project, path, "line 3, column 'text'", "101 characters",
                    max_chars=100)
    assert "--max-chars" in error.hint


def test_default_limit_refuses_a_text_over_a_million_characters(seeded, project, write) -> None:
    path = write("big.csv", f"text,label\n{'y' * 1_000_001},spam\n")
    refused(seeded, project, path, "line 2", "1,000,001 characters")


def test_five_megabyte_text_imports_within_a_raised_limit(store, project, write) -> None:
    huge = "word " * 1_000_000 + "end"
    run(store, project, write("big.csv", f"text,label\n\"{huge}\",spam\n"), max_chars=6_000_000)
    (stored,) = texts(store)
    assert stored == huge.strip() and len(stored) > 5_000_000


@pytest.mark.parametrize("name", ["huge.csv.gz", "huge.jsonl.gz"])
def test_one_huge_compressed_line_fails_fast_in_bounded_memory(seeded, project, tmp_path,
                                                                 name) -> None:
    """200 MB of one field in a 200 kB gzip: refused at its line, never read whole."""
    path = tmp_path / name
    with gzip.open(path, "wb", compresslevel=1) as handle:
        handle.write(b'text\n"' if name.startswith("huge.csv") else b'{"text": "')
        block = b"x" * (1 << 20)
        for _ in range(200):
            handle.write(block)
        handle.write(b'"\n')
    tracemalloc.start()
    try:
        error = refused(seeded, project, path, "line 1" if "jsonl" in name else "line 2",
                        "longer than")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    assert "--max-chars" in error.hint


def test_crlf_line_endings_are_normalized(store, project, write) -> None:
    run(store, project, write("w.csv", 'text,label\r\n"two\r\nlines",spam\r\nplain,ham\r\n'))
    assert texts(store) == {"two\nlines", "plain"}


def test_line_numbers_after_a_multiline_field_are_exact(seeded, project, write) -> None:
    content = 'text,label\n"one\ntwo\nthree",spam\nok,ham\n,ham\n'
    refused(seeded, project, write("m.csv", content), "line 6, column 'text'")


def test_ragged_row_is_refused(seeded, project, write) -> None:
    refused(seeded, project, write("r.csv", "text,label\nok,ham\na,spam,extra\n"),
            "line 3", "has 3 fields, the header has 2")


def test_unclosed_quote_is_refused_at_its_line(seeded, project, write) -> None:
    content = 'text,label\nok,ham\n"never closed,spam\nb,ham\nc,ham\n'
    refused(seeded, project, write("q.csv", content), "line 3", "never closed")


def test_stray_quotes_in_a_csv_field_are_read_leniently(store, project, write) -> None:
    run(store, project, write("q.csv", 'text,label\n"say "hi" now,ham\n'))
    assert texts(store) == {'say hi" now'}


def test_tsv_quotes_are_text_by_default(store, project, write) -> None:
    run(store, project, write("q.tsv", 'text\tlabel\n"quoted" word\tham\nit\'s "x\tspam\n'))
    assert texts(store) == {'"quoted" word', 'it\'s "x'}


# --- JSON ---------------------------------------------------------------------------------

def test_invalid_json_line_is_named(seeded, project, write) -> None:
    content = '{"text": "a", "label": "spam"}\n{"text": oops}\n'
    refused(seeded, project, write("a.jsonl", content), "line 2", "invalid JSON")


def test_json_line_that_is_not_an_object(seeded, project, write) -> None:
    content = '{"text": "a", "label": "spam"}\n\n["b", "ham"]\n'
    refused(seeded, project, write("a.jsonl", content), "line 3", "found an array")


def test_json_line_with_a_lone_surrogate_is_refused(seeded, project, write) -> None:
    content = '{"text": "a", "label": "spam"}\n{"text": "bad \\ud800", "label": "ham"}\n'
    refused(seeded, project, write("a.jsonl", content), "line 2", "surrogate")


def test_json_surrogate_pairs_are_fine(store, project, write) -> None:
    run(store, project, write("a.jsonl", '{"text": "smile \\ud83d\\ude00"}\n'))
    assert texts(store) == {"smile \U0001f600"}


def test_jsonl_columns_come_from_more_than_the_first_row(store, project, write) -> None:
    content = '{"text": "unlabeled first"}\n{"text": "b", "label": "spam", "lang": "en"}\n'
    result = run(store, project, write("a.jsonl", content), meta_cols=["*"])
    assert labels_by_text(store) == {"b": {"spam"}}
    assert (result.rows_unlabeled, result.annotations_new) == (1, 1)
    with store.read() as conn:
        meta = {r.text: r.meta for r in records.iter_all(conn)}
    assert meta == {"unlabeled first": {"lang": None}, "b": {"lang": "en"}}


def test_jsonl_missing_column_names_where_columns_came_from(seeded, project, write) -> None:
    refused(seeded, project, write("a.jsonl", '{"message": "a"}\n'),
            "column 'text'", "not found in the keys of the first row", "'message'")


def test_json_row_missing_the_text_key(seeded, project, write) -> None:
    content = '{"text": "a", "label": "spam"}\n{"body": "b", "label": "ham"}\n'
    refused(seeded, project, write("a.jsonl", content), "line 2, column 'text'", "missing")


def test_json_document_reports_item_and_section(seeded, project, write) -> None:
    content = '{"train": [["ok", "spam"]], "test": [["fine", "ham"], ["", "ham"]]}'
    refused(seeded, project, write("d.json", content), "item 2 of 'test'", "is empty",
            text_col="1", label_col="2")


def test_invalid_json_document_names_line_and_column(seeded, project, write) -> None:
    refused(seeded, project, write("d.json", '[\n {"text": "a"},\n {"text": }\n]'),
            "line 3, column 11")


# --- labels ---------------------------------------------------------------------------------

def test_unknown_label_suggests_the_closest(seeded, project, write) -> None:
    error = refused(seeded, project, write("l.csv", "text,label\nok,ham\nbuy,spma\n"),
                    "line 3, column 'label'", "'spma'", "did you mean 'spam'")
    assert "--add-labels" in error.hint


def test_add_labels_writes_them_to_the_spec(store, project, write) -> None:
    result = run(store, project, write("l.csv", "text,label\nok,ham\nbuy,promo\n"),
                 add_labels=True)
    assert result.new_labels == ["promo"]
    assert load_spec(project.spec_path).label_names == ["spam", "ham", "promo"]


def test_a_label_that_cannot_be_a_name_is_refused_with_its_line(seeded, project, write) -> None:
    path = write("l.csv", 'text,label\nok,ham\nbuy,"a,b"\n')
    refused(seeded, project, path, "line 3, column 'label'", "cannot be added",
            add_labels=True)
    assert load_spec(project.spec_path).label_names == ["spam", "ham"]


def test_label_map_renames_values(store, project, write) -> None:
    run(store, project, write("l.csv", "text,label\nbuy,1\nhi,0\n"),
        label_map={"1": "spam", "0": "ham"})
    assert labels_by_text(store) == {"buy": {"spam"}, "hi": {"ham"}}


def test_an_empty_label_imports_the_row_unlabeled(store, project, write) -> None:
    result = run(store, project, write("l.csv", "text,label\nbuy,\nhi,ham\n"))
    assert (result.records_new, result.annotations_new, result.rows_unlabeled) == (2, 1, 1)


# --- ids ------------------------------------------------------------------------------------

def test_duplicate_ids_in_the_file_name_both_lines(seeded, project, write) -> None:
    content = "id,text,label\n7,first,spam\n8,second,ham\n7,third,ham\n"
    refused(seeded, project, write("i.csv", content), "line 4, column 'id'",
            "also used at line 2", id_col="id")


def test_a_repeated_row_with_its_id_is_not_a_conflict(store, project, write) -> None:
    result = run(store, project, write("i.csv", "id,text\n7,same\n7,same\n"), id_col="id")
    assert (result.records_new, result.repeated_texts) == (1, 1)


def test_id_taken_by_a_stored_record_is_refused(store, project, write) -> None:
    run(store, project, write("a.csv", "id,text\nA1,stored text\n"), id_col="id")
    before = counts(store)
    path = write("b.csv", "id,text\nB1,new text\nA1,another text\n")
    refused(store, project, path, "line 3, column 'id'", "already belongs", id_col="id")
    assert counts(store) == before


def test_empty_id_is_refused(seeded, project, write) -> None:
    refused(seeded, project, write("i.csv", "id,text\n,hello\n"), "line 2, column 'id'",
            id_col="id")


# --- all or nothing, idempotence, skip-invalid ---------------------------------------------

def test_a_bad_row_after_a_full_batch_still_stores_nothing(seeded, project, write,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(importer, "BATCH", 3)
    rows = "".join(f"text {i},spam\n" for i in range(10))
    refused(seeded, project, write("b.csv", f"text,label\n{rows},ham\n"), "line 12")


def test_errors_are_collected_up_to_the_limit(seeded, project, write) -> None:
    rows = "".join(",spam\n" for _ in range(30))
    error = refused(seeded, project, write("b.csv", f"text,label\n{rows}"),
                    "10 problems (scanning stopped there)", "line 2,", "line 11,")
    assert "line 12," not in error.message


def test_reimport_stores_nothing_new(store, project, write) -> None:
    path = write("a.csv", GOOD)
    first = run(store, project, path)
    again = run(store, project, path)
    assert (first.records_new, first.annotations_new) == (2, 2)
    assert (again.records_new, again.annotations_new) == (0, 0)
    assert again.previous_imports == [first.import_id]


def test_the_same_text_with_a_new_label_adds_only_the_label(store, project, write) -> None:
    run(store, project, write("a.csv", "text,label\nbuy now,spam\n"))
    result = run(store, project, write("b.csv", "text,label\nbuy now,ham\n"))
    assert (result.records_new, result.annotations_new) == (0, 1)
    assert labels_by_text(store) == {"buy now": {"spam", "ham"}}


def test_repeats_and_conflicts_within_a_file_are_counted(store, project, write) -> None:
    result = run(store, project, write("a.csv", "text,label\nx,spam\nx,spam\nx,ham\ny,ham\n"))
    assert (result.records_new, result.repeated_texts, result.conflicting_texts) == (2, 2, 1)
    assert result.labels == {"spam": 2, "ham": 2}


def test_unicode_variants_of_one_text_are_one_record_and_their_labels_conflict(
        store, project, write) -> None:
    """NFC and NFD spellings and a stray zero-width space look the same: one record each."""
    nfc, nfd = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
    first = run(store, project, write("a.csv", f"text,label\n{nfc},spam\nspam\u200b,spam\n"))
    again = run(store, project, write("b.csv", f"text,label\n{nfd},ham\nspam,spam\n"))
    assert (first.records_new, again.records_new) == (2, 0)
    assert texts(store) == {nfc, "spam\u200b"}  # stored as first seen, never altered
    assert labels_by_text(store) == {nfc: {"spam", "ham"}, "spam\u200b": {"spam"}}
    within = run(store, project, write("c.csv", f"text,label\n{nfd} x,spam\n{nfc} x,ham\n"))
    assert (within.records_new, within.repeated_texts, within.conflicting_texts) == (1, 1, 1)


def test_skip_invalid_imports_the_rest_and_reports_every_skipped_line(store, project,
                                                                      write) -> None:
    content = ('text,label\nok one,spam\n,ham\n"multi\nline",ham\nx,spma\n'
               'a,ham,extra\n   ,spam\nok two,ham\n')
    result = run(store, project, write("s.csv", content), skip_invalid=True)
    assert texts(store) == {"ok one", "multi\nline", "ok two"}
    assert result.rows_skipped == 4
    assert result.report_path is not None and result.report_path.parent.name == "imports"
    with result.report_path.open(encoding="utf-8") as handle:
        report = list(csv.DictReader(handle))
    assert [(r["line"], r["column"]) for r in report] == [
        ("3", "text"), ("6", "label"), ("7", ""), ("8", "text")]
    assert "is empty" in report[0]["problem"] and "did you mean" in report[1]["problem"]
    assert all(r["fix"] for r in report)
    assert not list(result.report_path.parent.glob("*.tmp"))


def test_skip_invalid_with_a_stored_id_conflict(store, project, write) -> None:
    run(store, project, write("a.csv", "id,text\nA1,stored text\n"), id_col="id")
    result = run(store, project, write("b.csv", "id,text,label\nA1,other,spam\nB1,new,ham\n"),
                 id_col="id", skip_invalid=True)
    assert (result.records_new, result.rows_skipped) == (1, 1)
    assert result.labels == {"ham": 1}


def test_a_failed_import_leaves_no_report_and_no_rows(store, project, write,
                                                       monkeypatch) -> None:
    def broken_save() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(project, "save", broken_save)
    before = counts(store)
    with pytest.raises(OSError, match="disk full"):
        run(store, project, write("b.csv", "text,label\nok,new\n,ham\n"), skip_invalid=True,
            add_labels=True)
    assert counts(store) == before
    folder = store.path_for("imports")
    assert not folder.exists() or not any(folder.iterdir())


class RecordingProgress:
    """A ``Progress`` that remembers what the importer reported."""

    def __init__(self) -> None:
        self.tasks: list[tuple[str, int | None, str]] = []
        self.advanced = 0

    @contextmanager
    def task(self, description: str, total: int | None = None, unit: str = "items"):
        self.tasks.append((description, total, unit))
        yield self

    def advance(self, n: int = 1) -> None:
        self.advanced += n


def test_progress_counts_the_bytes_of_the_file_as_stored(store, project, write) -> None:
    rows = "".join(f'{{"text": "row {i}", "label": "spam"}}\n' for i in range(5000))
    path = write("big.jsonl.gz", gzip.compress(rows.encode()))
    progress = RecordingProgress()
    import_file(store, project, path, options(), progress)
    size = path.stat().st_size
    assert progress.tasks == [("Importing big.jsonl.gz", size, "bytes")]
    assert 0 < progress.advanced <= size


def test_records_carry_their_source_line_and_file(store, project, write) -> None:
    path = write("a.csv", 'text,label\n"two\nlines",spam\nthird,ham\n')
    run(store, project, path)
    with store.read() as conn:
        lines = dict(conn.execute(select(table.c.text, table.c.source_line)).all())
        refs = {r.source_ref for r in records.iter_all(conn)}
    assert lines == {"two\nlines": 2, "third": 4}
    assert refs == {str(path.resolve())}


def test_a_json_file_with_no_readable_row_reports_the_rows(seeded, project, write) -> None:
    error = refused(seeded, project, write("a.jsonl", "{oops\n[1]\n"), "line 1: invalid JSON",
                    "line 2: expected a JSON object")
    assert "not found" not in error.message


# --- HTML that came with the text -----------------------------------------------------------

HTML_ROWS = 'text,label\n"Loved it.<br /><br />Fish &amp; chips",ham\n'


def test_unescape_html_is_applied_and_recorded_with_the_import(store, project, write) -> None:
    result = run(store, project, write("reviews.csv", HTML_ROWS), unescape_html=True)
    assert texts(store) == {"Loved it.\n\nFish & chips"}
    with store.read() as conn:
        (logged,) = [i for i in imports.recent(conn) if i["id"] == result.import_id]
    assert jsoncol.loads(logged["options"])["unescape_html"] is True


def test_without_unescape_html_the_text_is_stored_as_typed(store, project, write) -> None:
    result = run(store, project, write("reviews.csv", HTML_ROWS))
    assert texts(store) == {"Loved it.<br /><br />Fish &amp; chips"}
    with store.read() as conn:
        (logged,) = [i for i in imports.recent(conn) if i["id"] == result.import_id]
    assert jsoncol.loads(logged["options"])["unescape_html"] is False


# --- splits pinned at import ----------------------------------------------------------------

def pinned_splits(store) -> dict[str, tuple[str, str]]:
    """text -> (its pinned split, the file of the import that pinned it)."""
    with store.read() as conn:
        by_id = {r.id: r.text for r in records.iter_all(conn)}
        return {by_id[rid]: (split, source.rsplit("/", 1)[-1])
                for rid, (split, source) in records.pins(conn).items()}


def test_split_pins_every_row_of_the_file(store, project, write) -> None:
    run(store, project, write("train.csv", "text,label\nplain one,spam\n"))
    result = run(store, project, write("test.csv", GOOD), split="test")
    assert result.pinned == {"test": 2}
    assert pinned_splits(store) == {"win cash now": ("test", "test.csv"),
                                    "hello mum": ("test", "test.csv")}
    with store.read() as conn:
        assert jsoncol.loads(imports.recent(conn, 1)[0]["options"])["split"] == "test"


def test_split_col_pins_each_row_and_is_not_metadata(store, project, write) -> None:
    path = write("all.csv", "text,label,part\nwin cash now,spam,TEST\nhello mum,ham,train\n"
                            "see you,ham,validation\n")
    run(store, project, path, split_col="part", meta_cols=["*"])
    assert {t: s for t, (s, _) in pinned_splits(store).items()} == {
        "win cash now": "test", "hello mum": "train", "see you": "validation"}
    with store.read() as conn:
        assert all("part" not in r.meta for r in records.iter_all(conn))


@pytest.mark.parametrize("value", ["dev", ""])
def test_a_bad_split_value_names_line_column_and_value(seeded, project, write, value) -> None:
    path = write("bad.csv", f"text,label,part\nwin cash now,spam,test\nhello mum,ham,{value}\n")
    error = refused(seeded, project, path, "line 3", "'part'",
                    repr(value) if value else "empty", split_col="part")
    assert "train, validation, test" in error.message


def test_a_missing_split_column_is_refused(seeded, project, write) -> None:
    refused(seeded, project, write("a.csv", GOOD), "'part'", "--split-col", split_col="part")


def test_an_unknown_split_is_refused_before_reading(seeded, project, write) -> None:
    with pytest.raises(InvalidInputError, match="'dev' is not a split") as info:
        run(seeded, project, write("a.csv", GOOD), split="dev")
    assert "--split test" in info.value.hint


def test_split_and_split_col_together_are_refused(seeded, project, write) -> None:
    refused(seeded, project, write("a.csv", "text,label,part\nhi,ham,test\n"), "--split-col",
            split="test", split_col="part")


def test_one_text_pinned_to_two_splits_in_a_file_is_refused(seeded, project, write) -> None:
    path = write("two.csv", "text,label,part\nwin cash now,spam,test\nwin cash now,spam,train\n")
    refused(seeded, project, path, "line 3", "pinned to 'test' at line 2", split_col="part")


def test_a_stored_pin_is_kept_and_a_different_one_refused(store, project, write) -> None:
    run(store, project, write("test.csv", GOOD), split="test")
    again = write("again.csv", "text,label\nnew text,ham\nhello mum,ham\n")
    error = refused(store, project, again, "line 3", "already stored pinned to 'test'",
                    split="train")
    assert "--split test" in error.hint
    run(store, project, again)  # no --split: the stored pin stays
    assert pinned_splits(store)["hello mum"] == ("test", "test.csv")
    assert "new text" not in pinned_splits(store)


def test_a_stored_unpinned_record_is_pinned_by_a_later_import(store, project, write) -> None:
    run(store, project, write("pool.csv", GOOD))
    assert pinned_splits(store) == {}
    run(store, project, write("test.csv", "text,label\nhello mum,ham\n"), split="test")
    assert pinned_splits(store) == {"hello mum": ("test", "test.csv")}
