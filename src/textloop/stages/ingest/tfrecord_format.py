"""TFRecord files of ``tf.train.Example`` records, read without TensorFlow (``textloop.tfrecord``).

Each feature becomes a column: a single value is the cell (UTF-8 bytes as a string, an
integer, a float), no value is an empty cell, several values are a list. Floats are 32-bit
in an ``Example``; a float is read back as the shortest decimal that gives the same 32-bit
number (``0.1``, not ``0.10000000149011612``), so a number written from a decimal with up to
7 significant digits reads back as written. A record that fails its checksum or is cut short
stops the import with the record's number and byte offset: nothing after it can be trusted.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from textloop.errors import InvalidInputError
from textloop.stages.ingest.source import RawRow, Source
from textloop.tfrecord import RecordError, decode_example, read_records


def open_tfrecord(path: Path, size: int) -> Source:
    """Open a TFRecord file; its columns are the features of its first record."""
    records = _examples(path)
    first = next(records, None)
    if first is None:
        raise InvalidInputError(f"{path}: the file holds no records", hint="check the file")
    source = Source(path, "tfrecord", list(first[1]), size, origin="the first record's features")
    source.meter.hash_file(path)
    source._rows = _rows(source, first, records)
    return source


def _examples(path: Path) -> Iterator[tuple[int, dict[str, list[Any]]]]:
    number = 0
    try:
        for data in read_records(path):
            number += 1
            try:
                yield number, decode_example(data)
            except (ValueError, UnicodeDecodeError) as exc:
                raise InvalidInputError(
                    f"{path}: record {number} is not a tf.train.Example ({exc})",
                    hint="export the file again; textloop reads Example records only") from None
    except RecordError as exc:
        raise InvalidInputError(f"{path}: {exc} (at byte {exc.offset:,})",
                                hint="the file is damaged or incomplete: copy or export it "
                                     "again") from None


def _rows(source: Source, first: tuple[int, dict[str, list[Any]]],
          rest: Iterator[tuple[int, dict[str, list[Any]]]]) -> Iterator[RawRow]:
    for number, features in itertools.chain([first], rest):
        row = RawRow(number, {}, f"record {number}")
        for name, values in features.items():
            try:
                row.fields[name] = _cell(values)
            except UnicodeDecodeError:
                row.problem = f"feature {name!r} holds bytes that are not UTF-8 text"
                row.fix = "write text features as UTF-8"
        yield row
    source.meter.bytes_read = source.size  # records carry no offsets: done when all are read


def _cell(values: list[Any]) -> Any:
    cells = [_value(v) for v in values]
    if not cells:
        return None
    return cells[0] if len(cells) == 1 else cells


def _value(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, float):
        return float(str(np.float32(value)))  # the shortest decimal of the 32-bit number
    return value
