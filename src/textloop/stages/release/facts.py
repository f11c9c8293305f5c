"""Small summaries of the records being released: label order, counts, sources, warnings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

import numpy as np

from textloop.errors import InvalidInputError
from textloop.stages.release.split import SPLITS
from textloop.types import LabeledRecord


def label_order(spec_labels: Sequence[str], records: Sequence[LabeledRecord]
                ) -> tuple[list[str], list[str]]:
    """The release's labels in the project's order, then unknown ones sorted; plus warnings.

    Labels without records stay in the list: a model trained on the release must still know
    the whole label set, and the warning tells the team to collect examples.
    """
    present = Counter(r.label for r in records)
    extra = sorted(set(present) - set(spec_labels))
    warnings = [f"label {label!r} ({present[label]:,} records) is not in textloop.yaml; it "
                "was released after the project's labels" for label in extra]
    warnings += [f"label {label!r} has no labeled records" for label in spec_labels
                 if not present[label]]
    return [*spec_labels, *extra], warnings


def group_values(records: Sequence[LabeledRecord], field: str | None,
                 warnings: list[str]) -> list[Any] | None:
    """Each record's value of the group column; refuses a column no record carries."""
    if field is None:
        return None
    values = [r.meta.get(field) for r in records]
    missing = sum(v is None or v == "" for v in values)
    if missing == len(values):
        keys = sorted({key for r in records for key in r.meta})
        shown = ", ".join(keys[:20]) or "none"
        raise InvalidInputError(
            f"group column {field!r} is not in the metadata of any labeled record "
            f"(metadata keys: {shown})",
            hint="pass --group-col with one of the metadata keys, or import the column with "
                 "--meta-cols")
    if missing:
        warnings.append(f"{missing:,} records have no {field!r} value; each is its own group")
    return [None if v == "" else v for v in values]


def count_by_label(labels: Sequence[str], record_labels: Sequence[str], split: np.ndarray
                   ) -> dict[str, dict[str, int]]:
    """label -> split -> number of records, for every label of the release."""
    index = {label: i for i, label in enumerate(labels)}
    codes = np.fromiter((index[label] for label in record_labels), dtype=np.int64,
                        count=len(record_labels))
    flat = np.bincount(codes * len(SPLITS) + split, minlength=len(labels) * len(SPLITS))
    rows = flat.reshape(len(labels), len(SPLITS)).tolist()
    return {label: dict(zip(SPLITS, row, strict=True)) for label, row in zip(labels, rows,
                                                                             strict=True)}


def tiny_label_warnings(counts: dict[str, dict[str, int]], fractions: dict[str, float]
                        ) -> list[str]:
    """Where the records of a label went when a split that should have some got none."""
    used = [s for s in SPLITS if fractions[s] > 0]
    out = []
    for label, per_split in counts.items():
        empty = [s for s in used if per_split[s] == 0]
        if sum(per_split.values()) and empty:
            where = ", ".join(f"{per_split[s]:,} in {s}" for s in used)
            out.append(f"label {label!r} has no records in {' or '.join(empty)} ({where})")
    return out


def source_counts(records: Sequence[LabeledRecord]) -> list[tuple[str, int]]:
    """Records per source, most first: file names (not local paths), URLs, or the kind."""
    by_ref = Counter((r.source_kind, r.source_ref) for r in records)
    counts: Counter[str] = Counter()
    for (kind, ref), count in by_ref.items():
        counts[_source_name(kind, ref)] += count
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def pinned_counts(records: Sequence[LabeledRecord], pins: Mapping[str, tuple[str, str]]
                  ) -> list[dict[str, Any]]:
    """Released records pinned at import, per split and the file that pinned them (its name,
    not its local path), in split order: how much of each split the user fixed."""
    counts = Counter((pins[r.id][0], PurePath(pins[r.id][1]).name or "(unknown)")
                     for r in records if r.id in pins)
    return [{"split": split, "source": source, "records": n}
            for (split, source), n in sorted(counts.items(),
                                             key=lambda kv: (SPLITS.index(kv[0][0]), kv[0][1]))]


def source_licenses(records: Sequence[LabeledRecord], by_ref: dict[str, str]
                    ) -> dict[str, str]:
    """Source name (as ``source_counts`` names it) -> the license recorded with its import."""
    refs = {(r.source_kind, r.source_ref) for r in records}
    return {_source_name(kind, ref): by_ref[ref] for kind, ref in refs
            if ref is not None and ref in by_ref}


def _source_name(kind: str, ref: str | None) -> str:
    if not ref:
        return f"({kind})"
    if "://" in ref:
        return ref
    return f"{PurePath(ref).name} ({kind})"


def span_facts(labels: Sequence[str], values: Sequence[str], split: np.ndarray
               ) -> tuple[dict[str, dict[str, int]], dict[str, Any]]:
    """A span release: label -> split -> number of spans, and per label the span lengths
    (characters: mean, median, max) with how many records carry no span."""
    from textloop.spans import decode_spans

    counts = {label: dict.fromkeys(SPLITS, 0) for label in labels}
    lengths: dict[str, list[int]] = {label: [] for label in labels}
    empty = 0
    for value, part in zip(values, split.tolist(), strict=True):
        spans = decode_spans(value)
        empty += not spans
        for span in spans:
            counts[span.label][SPLITS[part]] += 1
            lengths[span.label].append(span.end - span.start)
    stats = {label: {"spans": len(ls), "mean_chars": float(np.mean(ls)) if ls else None,
                     "median_chars": float(np.median(ls)) if ls else None,
                     "max_chars": max(ls, default=None)} for label, ls in lengths.items()}
    return counts, {"records_without_spans": empty, "lengths": stats}
