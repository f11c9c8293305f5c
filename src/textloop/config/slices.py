"""``slices:``: named parts of the data whose metrics are reported on their own."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from textloop.config.base import Strict

SLICE_KINDS = ("field", "length", "source", "keywords", "regex")
_KIND_OPTIONS = {"unit": ("length",), "max_values": ("field", "source"),
                 "values": ("field", "source"), "case_sensitive": ("keywords", "regex")}


class Slice(Strict):
    """A named part of the data whose metrics are reported on their own (docs/evaluation.md).

    Exactly one of: ``field`` (a metadata field: one slice per value, the ``max_values`` most
    frequent kept and the rest lumped as ``other``, or exactly the listed ``values``),
    ``length`` (bucket edges in ``unit`` chars or words), ``source`` (the record's provenance:
    ``kind`` file/crawl/synthetic/production, ``ref`` the file or URL, or ``label_kind``) or a
    rule, ``keywords`` (whole words) or ``regex``, splitting rows into matching and not.
    Slices with fewer than ``min_rows`` rows are reported but flagged as too small to trust.
    """

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    field: str | None = Field(None, min_length=1)
    length: list[int] | None = None
    source: Literal["kind", "ref", "label_kind"] | None = None
    keywords: list[str] | None = None
    regex: str | None = None
    unit: Literal["chars", "words"] | None = None
    max_values: int | None = Field(None, ge=1, le=1000)
    values: list[str] | None = None
    case_sensitive: bool | None = None
    min_rows: int = Field(20, ge=1)

    @property
    def kind(self) -> str:
        return next(kind for kind in SLICE_KINDS if getattr(self, kind) is not None)

    @model_validator(mode="after")
    def _one_kind(self) -> Slice:
        given = [kind for kind in SLICE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"slice {self.name!r} sets {' and '.join(given) or 'no kind'}: "
                             f"use exactly one of {', '.join(SLICE_KINDS)}")
        for option, kinds in _KIND_OPTIONS.items():
            if getattr(self, option) is not None and given[0] not in kinds:
                raise ValueError(f"slice {self.name!r}: {option} applies to a "
                                 f"{' or '.join(kinds)} slice, not a {given[0]} slice")
        _check_slice_rule(self)
        return self


def _check_slice_rule(spec: Slice) -> None:
    """Length edges increase, keyword lists are not empty, a regex compiles."""
    if spec.length is not None:
        edges = spec.length
        if not any(e > 0 for e in edges) or min(edges) < 0 or edges != sorted(set(edges)):
            raise ValueError(f"slice {spec.name!r}: length needs increasing edges >= 0 with "
                             f"at least one above 0 (e.g. [0, 50, 200]), found {edges}")
    if spec.keywords is not None and not any(k.strip() for k in spec.keywords):
        raise ValueError(f"slice {spec.name!r}: keywords lists no word")
    if spec.regex is not None:
        try:
            re.compile(spec.regex)
        except re.error as exc:
            raise ValueError(f"slice {spec.name!r}: invalid regex ({exc})") from None
