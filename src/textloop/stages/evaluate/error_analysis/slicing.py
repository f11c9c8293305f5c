"""Which rows belong to which slice, for the ``slices:`` declared in ``textloop.yaml``.

Kept apart from the evaluation report because monitoring assigns the same slices to
production rows: a slice means the same thing wherever its metrics are measured. A slice
key is ``NAME=VALUE`` (``channel=email``, ``length=<50``, ``refund=yes``), the shape the
promotion policy reads from ``metrics["slices"]``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from textloop.config import Slice
from textloop.errors import ConfigError, InvalidInputError
from textloop.stages.rules.compile import keyword_pattern

OTHER = "other"
MISSING = "(missing)"
DEFAULT_MAX_VALUES = 10
SOURCE_COLUMNS = {"kind": "source_kind", "ref": "source_ref", "label_kind": "label_kind"}

Provenance = Mapping[str, str | None]
"""A row's provenance: ``source_kind``, ``source_ref`` and ``label_kind`` (release columns)."""


def assign_slices(spec_slices: Sequence[Slice], texts: Sequence[str],
                  metas: Sequence[Mapping[str, Any]],
                  sources: Sequence[Provenance] | None = None) -> dict[str, np.ndarray]:
    """``NAME=VALUE`` -> boolean row mask, for every slice of every declared slice spec.

    ``sources`` is needed only by ``source`` slices. Values follow each spec's order:
    most frequent first for fields and sources, bucket order for lengths, yes before no.
    """
    out: dict[str, np.ndarray] = {}
    for position, spec in enumerate(spec_slices):
        for value, mask in slice_groups(spec, texts, metas, sources, position).items():
            out[f"{spec.name}={value}"] = mask
    return out


def slice_groups(spec: Slice, texts: Sequence[str], metas: Sequence[Mapping[str, Any]],
                 sources: Sequence[Provenance] | None = None,
                 position: int | None = None) -> dict[str, np.ndarray]:
    """VALUE -> boolean row mask for one slice spec (``position``: its index in ``slices:``,
    used to name the key in errors)."""
    key = f"slices.{position}" if position is not None else f"slice {spec.name!r}"
    if spec.field is not None:
        values = field_values(metas, spec.field, f"{key}.field")
        return value_groups(values, spec.max_values or DEFAULT_MAX_VALUES, spec.values)
    if spec.source is not None:
        return value_groups(_source_values(spec.source, sources, len(texts), key),
                            spec.max_values or DEFAULT_MAX_VALUES, spec.values)
    if spec.length is not None:
        return length_groups(texts, spec.length, spec.unit or "chars")
    return rule_groups(texts, _rule_pattern(spec))


def field_values(metas: Sequence[Mapping[str, Any]], field: str, key: str) -> list[str]:
    """Each row's value of a metadata field as text; a field no row carries is a config error."""
    if metas and not any(field in meta for meta in metas):
        known = sorted({name for meta in metas for name in meta})
        raise ConfigError(f"key `{key}`: no evaluated row has the metadata field {field!r} "
                          f"(metadata keys: {', '.join(known) or 'none'})",
                          hint=f"fix the field name in textloop.yaml, or import the column with "
                               f"--meta-cols {field} and release again")
    return [value_text(meta.get(field)) for meta in metas]


def value_text(value: Any) -> str:
    """How a metadata value is named in a slice key: booleans in lower case, None missing."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def value_groups(values: Sequence[str], max_values: int,
                 fixed: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """One mask per kept value, the rest lumped as ``other`` (only when some row is there).

    Kept: exactly ``fixed`` when given (stable across data sets, e.g. for monitoring), else
    the ``max_values`` most frequent values (ties by name).
    """
    array = np.asarray(values, dtype=object)
    if fixed is not None:
        kept = list(dict.fromkeys(fixed))
    else:
        counts = Counter(values)
        kept = sorted(counts, key=lambda v: (-counts[v], v))[:max_values]
    out = {value: array == value for value in kept}
    rest = np.ones(len(array), dtype=bool)
    for mask in out.values():
        rest &= ~mask
    if rest.any():
        out[OTHER if OTHER not in out else f"{OTHER} (lumped)"] = rest
    return out


def length_groups(texts: Sequence[str], edges: Sequence[int], unit: str) -> dict[str, np.ndarray]:
    """Buckets between the cut points (edges above 0): ``<50``, ``50–200``, ``≥200``."""
    cuts = [edge for edge in edges if edge > 0]
    sizes = np.array([len(t.split()) if unit == "words" else len(t) for t in texts], dtype=int)
    bucket = np.searchsorted(np.asarray(cuts), sizes, side="right")
    names = [f"<{cuts[0]}"] + [f"{lo}–{hi}" for lo, hi in itertools.pairwise(cuts)]
    names.append(f"≥{cuts[-1]}")
    return {name: bucket == i for i, name in enumerate(names)}


def rule_groups(texts: Sequence[str], pattern: re.Pattern[str]) -> dict[str, np.ndarray]:
    """``yes``: the rule matches somewhere in the text; ``no``: it does not."""
    hit = np.array([pattern.search(text) is not None for text in texts], dtype=bool)
    return {"yes": hit, "no": ~hit}


def _rule_pattern(spec: Slice) -> re.Pattern[str]:
    """Keywords match as whole words, like a labeling rule's; a regex is searched anywhere."""
    if spec.keywords is not None:
        return keyword_pattern(spec.keywords, bool(spec.case_sensitive))
    flags = 0 if spec.case_sensitive else re.IGNORECASE
    return re.compile(spec.regex or "", flags)


def _source_values(which: str, sources: Sequence[Provenance] | None, n: int,
                   key: str) -> list[str]:
    if sources is None or len(sources) != n:
        found = "none given" if sources is None else f"{len(sources)} for {n} rows"
        raise InvalidInputError(f"`{key}.source` needs each row's provenance ({found})",
                                hint="pass sources= with one provenance mapping per text")
    column = SOURCE_COLUMNS[which]
    return [value_text(row.get(column)) for row in sources]
