"""Chance-corrected agreement: Cohen's kappa, Fleiss' kappa and Krippendorff's alpha.

Raw percent agreement flatters easy tasks: two annotators who both answer "ham" for 95% of
messages agree 90% of the time by chance alone. These coefficients subtract that chance
agreement, so 0 means "no better than chance" and 1 means perfect agreement.

When a coefficient is undefined (every answer is the same label, so chance agreement is
already perfect; or there is nothing to compare), the result carries ``value=None`` and a
reason instead of a NaN, so reports can say why instead of printing ``nan``.

Krippendorff's alpha is implemented here from the coincidence matrix (Krippendorff 2011,
"Computing Krippendorff's Alpha-Reliability"); the ``krippendorff`` package is GPL-licensed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from textloop.errors import InvalidInputError

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")

FLEISS_UNEQUAL_NOTE = ("items have different numbers of answers: each item's agreement uses its "
                       "own answers and label shares pool all answers (equal to Fleiss' kappa "
                       "when every item has the same number)")


@dataclass(frozen=True)
class Coefficient:
    """An agreement coefficient, how many items it rests on, and why it is missing if it is."""

    value: float | None
    n_items: int
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _undefined(n_items: int, why: str) -> Coefficient:
    return Coefficient(None, n_items, why)


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> Coefficient:
    """Cohen's kappa of two annotators' labels for the same items, in the same order."""
    if len(a) != len(b):
        raise InvalidInputError(f"cohen_kappa got {len(a)} and {len(b)} labels",
                                hint="pass the two annotators' labels for the same items")
    n = len(a)
    if n == 0:
        return _undefined(0, "no shared items")
    categories = sorted(set(a) | set(b), key=repr)
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    np.add.at(table, ([index[x] for x in a], [index[y] for y in b]), 1.0)
    table /= n
    observed = float(np.trace(table))
    expected = float(table.sum(axis=1) @ table.sum(axis=0))
    if expected >= 1.0 - 1e-12:
        return _undefined(n, "both annotators gave one and the same label to every item: "
                             "chance agreement is 1, so kappa is undefined")
    return Coefficient((observed - expected) / (1.0 - expected), n)


def fleiss_kappa(counts: np.ndarray | Sequence[Sequence[int]]) -> Coefficient:
    """Fleiss' kappa from an ``[items, categories]`` table of how many raters chose each.

    Fleiss (1971) assumes every item has the same number of raters. With unequal numbers,
    each item's agreement is computed over its own raters, ``P_i = sum_j n_ij (n_ij - 1) /
    (n_i (n_i - 1))``, and the category shares pool all ratings; with equal numbers this is
    exactly Fleiss' kappa. Items with fewer than two ratings carry no agreement and are left
    out.
    """
    table = np.asarray(counts, dtype=np.float64)
    if table.size == 0 and table.ndim == 1:  # no items at all: an empty list
        table = table.reshape(0, 0)
    if table.ndim != 2 or (table < 0).any():
        raise InvalidInputError("fleiss_kappa needs an [items, categories] table of counts >= 0",
                                hint="count how many raters chose each category per item")
    raters = table.sum(axis=1)
    table = table[raters >= 2]
    raters = raters[raters >= 2]
    n_items = len(table)
    if n_items == 0:
        return _undefined(0, "no item has two or more ratings")
    per_item = (table * (table - 1)).sum(axis=1) / (raters * (raters - 1))
    shares = table.sum(axis=0) / raters.sum()
    observed, expected = float(per_item.mean()), float(shares @ shares)
    note = FLEISS_UNEQUAL_NOTE if len(set(raters.tolist())) > 1 else ""
    if expected >= 1.0 - 1e-12:
        return _undefined(n_items, "every rating is the same label: chance agreement is 1, "
                                   "so kappa is undefined")
    return Coefficient((observed - expected) / (1.0 - expected), n_items, note)


def coincidences(units: Sequence[Sequence[Hashable | None]]
                 ) -> tuple[list[Hashable], np.ndarray, int]:
    """Values, the coincidence matrix ``o[c, k]`` and the number of pairable units.

    Each unit with ``m >= 2`` values contributes every ordered pair of its values (from
    different annotators) with weight ``1 / (m - 1)``, so a unit adds ``m`` to the total.
    """
    values = sorted({v for unit in units for v in unit if v is not None}, key=_order_key)
    index = {v: i for i, v in enumerate(values)}
    counts = np.zeros((len(units), len(values)))
    for row, unit in enumerate(units):
        for value in unit:
            if value is not None:
                counts[row, index[value]] += 1
    pairable = counts.sum(axis=1)
    counts, pairable = counts[pairable >= 2], pairable[pairable >= 2]
    weighted = counts / (pairable - 1)[:, None]
    matrix = counts.T @ weighted - np.diag(weighted.sum(axis=0))
    return values, matrix, len(counts)


def _order_key(value: Hashable) -> tuple[int, Any]:
    """Numbers in numeric order, everything else by its text (for ordinal/interval levels)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    return (1, repr(value))


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]],
                       level: Level = "nominal") -> Coefficient:
    """Krippendorff's alpha for ``units`` = items x annotators, ``None`` where one said nothing.

    ``alpha = 1 - (n - 1) * sum(o * d) / sum(n_c * n_k * d)`` with ``o`` the coincidence
    matrix, ``n_c`` its marginals and ``d`` the squared distance of the level: 0/1 for
    nominal; for ordinal, the count of values between two ranks; (c - k)^2 for interval;
    ((c - k) / (c + k))^2 for ratio. Ordinal orders values by number, or else by text.
    """
    if level not in LEVELS:
        raise InvalidInputError(f"unknown level {level!r}", hint=f"use one of {', '.join(LEVELS)}")
    values, observed, n_units = coincidences(units)
    if n_units == 0:
        return _undefined(0, "no item has answers from two or more annotators")
    marginals = observed.sum(axis=1)
    total = float(marginals.sum())
    distance = _distances(values, marginals, level)
    expected = float((np.outer(marginals, marginals) * distance).sum())
    if expected <= 1e-12:
        return _undefined(n_units, "every answer is the same value: expected disagreement is "
                                   "0, so alpha is undefined")
    disagreement = float((observed * distance).sum())
    return Coefficient(1.0 - (total - 1.0) * disagreement / expected, n_units)


def _distances(values: list[Hashable], marginals: np.ndarray, level: Level) -> np.ndarray:
    """Squared distance between every pair of values for the level of measurement."""
    k = len(values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        cumulative = np.concatenate([[0.0], np.cumsum(marginals)])
        ranks = np.arange(k)
        low, high = np.minimum.outer(ranks, ranks), np.maximum.outer(ranks, ranks)
        between = cumulative[high + 1] - cumulative[low] - (marginals[low] + marginals[high]) / 2
        return between ** 2
    numbers = _as_numbers(values, level)
    diff = np.subtract.outer(numbers, numbers)
    if level == "interval":
        return diff ** 2
    sums = np.add.outer(numbers, numbers)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num((diff / sums) ** 2)


def _as_numbers(values: list[Hashable], level: Level) -> np.ndarray:
    try:
        return np.array([float(v) for v in values])  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInputError(f"the {level} level needs numeric values",
                                hint="use level='nominal' for labels") from None


_BANDS = ((0.8, "almost perfect"), (0.6, "substantial"), (0.4, "moderate"), (0.2, "fair"))


def strength(value: float | None) -> str:
    """Landis & Koch's (1977) words for a kappa or alpha, the scale most readers know."""
    if value is None:
        return "undefined"
    if value < 0:
        return "worse than chance"
    return next((word for floor, word in _BANDS if value > floor), "slight")
