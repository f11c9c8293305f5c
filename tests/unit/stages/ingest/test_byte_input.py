"""Byte input: decompression, exact byte counts and hashes, and undecodable lines."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.ingest.byte_input import decoded_lines, open_bytes
from textloop.stages.ingest.source import ByteMeter

CONTENT = "text,label\nhello,ham\nwörld,spam\n".encode()


@pytest.mark.parametrize(("suffix", "compress"), [
    ("", lambda b: b), (".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)])
def test_meter_counts_and_hashes_the_stored_bytes(write, suffix, compress) -> None:
    path = write(f"a.csv{suffix}", compress(CONTENT))
    meter = ByteMeter()
    lines = list(decoded_lines(path, "utf-8", meter, {}))
    assert "".join(lines).encode() == CONTENT
    assert meter.bytes_read == path.stat().st_size
    assert meter.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_meter_covers_bytes_a_reader_never_asked_for(write) -> None:
    path = write("a.csv.gz", gzip.compress(CONTENT) + b"\0" * 4096)
    meter = ByteMeter()
    with open_bytes(path, meter) as stream:
        stream.readline()
    assert meter.bytes_read == path.stat().st_size


def test_truncated_gzip_is_an_input_error(write) -> None:
    path = write("a.csv.gz", gzip.compress(CONTENT * 100)[:-30])
    with pytest.raises(InvalidInputError, match="cannot decompress"):
        list(decoded_lines(path, "utf-8", ByteMeter(), {}))


def test_undecodable_lines_are_noted_not_raised(write) -> None:
    path = write("a.csv", b"ok\nbad \xff\xfe here\nok again\n")
    bad: dict[int, bytes] = {}
    lines = list(decoded_lines(path, "utf-8", ByteMeter(), bad))
    assert len(lines) == 3 and lines[2] == "ok again\n"
    assert bad == {2: b"\xff"}


def test_byte_order_mark_is_dropped_from_the_first_line_only(write) -> None:
    path = write("a.csv", "\ufeffa\n\ufeffb\n")
    assert list(decoded_lines(path, "utf-8", ByteMeter(), {})) == ["a\n", "\ufeffb\n"]


def test_utf16_lines_are_split_on_characters_not_bytes(write) -> None:
    path = write("a.txt", "añb\nc\n".encode("utf-16"))
    assert list(decoded_lines(path, "utf-16", ByteMeter(), {})) == ["añb\n", "c\n"]


def test_broken_utf16_names_the_line(write) -> None:
    path = write("a.txt", "ab\ncd\n".encode("utf-16-le") + b"\x00\xdc")
    with pytest.raises(InvalidInputError, match="line 3"):
        list(decoded_lines(path, "utf-16-le", ByteMeter(), {}))


def test_utf16_lines_break_only_at_newlines(write) -> None:
    path = write("a.txt", "a\u2028b\rc\nlast".encode("utf-16"))
    assert list(decoded_lines(path, "utf-16", ByteMeter(), {})) == ["a\u2028b\rc\n", "last"]


# --- bounded lines: one huge line must not be read into memory whole -------------------------

def test_a_line_longer_than_the_bound_is_refused_with_its_number(write) -> None:
    path = write("a.csv", b"text\nshort\n" + b"x" * 5000 + b"\nafter\n")
    with pytest.raises(InvalidInputError, match="line 3") as info:
        list(decoded_lines(path, "utf-8", ByteMeter(), {}, max_line_bytes=1000))
    assert str(path) in info.value.message and "1,000 bytes" in info.value.message
    assert "--max-chars" in (info.value.hint or "")


def test_a_line_within_the_bound_is_read(write) -> None:
    path = write("a.csv", b"x" * 999 + b"\n")
    assert list(decoded_lines(path, "utf-8", ByteMeter(), {}, max_line_bytes=1000)) == [
        "x" * 999 + "\n"]


def test_a_utf16_line_longer_than_the_bound_is_refused(write) -> None:
    path = write("a.txt", ("ab\n" + "y" * 3000).encode("utf-16"))
    with pytest.raises(InvalidInputError, match="line 2"):
        list(decoded_lines(path, "utf-16", ByteMeter(), {}, max_line_bytes=1000))
