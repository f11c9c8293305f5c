"""CoNLL: columns by tab or spaces, -DOCSTART-, every scheme, character-level files, errors
at the right line, and a writer that records how to read its tokens back."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.conll import conll_items, read_conll, write_conll
from textloop.spans.records import Record, RecordError
from textloop.spans.tokens import char_tokens


def write(tmp_path: Path, content: str, name: str = "f.conll") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    return path


def test_reads_tabs_spaces_docstart_crlf_and_extra_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- -X- O O\r\n\r\nBarack NNP B-PER\r\nObama NNP I-PER\r\n"
                           "in IN O\r\n서울 NNP B-LOC\r\n\r\n-DOCSTART- -X- O O\r\n"
                           "👩\u200d💻\tX\tB-MISC\r\n")
    first, second = read_conll(path)
    assert first.text == "Barack Obama in 서울"
    assert first.spans == [Span(0, 12, "PER"), Span(16, 18, "LOC")]
    assert (first.meta["line"], first.meta["document"], first.meta["scheme"]) == (3, 1, "IOB2")
    assert second.text == "👩\u200d💻" and second.spans == [Span(0, 3, "MISC")]
    assert second.meta["document"] == 2


def test_tag_col_picks_the_tag_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Obama B-PER NNP\nsaid O VBD\n")
    [record] = read_conll(path, tag_col=1)
    assert record.spans == [Span(0, 5, "PER")]


@pytest.mark.parametrize(("tags", "scheme"), [
    ("I-PER I-PER B-PER O", "IOB1"), ("B-PER I-PER B-PER O", "IOB2"),
    ("B-PER E-PER S-PER O", "IOBES"), ("B-PER L-PER U-PER O", "BILOU")])
def test_every_scheme_is_detected_and_read(tmp_path: Path, tags: str, scheme: str) -> None:
    lines = "".join(f"{t}\t{tag}\n" for t, tag in zip(["a", "b", "c", "d"], tags.split(),
                                                      strict=True))
    [record] = read_conll(write(tmp_path, lines))
    assert record.meta["scheme"] == scheme
    assert record.spans == [Span(0, 3, "PER"), Span(4, 5, "PER")]


def test_character_level_korean_with_join_none(tmp_path: Path) -> None:
    path = write(tmp_path, "한\tB-LOC\n국\tI-LOC\n \tO\n사\tO\n람\tO\n")
    [record] = read_conll(path, join="none")
    assert record.text == "한국 사람" and record.spans == [Span(0, 2, "LOC")]
    assert record.meta["join"] == "none"


def test_errors_name_the_file_line_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "a\tO\n\nb\tB-ORG\nc\tI-PER\n")
    with pytest.raises(InvalidInputError) as caught:
        list(read_conll(path))
    assert f"{path}, line 4: token 2: 'I-PER' after 'B-ORG'" in str(caught.value)
    assert "scheme IOB2" in str(caught.value)
    assert caught.value.hint is not None and "write B-PER" in caught.value.hint
    with pytest.raises(InvalidInputError, match=r"line 2: expected a token and a tag"):
        list(read_conll(write(tmp_path, "a\tO\nlonely\n")))
    with pytest.raises(InvalidInputError, match=r"line 1: has 2 columns, no column 3"):
        list(read_conll(write(tmp_path, "a O\n"), tag_col=3))
    with pytest.raises(InvalidInputError, match=r"line 1: .*not O nor PREFIX-LABEL"):
        list(read_conll(write(tmp_path, "a\tPER\n")))


def test_lenient_reading_accepts_what_strict_refuses(tmp_path: Path) -> None:
    [record] = read_conll(write(tmp_path, "a\tO\nb\tI-PER\n"), strict=False, scheme="IOB2")
    assert record.spans == [Span(2, 3, "PER")]


def test_writer_records_its_tokenisation_and_reads_back(tmp_path: Path) -> None:
    text = "Dr. Kim met 東京 staff 👍🏽!"
    record = Record(text, [Span(4, 7, "PER"), Span(12, 14, "LOC")], {})
    path = tmp_path / "out.conll"
    alignment = write_conll([record], path, scheme="BILOU")
    assert alignment.message() is None
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ('# textloop: {"join": "space", "scheme": "BILOU", "tokenizer": '
                        '"records, else textloop.spans.matching.word_tokens"}')
    assert lines[1:10] == ["Dr\tO", ".\tO", "Kim\tU-PER", "met\tO", "東\tB-LOC", "京\tL-LOC",
                           "staff\tO", "👍🏽\tO", "!\tO"]
    [back] = read_conll(path)
    assert back.text == "Dr . Kim met 東 京 staff 👍🏽 !"
    assert back.meta["scheme"] == "BILOU"
    assert [s.text_of(back.text) for s in back.spans] == ["Kim", "東 京"]


def test_writer_reports_misaligned_spans_and_character_level_export(tmp_path: Path) -> None:
    record = Record("Obamas 만나요", [Span(0, 5, "PER"), Span(7, 9, "X")], {})
    alignment = write_conll([record], tmp_path / "w.conll")
    assert alignment.expanded == 1
    assert "'Obama' -> 0-6 'Obamas'" in (alignment.message() or "")
    path = tmp_path / "c.conll"
    record = Record("서울에서 만나요", [Span(0, 2, "LOC")], {})
    assert write_conll([record], path, join="none", tokenizer=char_tokens).message() is None
    [back] = read_conll(path)
    assert (back.text, back.spans) == (record.text, record.spans)


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "keep.conll"
    path.write_text("old\tO\n", encoding="utf-8")
    bad = Record("a b", [Span(0, 3, "X"), Span(2, 3, "Y")], {})
    with pytest.raises(InvalidInputError,
                       match=r"record 2: token spans 0-2 \(X\) and 1-2 \(Y\) overlap"):
        write_conll([Record("ok", [], {}), bad], path)
    assert path.read_text(encoding="utf-8") == "old\tO\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.conll"]


def test_items_stand_a_record_error_in_for_each_bad_sentence(tmp_path: Path) -> None:
    path = write(tmp_path, "a\tB-PER\nb\tI-ORG\n\nlone\n\nc\tX\n\nd\tB-PER\n\n")
    items = list(conll_items(path))
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [(e.line, e.problem.split(":")[0]) for e in errors] == [
        (2, "token 2"), (4, "expected a token and a tag, found 'lone'"), (6, "token 1")]
    assert all(str(path) not in e.problem and e.fix for e in errors)
    [record] = [i for i in items if not isinstance(i, RecordError)]
    assert (record.text, record.spans, record.meta["line"]) == ("d", [Span(0, 1, "PER")], 8)
    assert record.meta["scheme"] == "IOB2"  # the malformed 'X' did not stop the detection
    with pytest.raises(RecordError, match=r"line 2: token 2: 'I-ORG'"):
        list(read_conll(path))
    assert read_conll.__name__ == "read_conll"


def test_a_file_level_problem_stops_the_items_too(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="mix IOBES") as caught:
        list(conll_items(write(tmp_path, "a\tE-PER\n\nb\tU-PER\n")))
    assert not isinstance(caught.value, RecordError)
    with pytest.raises(InvalidInputError, match="unknown tag scheme 'XYZ'"):
        list(conll_items(write(tmp_path, "a\tO\n\nb\tO\n"), scheme="XYZ"))
