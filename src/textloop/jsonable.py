"""Results as plain JSON values: what every ``to_dict()`` returns and ``--json`` prints.

Stage results hold NumPy scalars (a metric computed by scikit-learn), paths, counters,
enums and nested dataclasses. ``json.dumps`` would refuse some of them and, with a
``default=str`` fallback, turn a ``numpy.float32`` score into the *string* ``"0.93"``:
a script reading the document would then compare strings. One conversion, used by the
result types and by the shared printer, keeps numbers numbers everywhere.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import PurePath
from typing import Any

__all__ = ["Jsonable", "plain"]


def plain(value: Any) -> Any:
    """``value`` as dicts, lists, str, int, float, bool and None only.

    Dataclasses become dicts of their public fields (in declaration order, so keys are
    stable); NumPy scalars and arrays become Python numbers and lists (duck-typed, so this
    module never loads NumPy); paths become strings; NaN and infinities become ``None``
    (JSON has no spelling for them); sets become sorted lists. Anything else unknown (a
    timestamp object) is written as its ``str``.
    """
    if value is None or isinstance(value, (bool, str)):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, int) and not isinstance(value, Enum):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Enum):
        return plain(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_")}
    if isinstance(value, Mapping):
        return {str(plain(key)): plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(item) for item in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # NumPy scalar or array
        return plain(value.tolist())
    return str(value)


class Jsonable:
    """Mixin for a result dataclass: ``to_dict()`` is its public fields as JSON values.

    The keys are the field names, so the document a script reads changes only when the
    type does; a result with derived numbers (a property) extends ``to_dict`` with them.
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """What ``--json`` prints for this result."""
        out: dict[str, Any] = plain(self)
        return out
