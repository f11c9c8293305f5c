"""Typed records shared by stages, storage and adapters."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum, StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: adapters use these types without loading NumPy
    import numpy as np


class AnnotationKind(StrEnum):
    """Where a label came from; release and cleaning weigh these differently."""

    ADJUDICATED = "adjudicated"
    REVIEW = "review"
    """A reviewer's label decision on a ``textloop clean`` finding (accepted or relabeled)."""
    IMPORT = "import"
    HUMAN = "human"
    WEAK = "weak"
    MODEL = "model"
    SYNTHETIC = "synthetic"
    PRODUCTION = "production"


SPLITS = ("train", "validation", "test")
"""A release's splits, in order from trained on to most held out (a record pinned with
``textloop import --split`` names one of these)."""


class SourceKind(StrEnum):
    """How a record entered the store (its provenance)."""

    FILE = "file"
    CRAWL = "crawl"
    SYNTHETIC = "synthetic"
    PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class NewRecord:
    """A record about to be stored: the text, its metadata and where it came from."""

    text: str
    label: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    external_id: str | None = None
    source_ref: str | None = None
    source_line: int | None = None
    split: str | None = None
    """The split every release puts this record in (``textloop import --split``), or None
    for the release to choose."""


@dataclass(frozen=True, slots=True)
class StoredRecord:
    id: str
    text: str
    content_hash: str
    meta: dict[str, Any]
    source_kind: str
    source_ref: str | None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class LabeledRecord:
    """A record with its resolved label (the label a release would use)."""

    id: str
    text: str
    label: str
    meta: dict[str, Any]
    source_kind: str
    source_ref: str | None
    label_kind: str


@dataclass
class BundleContents:
    """A model bundle as stored: arrays (``arrays.npz``) and JSON metadata (``bundle.json``)."""

    arrays: dict[str, np.ndarray]
    meta: dict[str, Any]


def plain(value: Any) -> Any:
    """``value`` as JSON-ready Python: dataclasses and mappings as dicts, sequences and sets
    as lists, paths as strings, enums as their values, NumPy scalars and arrays as Python
    numbers and lists, NaN and infinities as ``None``.

    Every typed result's ``to_dict()`` goes through here, so a result of the public API
    (``textloop.open_project(...).train()``) and a ``--json`` print share one shape and
    ``json.dumps`` takes either without a ``default=`` hook. A metric straight from
    scikit-learn is a NumPy scalar: kept as one, ``json.dumps`` refuses it (or a ``str``
    fallback prints ``"0.93"``, a string a script would compare as text); and JSON has no
    spelling for NaN. NumPy is recognised by its ``dtype``/``tolist``, never imported.
    """
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, float):  # numpy.float64 is a float too
        return float(value) if math.isfinite(value) else None
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # a NumPy scalar or array
        return plain(value.tolist())
    return value


class Jsonable:
    """Mixin for a result dataclass: ``to_dict()`` is ``plain(self)``, its fields as keys.

    The document a script reads changes only when the type does; a result with derived
    numbers (a property) extends ``to_dict`` with them.
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as ``--json`` prints it and the public API returns it."""
        out: dict[str, Any] = plain(self)
        return out
