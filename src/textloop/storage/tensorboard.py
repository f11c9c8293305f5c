"""TensorBoard event files for a run's per-epoch scalars, written without TensorFlow.

An event file is a TFRecord stream of ``Event`` protocol buffers. Scalars need only a few
fields, so they are encoded by hand here: each record is ``length (uint64) | masked
crc32c(length) | data | masked crc32c(data)``, and each event carries ``wall_time`` (field 1,
double), ``step`` (2, varint) and a ``Summary`` (5) of ``Value``s with ``tag`` (1) and
``simple_value`` (2, float). That keeps tensorboard and tensorflow out of the install for the
few users who want to open ``tensorboard --logdir .textloop/runs``. The framing and the
checksum are ``textloop.tfrecord``'s, shared with dataset exports.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from textloop.tfrecord import crc32c, field, frame, masked_crc, varint

__all__ = ["crc32c", "masked_crc", "write_scalars"]


def _event(wall_time: float, step: int, *, version: str | None = None,
           scalars: Mapping[str, float] | None = None) -> bytes:
    body = b"\x09" + struct.pack("<d", wall_time) + b"\x10" + varint(step)
    if version is not None:
        body += field(3, version.encode())
    if scalars:
        values = b"".join(field(1, field(1, tag.encode()) + b"\x15" + struct.pack("<f", value))
                          for tag, value in scalars.items())
        body += field(5, values)
    return body


def write_scalars(folder: Path, steps: Iterable[tuple[int, Mapping[str, float]]]) -> Path:
    """One event file in ``folder`` with a scalar per tag and step; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    path = folder / f"events.out.tfevents.{int(now)}.{socket.gethostname()}"
    records = [frame(_event(now, 0, version="brain.Event:2"))]
    records += [frame(_event(now, step, scalars=scalars)) for step, scalars in steps]
    path.write_bytes(b"".join(records))
    return path
