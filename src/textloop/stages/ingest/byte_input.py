"""Reading a (possibly compressed) file as numbered, decoded lines.

Lines are read as bytes and decoded one by one: a byte that is not valid in the file's
encoding marks its line (and the reader reports that row), instead of aborting the whole
file at an unknown position. The compressed bytes pass through a ``ByteMeter`` on their way
in, so progress counts the file as stored and the sha256 is that of the file on disk.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO, Any

from textloop.errors import InvalidInputError
from textloop.stages.ingest.source import ByteMeter, ReadOptions

# Decompressing wrappers around the raw stream; ``open_bytes`` closes them with it.
COMPRESSED: dict[str, Callable[[IO[bytes]], Any]] = {
    ".gz": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"),
    ".bz2": lambda raw: bz2.BZ2File(raw, mode="rb"),
    ".xz": lambda raw: lzma.LZMAFile(raw, mode="rb"),  # noqa: SIM115
}
_BUFFER = 1 << 20
# Encodings whose newline is not the single byte 0x0A cannot be split into lines as bytes.
_WIDE = ("utf-16", "utf-32")
_SNIFF = 4096  # bytes looked at to recognise UTF-16/32
# UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Which of each 4 bytes are NUL in Latin text, per encoding.
_NUL_PATTERNS = (("utf-32-le", (False, True, True, True)), ("utf-32-be", (True, True, True, False)),
                 ("utf-16-le", (False, True, False, True)),
                 ("utf-16-be", (True, False, True, False)))


class _MeteredFile(io.RawIOBase):
    """A raw file that feeds every byte it returns to a ``ByteMeter``."""

    def __init__(self, handle: IO[bytes], meter: ByteMeter) -> None:
        self._handle = handle
        self._meter = meter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._handle.readinto(buffer)  # type: ignore[attr-defined]
        if count:
            self._meter.update(memoryview(buffer)[:count])
        return count or 0

    def close(self) -> None:
        self._handle.close()
        super().close()


@contextmanager
def open_bytes(path: Path, meter: ByteMeter | None = None) -> Iterator[IO[bytes]]:
    """``path`` as a binary stream, decompressed by its suffix (.gz, .bz2, .xz).

    With a ``meter``, the rest of the file is drained through it on a normal exit, so the
    sha256 covers every byte even when a reader stopped before the end of the compressed
    stream (trailing bytes after the last gzip member, say).
    """
    raw = io.BufferedReader(_MeteredFile(path.open("rb", buffering=0), meter or ByteMeter()),
                            buffer_size=_BUFFER)
    opener = COMPRESSED.get(path.suffix.lower())
    try:
        stream = opener(raw) if opener else raw
        yield stream
        while meter is not None and raw.read(_BUFFER):
            pass
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise InvalidInputError(f"{path}: cannot decompress the file ({exc})",
                                hint="check that the file is complete and not corrupted") from None
    finally:
        raw.close()


def check_encoding(encoding: str) -> str:
    """The codec's canonical name, or an error naming the option to fix."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InvalidInputError(f"unknown encoding {encoding!r}",
                                hint="pass --encoding with e.g. utf-8, cp1252 or latin-1") from None


def file_encoding(path: Path, encoding: str) -> str:
    """The codec to read ``path`` with: ``encoding``, unless the file says it is UTF-16/32.

    A UTF-16 or UTF-32 byte order mark settles the encoding, so such a file (as Excel and
    Windows tools save "Unicode text") is read as it is. Without a mark, NUL bytes where
    that encoding puts them in Latin text give it away: refused at once with the right
    ``--encoding``, instead of failing row by row with a hint about cp1252.
    """
    codec = check_encoding(encoding)
    if codec.startswith(_WIDE):
        return codec
    with open_bytes(path) as stream:
        head = stream.read(_SNIFF)
    wide = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    if wide is not None:
        return wide
    guess = _nul_pattern(head)
    if guess is not None:
        raise InvalidInputError(
            f"{path}: the file looks like {guess.upper()} text without a byte order mark (NUL "
            f"bytes between the letters), not {codec}", hint=f"pass --encoding {guess}")
    return codec


def _nul_pattern(head: bytes) -> str | None:
    """The UTF-16/32 byte order whose NUL bytes ``head`` shows, or None.

    Latin text in UTF-16-LE is ``t\\0e\\0``: NUL at every odd offset; UTF-32-LE is
    ``t\\0\\0\\0``. Per offset modulo 4, the share of NUL bytes tells them apart.
    """
    size = len(head) // 4 * 4
    if size < 8 or b"\0" not in head:
        return None
    share = [head[i:size:4].count(0) / (size // 4) for i in range(4)]
    for name, pattern in _NUL_PATTERNS:
        if all((s > 0.5) if nul else (s < 0.2) for s, nul in zip(share, pattern, strict=True)):
            return name
    return None


def decoded_lines(path: Path, encoding: str, meter: ByteMeter, bad: dict[int, bytes],
                  max_line_bytes: int = ReadOptions().max_row_bytes) -> Iterator[str]:
    """The file's lines as text (line endings kept); undecodable lines are noted in ``bad``.

    A line longer than ``max_line_bytes`` is refused as soon as that many bytes have
    arrived: reading it whole first is how one 1 GiB line in a small ``.gz`` file took
    gigabytes of memory.
    """
    codec = file_encoding(path, encoding)
    if codec.startswith(_WIDE):
        yield from _wide_lines(path, codec, meter, max_line_bytes)
        return
    with open_bytes(path, meter) as stream:
        for number, raw in enumerate(iter(partial(stream.readline, max_line_bytes + 1), b""),
                                     start=1):
            if len(raw) > max_line_bytes:
                raise too_long(path, f"line {number} is longer than", max_line_bytes)
            try:
                line = raw.decode(codec)
            except UnicodeDecodeError as exc:
                bad[number] = raw[exc.start:exc.end]
                line = raw.decode(codec, "replace")
            if number == 1:
                line = line.removeprefix("\ufeff")
            yield line


def too_long(path: Path, what: str, limit: int) -> InvalidInputError:
    """The error for a row that grew past the reader's bound (``what``: "line 3 is longer
    than")."""
    return InvalidInputError(
        f"{path}: {what} {limit:,} bytes, more than any row holding a text "
        "within --max-chars can take",
        hint="check that this is a text file with line breaks, and its quotes; if its texts "
             "really are this long, raise --max-chars")


def _wide_lines(path: Path, codec: str, meter: ByteMeter, max_line_bytes: int
                ) -> Iterator[str]:
    """UTF-16/32 text through an incremental decoder; a decoding error stops the file."""
    decoder = codecs.getincrementaldecoder(codec)()
    pending = ""
    number = 0
    # a character takes at least 2 bytes in these encodings
    max_chars = max_line_bytes // 2
    with open_bytes(path, meter) as stream:
        while True:
            chunk = stream.read(min(_BUFFER, max_line_bytes))
            try:
                pending += decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                bad_line = number + (pending + _valid_prefix(codec, exc)).count("\n") + 1
                raise InvalidInputError(
                    f"{path}: line {bad_line}: bytes {exc.object[exc.start:exc.end][:8].hex(' ')} "
                    f"are not valid {codec}", hint="pass the file's real --encoding") from None
            *lines, pending = pending.split("\n")
            for line in lines:
                number += 1
                if len(line) > max_chars:
                    raise too_long(path, f"line {number} is longer than", max_line_bytes)
                yield (line.removeprefix("\ufeff") if number == 1 else line) + "\n"
            if len(pending) > max_chars:
                raise too_long(path, f"line {number + 1} is longer than", max_line_bytes)
            if not chunk:
                if pending:
                    yield pending
                return


def _valid_prefix(codec: str, exc: UnicodeDecodeError) -> str:
    """The text decoded from the chunk before the error (to count its line breaks)."""
    return codecs.decode(exc.object[:exc.start], codec, "replace")
