"""Typed records shared by stages, storage and adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
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
