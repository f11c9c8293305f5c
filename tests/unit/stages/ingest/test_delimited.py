"""CSV/TSV reading: rows keyed by column with the line they start on, problems per row."""

from __future__ import annotations

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.ingest.delimited import open_delimited
from textloop.stages.ingest.source import ReadOptions


def read(path, fmt="csv", **options):
    source = open_delimited(path, fmt, path.stat().st_size, ReadOptions(**options))
    return source, list(source.rows())


def test_rows_are_keyed_by_header_and_numbered_by_first_line(write) -> None:
    source, rows = read(write("a.csv", 'text,label\n"a\nb",x\n\nc,y\n'))
    assert source.columns == ["text", "label"]
    assert [(r.line, r.fields) for r in rows] == [
        (2, {"text": "a\nb", "label": "x"}), (5, {"text": "c", "label": "y"})]


def test_header_names_are_trimmed(write) -> None:
    source, _ = read(write("a.csv", " text , label \nx,y\n"))
    assert source.columns == ["text", "label"]


def test_without_header_columns_are_numbered_and_row_one_is_data(write) -> None:
    source, rows = read(write("a.tsv", '"multi\nline"\tx\nb\ty\n'), "tsv", header=False,
                        quoting="csv")
    assert source.columns == ["1", "2"]
    assert [(r.line, r.fields["1"]) for r in rows] == [(1, "multi\nline"), (3, "b")]


def test_width_mismatch_is_a_row_problem_not_an_exception(write) -> None:
    _, rows = read(write("a.csv", "a,b\n1\n1,2\n1,2,3\n"))
    assert [r.problem for r in rows] == [
        "has 1 field, the header has 2", None, "has 3 fields, the header has 2"]
    assert rows[0].fix and "quote" in rows[0].fix


def test_unclosed_quote_is_caught_instead_of_swallowing_the_file(write) -> None:
    _, rows = read(write("a.csv", 'a,b\n1,2\n3,"open\n5,6\n7,8\n'))
    assert [r.line for r in rows] == [2, 3]
    assert rows[1].problem and "never closed" in rows[1].problem


def test_a_strict_parse_error_is_read_leniently_and_the_next_row_is_intact(write) -> None:
    _, rows = read(write("a.csv", 'a,b\n1,"x"y\n2,z\n'))
    assert [(r.line, r.fields, r.problem) for r in rows] == [
        (2, {"a": "1", "b": "xy"}, None), (3, {"a": "2", "b": "z"}, None)]


def test_bad_bytes_anywhere_in_a_multiline_row_mark_that_row(write) -> None:
    _, rows = read(write("a.csv", b'a,b\n"ok\nbad \xff",1\nfine,2\n'))
    assert [r.bad_bytes for r in rows] == [b"\xff", None]


def test_bytes_read_reaches_the_file_size(write) -> None:
    path = write("a.csv", "a,b\n" + "x,y\n" * 1000)
    source, _ = read(path)
    assert source.bytes_read == path.stat().st_size


def test_header_with_an_unclosed_quote_is_refused(write) -> None:
    with pytest.raises(InvalidInputError, match="line 1 \\(the header\\)"):
        read(write("a.csv", '"text,label\nx,y\n'))


def test_unknown_quoting_option_is_refused(write) -> None:
    with pytest.raises(InvalidInputError, match="--quoting 'double'"):
        read(write("a.csv", "a\nb\n"), quoting="double")


def test_leading_blank_lines_before_the_header_are_skipped(write) -> None:
    source, rows = read(write("a.csv", "\n\ntext\nhello\n"))
    assert source.columns == ["text"]
    assert [(r.line, r.fields) for r in rows] == [(4, {"text": "hello"})]


def test_old_mac_line_endings_are_explained(write) -> None:
    _, rows = read(write("a.csv", "a,b\n1,2\rthree,4\n"))
    assert rows[0].problem is not None and "carriage return" in rows[0].problem


def test_a_row_spanning_lines_beyond_the_bound_is_refused_at_its_first_line(write) -> None:
    lines = "".join(f"more text {i} {'z' * 90}\n" for i in range(20_000))  # 2 MB
    path = write("a.csv", f'text,label\nok,ham\n"never closed,{lines}')
    with pytest.raises(InvalidInputError, match="line 3") as info:
        read(path, max_chars=100)
    assert "spans more than" in info.value.message and "quote" in (info.value.hint or "")


def test_a_csv_cells_formula_guard_quote_is_dropped_and_nothing_else(tmp_path) -> None:
    from textloop.stages.ingest.formats import ReadOptions as Options
    from textloop.stages.ingest.formats import open_source

    path = tmp_path / "guarded.csv"
    path.write_text("text,label\n'=1+2,'-x\n'plain,-3.5\n''=q,'-3.5\n", encoding="utf-8")
    rows = [r.fields for r in open_source(path, Options()).rows()]
    assert rows == [{"text": "=1+2", "label": "-x"}, {"text": "'plain", "label": "-3.5"},
                    {"text": "'=q", "label": "'-3.5"}]
    tsv = tmp_path / "kept.tsv"
    tsv.write_text("text\tlabel\n'=1+2\tspam\n", encoding="utf-8")
    assert [r.fields for r in open_source(tsv, Options()).rows()] == [
        {"text": "'=1+2", "label": "spam"}]
