"""JSON stored as text: compact, key-sorted (stable hashes and diffs), never NaN."""

from __future__ import annotations

import json
from typing import Any

# One encoder for every call: ``json.dumps`` with options builds a new encoder each time,
# which cost more than the encoding itself for the small dicts written once per record.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                            allow_nan=False, default=str)


def dumps(value: Any) -> str:
    if not value and isinstance(value, dict):
        return "{}"
    return _ENCODER.encode(value)


def loads(value: str | None) -> Any:
    return json.loads(value) if value else {}
