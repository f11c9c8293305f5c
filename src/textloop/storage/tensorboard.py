"""TensorBoard event files for a run's per-epoch scalars, written without TensorFlow.

An event file is a TFRecord stream of ``Event`` protocol buffers. Scalars need only a few
fields, so they are encoded by hand here: each record is ``length (uint64) | masked
crc32c(length) | data | masked crc32c(data)``, and each event carries ``wall_time`` (field 1,
double), ``step`` (2, varint) and a ``Summary`` (5) of ``Value``s with ``tag`` (1) and
``simple_value`` (2, float). That keeps tensorboard and tensorflow out of the install for the
few users who want to open ``tensorboard --logdir .textloop/runs``.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

_CRC_TABLE: list[int] = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), the checksum TFRecord uses; table-driven, fine for small files."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _event(wall_time: float, step: int, *, version: str | None = None,
           scalars: Mapping[str, float] | None = None) -> bytes:
    body = b"\x09" + struct.pack("<d", wall_time) + b"\x10" + _varint(step)
    if version is not None:
        body += _field(3, version.encode())
    if scalars:
        values = b"".join(_field(1, _field(1, tag.encode()) + b"\x15" + struct.pack("<f", value))
                          for tag, value in scalars.items())
        body += _field(5, values)
    return body


def _record(data: bytes) -> bytes:
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc(length)) + data
            + struct.pack("<I", masked_crc(data)))


def write_scalars(folder: Path, steps: Iterable[tuple[int, Mapping[str, float]]]) -> Path:
    """One event file in ``folder`` with a scalar per tag and step; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    path = folder / f"events.out.tfevents.{int(now)}.{socket.gethostname()}"
    records = [_record(_event(now, 0, version="brain.Event:2"))]
    records += [_record(_event(now, step, scalars=scalars)) for step, scalars in steps]
    path.write_bytes(b"".join(records))
    return path
