"""JSON stored as text: compact, key-sorted (stable hashes and diffs), never NaN."""

from __future__ import annotations

import json
from typing import Any


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False, default=str)


def loads(value: str | None) -> Any:
    return json.loads(value) if value else {}
