"""TFRecord files and ``tf.train.Example`` protocol buffers, written and read without TensorFlow.

A TFRecord file is a sequence of records, each ``length (uint64 LE) | masked crc32c(length)
(uint32 LE) | data | masked crc32c(data) (uint32 LE)``. TensorBoard event files
(``storage/tensorboard.py``) and dataset exports (``textloop export release --format
tfrecord``) both use it, so the framing and the checksum live here once.

An ``Example`` is encoded by hand with the protobuf wire format: ``Example {Features features
= 1}``, ``Features {map<string, Feature> feature = 1}`` (each entry a message with ``key = 1``
and ``value = 2``), and ``Feature`` one of ``bytes_list = 1``, ``float_list = 2`` (packed
32-bit floats) or ``int64_list = 3`` (packed varints), each list's values in field 1.

CRC-32C is table-driven Python for one record (``crc32c``) and, for the many records of an
export, NumPy over a batch of records at once (``crc32c_many``: 4 bytes of every record still
that long per step), which keeps a million-row export within seconds.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any, cast

_POLY = 0x82F63B78
_CRC_TABLE: list[int] = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)
_MASK_DELTA = 0xA282EAD8

FeatureValue = bytes | str | int | float | bool | None | Sequence[Any]
"""What ``encode_example`` takes per feature: one value, a list of values (all of one kind),
or None / an empty list for a feature with no value."""


class RecordError(ValueError):
    """A TFRecord file that is truncated or fails a checksum; ``offset`` is where."""

    def __init__(self, message: str, index: int, offset: int) -> None:
        super().__init__(message)
        self.index = index
        self.offset = offset


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), the checksum TFRecord uses."""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def mask(crc: int) -> int:
    """TFRecord's masked CRC: rotated right by 15 bits plus a constant."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def masked_crc(data: bytes) -> int:
    return mask(crc32c(data))


@cache
def _word_tables() -> tuple[Any, Any, Any]:
    """The byte table and two 65,536-entry tables that advance a CRC-32C state over 4 bytes
    at once: the update is linear, so the state after a word ``w`` from state ``c`` is
    ``LO[x & 0xFFFF] ^ HI[x >> 16]`` with ``x = c ^ w``."""
    import numpy as np

    table = np.array(_CRC_TABLE, dtype=np.uint32)
    halves = np.arange(1 << 16, dtype=np.uint32)
    out = []
    for start in (halves, halves << 16):
        crc = start.copy()
        for _ in range(4):
            crc = table[crc & 0xFF] ^ (crc >> 8)
        out.append(crc)
    return table, out[0], out[1]


def crc32c_many(items: Sequence[bytes], chunk: int = 8192) -> list[int]:
    """``crc32c`` of every item, computed for many items together with NumPy.

    Items are ordered longest first and taken ``chunk`` at a time (so a chunk's items are of
    similar length). The state of every item advances 4 bytes per step (``_word_tables``);
    at step ``j`` only the items holding 4 more bytes move (a prefix of that order), and
    those whose last 1-3 bytes start there take them one byte at a time. No padding ever
    enters a checksum.
    """
    import numpy as np

    table, low, high = _word_tables()
    lengths = np.fromiter((len(b) for b in items), dtype=np.int64, count=len(items))
    order = np.argsort(-lengths, kind="stable")
    out = np.empty(len(items), dtype=np.uint32)
    for begin in range(0, len(items), chunk):
        picked = order[begin:begin + chunk]
        sizes = lengths[picked]
        words = -(-int(sizes[0]) // 4)
        width = max(words, 1) * 4
        padded = b"".join(items[i].ljust(width, b"\0") for i in picked.tolist())
        data = np.frombuffer(padded, dtype=np.uint8).reshape(len(picked), width)
        by_word = np.ascontiguousarray(data.view("<u4").T)  # (words, items)
        by_byte = np.ascontiguousarray(data.T)  # (bytes, items), for the tails
        full = np.searchsorted(-sizes, -4 * np.arange(1, words + 1), side="right")
        crc = np.full(len(picked), 0xFFFFFFFF, dtype=np.uint32)
        for j in range(words):
            n = int(full[j])  # items with at least 4 * (j + 1) bytes
            if n:
                x = crc[:n] ^ by_word[j, :n]
                crc[:n] = low[x & 0xFFFF] ^ high[x >> 16]
            for k in range(3):  # items whose tail starts in word j: byte 4j + k
                m = int(np.searchsorted(-sizes, -(4 * j + k), side="left"))  # len > 4j + k
                if m > n:
                    head = crc[n:m]
                    crc[n:m] = table[(head ^ by_byte[4 * j + k, n:m]) & 0xFF] ^ (head >> 8)
        out[picked] = crc ^ 0xFFFFFFFF
    return [int(c) for c in out.tolist()]


def frame(data: bytes) -> bytes:
    """One TFRecord record around ``data``."""
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc(length)) + data
            + struct.pack("<I", masked_crc(data)))


def write_records(handle: IO[bytes], payloads: Sequence[bytes]) -> None:
    """Frame and write many records, their checksums computed together (``crc32c_many``)
    and masked and packed with NumPy."""
    import numpy as np

    n = len(payloads)
    packed_lengths = np.fromiter((len(p) for p in payloads), dtype="<u8", count=n).tobytes()
    lengths = [packed_lengths[i:i + 8] for i in range(0, 8 * n, 8)]
    crcs = np.array(crc32c_many([*lengths, *payloads]), dtype=np.uint64)
    masked = ((((crcs >> 15) | (crcs << 17)) + _MASK_DELTA) & 0xFFFFFFFF).astype("<u4").tobytes()
    sums = [masked[i:i + 4] for i in range(0, 8 * n, 4)]  # n length sums, then n data sums
    handle.write(b"".join(
        lengths[i] + sums[i] + payloads[i] + sums[n + i] for i in range(n)))


def read_records(path: Path) -> Iterator[bytes]:
    """Every record's data, checking the length and data checksums; raises ``RecordError``
    naming the record (1-based) and byte offset of a truncated or corrupted one."""
    with path.open("rb") as handle:
        index, offset = 0, 0
        while header := handle.read(12):
            index += 1
            if len(header) < 12:
                raise RecordError(f"record {index} is truncated (its header is "
                                  f"{len(header)} of 12 bytes)", index, offset)
            length_bytes, (length_crc,) = header[:8], struct.unpack("<I", header[8:])
            if masked_crc(length_bytes) != length_crc:
                raise RecordError(f"record {index}: the length fails its checksum", index,
                                  offset)
            (length,) = struct.unpack("<Q", length_bytes)
            body = handle.read(length + 4)
            if len(body) < length + 4:
                raise RecordError(f"record {index} is truncated (expected {length:,} bytes of "
                                  "data and a checksum)", index, offset)
            data, (data_crc,) = body[:length], struct.unpack("<I", body[length:])
            if masked_crc(data) != data_crc:
                raise RecordError(f"record {index}: the data fails its checksum", index, offset)
            yield data
            offset += 16 + length


def _varint_slow(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


_SMALL_VARINTS = [_varint_slow(i) for i in range(1 << 14)]  # lengths and small ints: 1-2 bytes


def varint(value: int) -> bytes:
    """A protobuf varint; negative numbers as their 64-bit two's complement (int64)."""
    if 0 <= value < 1 << 14:
        return _SMALL_VARINTS[value]
    return _varint_slow(value + (1 << 64) if value < 0 else value)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def _feature(value: FeatureValue) -> bytes:
    """A serialized ``Feature`` (its ``kind`` chosen by the first value's type)."""
    values: list[Any] = (list(value) if isinstance(value, list | tuple)
                         else [] if value is None else [value])
    if not values:
        return b""  # a Feature with no kind set: a key without a value
    first = values[0]
    if isinstance(first, str) and len(values) == 1:  # the common case, kept short
        data = first.encode("utf-8")
        inner = b"\x0a" + varint(len(data)) + data
        return b"\x0a" + varint(len(inner)) + inner
    if isinstance(first, bytes | str):
        items = b"".join(field(1, v.encode("utf-8") if isinstance(v, str) else v)
                         for v in values)
        return field(1, items)
    if isinstance(first, float):
        return field(2, field(1, struct.pack(f"<{len(values)}f", *values)))
    return field(3, field(1, b"".join(varint(int(v)) for v in values)))


class ExampleEncoder:
    """Encodes rows with the same feature names, each name's bytes prepared once."""

    def __init__(self, names: Sequence[str]) -> None:
        self.keys = [field(1, name.encode("utf-8")) + b"\x12" for name in names]

    def __call__(self, values: Sequence[FeatureValue]) -> bytes:
        """A serialized ``tf.train.Example`` with ``values`` in the order of the names."""
        parts = []
        for key, value in zip(self.keys, values, strict=True):
            feature = _feature(value)
            entry = key + varint(len(feature)) + feature
            parts.append(b"\x0a" + varint(len(entry)) + entry)
        features = b"".join(parts)
        return b"\x0a" + varint(len(features)) + features

    def many(self, columns: Sequence[Sequence[FeatureValue]]) -> list[bytes]:
        """Serialized Examples for rows given column by column (one list per name): the same
        bytes as calling the encoder per row, built a column at a time, which is several
        times faster in Python for a column of plain strings."""
        entries = []
        for key, values in zip(self.keys, columns, strict=True):
            if all(type(v) is str for v in values):
                data = [v.encode("utf-8") for v in cast("list[str]", values)]
                inner = [b"\x0a" + varint(len(d)) + d for d in data]
                features = [b"\x0a" + varint(len(i)) + i for i in inner]
            else:
                features = [_feature(v) for v in values]
            keyed = [key + varint(len(f)) + f for f in features]
            entries.append([b"\x0a" + varint(len(e)) + e for e in keyed])
        rows = [b"".join(parts) for parts in zip(*entries, strict=True)]
        return [b"\x0a" + varint(len(r)) + r for r in rows]


def encode_example(features: Mapping[str, FeatureValue]) -> bytes:
    """A serialized ``tf.train.Example`` holding ``features`` (strings as UTF-8 bytes,
    ints and bools as int64, floats as float32)."""
    return ExampleEncoder(list(features))(list(features.values()))


def decode_example(data: bytes) -> dict[str, list[Any]]:
    """A serialized ``Example`` as feature name -> list of values (bytes, floats or ints).

    Accepts packed and unpacked repeated numbers, as any protobuf writer may emit either.
    """
    out: dict[str, list[Any]] = {}
    for number, features in _fields(data):
        if number != 1:
            continue
        for entry_number, entry in _fields(features):
            if entry_number != 1:
                continue
            key, value = "", b""
            for part_number, part in _fields(entry):
                if part_number == 1:
                    key = part.decode("utf-8")
                elif part_number == 2:
                    value = part
            out[key] = _values(value)
    return out


def _values(feature: bytes) -> list[Any]:
    values: list[Any] = []
    for kind, body in _fields(feature):
        for number, wire, item in _raw_fields(body):
            if number != 1:
                continue
            if kind == 1:
                values.append(item)
            elif kind == 2:
                values += (struct.unpack(f"<{len(item) // 4}f", item) if wire == 2
                           else [struct.unpack("<f", item)[0]])
            elif kind == 3:
                values += _varints(item) if wire == 2 else [_signed(item)]
    return values


def _fields(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The length-delimited fields of a message (others skipped)."""
    for number, wire, value in _raw_fields(data):
        if wire == 2:
            assert isinstance(value, bytes)
            yield number, value


def _raw_fields(data: bytes) -> Iterable[tuple[int, int, Any]]:
    pos = 0
    while pos < len(data):
        key, pos = _varint_at(data, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, pos = _varint_at(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        elif wire == 2:
            length, pos = _varint_at(data, pos)
            value, pos = data[pos:pos + length], pos + length
            if pos > len(data):
                raise ValueError("a field runs past the end of the message")
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, wire, value


def _varint_at(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("a varint runs past the end of the message")
        byte = data[pos]
        result |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if not byte & 0x80:
            return result, pos


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _varints(data: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(data):
        value, pos = _varint_at(data, pos)
        out.append(_signed(value))
    return out
