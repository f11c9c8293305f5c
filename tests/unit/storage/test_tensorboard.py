"""TensorBoard event files: valid TFRecord framing (crc32c) and decodable scalar events."""

from __future__ import annotations

import struct

import pytest

from textloop.storage.tensorboard import crc32c, masked_crc, write_scalars


def test_crc32c_known_value() -> None:
    assert crc32c(b"123456789") == 0xE3069283  # the standard CRC-32C check value
    assert crc32c(b"") == 0


def read_records(data: bytes) -> list[bytes]:
    """Split a TFRecord stream, checking both checksums of every record."""
    records, pos = [], 0
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[pos + 8:pos + 12])[0] == masked_crc(header)
        body = data[pos + 12:pos + 12 + length]
        assert struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])[0] == masked_crc(body)
        records.append(body)
        pos += 16 + length
    return records


def fields(message: bytes) -> list[tuple[int, object]]:
    """(field number, value) pairs of a protobuf message with varint/fixed/bytes fields."""
    out, pos = [], 0
    while pos < len(message):
        key, pos = varint(message, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(message, pos)
        elif wire == 1:
            value, pos = struct.unpack("<d", message[pos:pos + 8])[0], pos + 8
        elif wire == 5:
            value, pos = struct.unpack("<f", message[pos:pos + 4])[0], pos + 4
        else:
            length, pos = varint(message, pos)
            value, pos = message[pos:pos + length], pos + length
        out.append((number, value))
    return out


def varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        result |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if not byte & 0x80:
            return result, pos


def test_scalars_decode_to_tags_steps_and_values(tmp_path) -> None:
    path = write_scalars(tmp_path / "tb", [(1, {"train/loss": 0.5, "val/loss": 0.75}),
                                           (300, {"train/loss": 0.25})])
    assert path.name.startswith("events.out.tfevents.")
    events = [dict(fields(record)) for record in read_records(path.read_bytes())]
    assert events[0][3] == b"brain.Event:2"
    assert [event[2] for event in events[1:]] == [1, 300]
    values = [dict(fields(v)) for n, v in fields(events[1][5]) if n == 1]
    assert [(v[1], v[2]) for v in values] == [(b"train/loss", 0.5), (b"val/loss", 0.75)]


def test_tensorboard_reads_the_file_when_installed(tmp_path) -> None:
    loader = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")
    path = write_scalars(tmp_path, [(2, {"val/macro_f1": 0.875})])
    events = list(loader.EventFileLoader(str(path)).Load())
    assert events[-1].step == 2 and events[-1].summary.value[0].tag == "val/macro_f1"
