"""Seeded, stratified, group-aware train/validation/test assignment that stays put across versions.

Groups come from ``grouping.py``. Rules, in order (the dataset card repeats them):

0. Pins. A record pinned at import (``textloop import --split``: a corpus's official test
   set) goes to its split, and its whole group with it. A group holding records pinned to
   different splits is refused, naming two of them; so is a pin to train of a group that
   the previous release held out (a row that was held out is never trained on). A
   held-out split (validation, test) holding pinned records takes no other new records,
   so it stays exactly the pinned rows as the data grows (plus any rows an earlier release
   already held out there); train always takes its share. The fractions below then apply
   to the records of unpinned groups only, shared among the splits still open.
1. Stickiness. A group holding records from the previous release goes where those records
   were. If grouping now joins records that sat in different splits, the group goes to the
   most held-out of them (test before validation before train), so a row that was held out
   is never trained on. Splits whose fraction is now 0 release their records.
2. Groups of two or more records, largest first (ties in seeded random order), go one at a
   time to the split whose labels are least filled relative to their target
   (``fraction * label total``); this is the spirit of scikit-learn's StratifiedGroupKFold.
3. Single records, per label in seeded random order, are shared out by the same rule.
   Because each one touches only its own label, the result of that greedy loop is computed
   in closed form (Webster/Sainte-Laguë apportionment), which keeps a million rows fast.
4. A split with a non-zero fraction that is still empty takes the smallest free group of
   the split most over its target, if that split has two or more free groups.

Everything is a function of the records sorted by id and the seed, never of insertion order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from textloop.errors import ConflictError
from textloop.stages.release.grouping import group_ids
from textloop.types import SPLITS

__all__ = ["NEW", "SPLITS", "SplitPlan", "apportion", "assign_groups", "plan_split"]

NEW = -1
_TRAIN = 0


@dataclass(frozen=True)
class SplitPlan:
    """Per input row: its split (an index into ``SPLITS``) and its group id; plus how many
    repeated texts occur under several group values (so they may sit in several splits)."""

    split: np.ndarray
    group: np.ndarray
    texts_across_groups: int = 0

    def names(self) -> list[str]:
        return [SPLITS[i] for i in self.split]


def plan_split(ids: Sequence[str], texts: Sequence[str], labels: Sequence[int], *,
               n_labels: int, fractions: Sequence[float], seed: int,
               group_values: Sequence[Hashable | None] | None = None,
               previous: Sequence[int] | None = None,
               pinned: Sequence[int] | None = None,
               previous_name: str = "the previous release") -> SplitPlan:
    """Assign every row to a split. ``labels`` are label indexes; ``previous`` split indexes
    from the last release (``NEW`` for records it did not hold, ``previous_name`` names that
    release in errors); ``pinned`` the split index each row was pinned to at import (``NEW``
    for none)."""
    order = np.argsort(np.asarray(ids, dtype=str), kind="stable")
    sorted_ids = [ids[i] for i in order]
    sorted_texts = [texts[i] for i in order]
    sorted_values = None if group_values is None else [group_values[i] for i in order]
    grouping = group_ids(sorted_texts, sorted_values)
    group = grouping.ids
    label = np.asarray(labels, dtype=np.int64)[order]
    prev = np.full(len(order), NEW) if previous is None else np.asarray(previous)[order]
    pin = np.full(len(order), NEW) if pinned is None else np.asarray(pinned)[order]
    fractions_array = np.asarray(fractions, dtype=float)
    active = fractions_array > 0
    prev = np.where((prev >= 0) & active[np.maximum(prev, 0)], prev, NEW)
    pinned_group = _pinned_groups(group, pin, sorted_ids)
    _refuse_training_held_out(group, pin, pinned_group, prev, sorted_ids, previous_name)
    has_pin = pinned_group != NEW
    fixed = np.where(has_pin, pinned_group, _sticky_groups(group, prev))
    split = assign_groups(group, label, n_labels, _open_fractions(fractions_array, pin),
                          np.random.default_rng(seed), fixed, counted=~has_pin)
    out_split = np.empty_like(split)
    out_split[order] = split
    out_group = np.empty_like(group)
    out_group[order] = group
    return SplitPlan(out_split, out_group, grouping.texts_across_groups)


def _pinned_groups(group: np.ndarray, pin: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Per group, the split its pinned rows name (``NEW`` if none); two splits: refused."""
    n_groups = int(group.max()) + 1 if len(group) else 0
    low = np.full(n_groups, len(SPLITS), dtype=np.int64)
    high = np.full(n_groups, NEW, dtype=np.int64)
    rows = np.flatnonzero(pin != NEW)
    np.minimum.at(low, group[rows], pin[rows])
    np.maximum.at(high, group[rows], pin[rows])
    torn = np.flatnonzero((high != NEW) & (low != high))
    if len(torn):
        g = torn[0]
        first = rows[(group[rows] == g) & (pin[rows] == low[g])][0]
        second = rows[(group[rows] == g) & (pin[rows] == high[g])][0]
        raise ConflictError(
            f"records {ids[first]} (pinned to {SPLITS[pin[first]]}) and {ids[second]} (pinned "
            f"to {SPLITS[pin[second]]}) are in one group (near-duplicate texts or the same "
            f"group value), and a group is never split across splits"
            + (f"; {len(torn) - 1:,} more groups hold records pinned to different splits"
               if len(torn) > 1 else ""),
            hint=f"see both with `textloop show {ids[first]}` and `textloop show "
                 f"{ids[second]}`; exclude one of them (`textloop review`) or release with "
                 "another --group-col (or --group-col none)")
    return high


def _refuse_training_held_out(group: np.ndarray, pin: np.ndarray, pinned_group: np.ndarray,
                              prev: np.ndarray, ids: Sequence[str], previous_name: str) -> None:
    """A pin to train must not take a row the previous release held out: a model trained on
    the next release would be scored on rows it was trained on, against earlier runs."""
    moved = np.flatnonzero((pinned_group[group] == _TRAIN) & (prev > _TRAIN))
    if not len(moved):
        return
    row = moved[0]
    why = "is pinned to train" if pin[row] == _TRAIN else (
        f"is in one group with {ids[np.flatnonzero((group == group[row]) & (pin == _TRAIN))[0]]}"
        ", which is pinned to train")
    more = f" ({len(moved) - 1:,} more records like it)" if len(moved) > 1 else ""
    raise ConflictError(
        f"record {ids[row]} {why}, but {previous_name} held it out in {SPLITS[prev[row]]}"
        f"{more}: a row that was held out is never trained on",
        hint="import that file without --split train (its new rows go to train by the "
             "fractions, its held-out rows stay held out), or exclude those records "
             "(`textloop review`)")


def _open_fractions(fractions: np.ndarray, pin: np.ndarray) -> np.ndarray:
    """The fractions new unpinned records are shared by: a held-out split holding pinned
    records is closed to them (it stays the pinned set); train always stays open, and takes
    everything when every other split is closed or zero."""
    closed = np.unique(pin[pin > _TRAIN])
    out = fractions.copy()
    out[closed] = 0.0
    if not out.any():
        out[_TRAIN] = 1.0
    return out


def _sticky_groups(group: np.ndarray, prev: np.ndarray) -> np.ndarray:
    """Per group, the most held-out split any of its rows had before (``NEW`` if none)."""
    fixed = np.full(int(group.max()) + 1 if len(group) else 0, NEW, dtype=np.int64)
    np.maximum.at(fixed, group, prev)
    return fixed


def assign_groups(group: np.ndarray, label: np.ndarray, n_labels: int, fractions: np.ndarray,
                  rng: np.random.Generator, fixed: np.ndarray,
                  counted: np.ndarray | None = None) -> np.ndarray:
    """Split index per row, keeping each group whole (see the module docstring for the rules).

    ``counted`` (per group, default all) marks the groups the fractions are measured over:
    pinned groups are placed by ``fixed`` but neither set nor fill the targets.
    """
    n_groups = len(fixed)
    sizes = np.bincount(group, minlength=n_groups)
    rank = rng.permutation(n_groups)
    counts_row = np.ones(len(group), dtype=bool) if counted is None else counted[group]
    target = np.outer(fractions, np.bincount(label[counts_row], minlength=n_labels))
    filled = np.zeros_like(target)
    group_split = fixed.copy()
    is_fixed = fixed != NEW
    held = is_fixed[group] & counts_row
    np.add.at(filled, (fixed[group[held]], label[held]), 1)
    _assign_multi(group, label, n_labels, sizes, rank, group_split, target, filled)
    _assign_single(group, label, sizes, rank, group_split, target, filled)
    _fill_empty_splits(group_split, sizes, rank, np.flatnonzero(~is_fixed), fractions)
    return group_split[group]


def _assign_multi(group: np.ndarray, label: np.ndarray, n_labels: int, sizes: np.ndarray,
                  rank: np.ndarray, group_split: np.ndarray, target: np.ndarray,
                  filled: np.ndarray) -> None:
    """Greedy placement of free groups with two or more rows, largest first.

    Plain Python lists: each step touches a handful of numbers, where numpy's per-call
    overhead would dominate.
    """
    free = np.flatnonzero((group_split == NEW) & (sizes > 1))
    if not len(free):
        return
    free = free[np.lexsort((rank[free], -sizes[free]))]
    pair, counts = np.unique(group * n_labels + label, return_counts=True)
    pair_group, pair_label = pair // n_labels, (pair % n_labels).tolist()
    bounds = zip(np.searchsorted(pair_group, free).tolist(),
                 np.searchsorted(pair_group, free, side="right").tolist(), strict=True)
    inverse = np.divide(1.0, target, out=np.full_like(target, np.inf), where=target > 0).tolist()
    fill = filled.tolist()
    splits = range(len(fill))
    counts_list = counts.tolist()
    for g, (start, end) in zip(free.tolist(), bounds, strict=True):
        members = list(zip(pair_label[start:end], counts_list[start:end], strict=True))
        scores = [sum(c * (fill[s][lab] + c / 2) * inverse[s][lab] for lab, c in members)
                  for s in splits]
        best = scores.index(min(scores))
        group_split[g] = best
        for lab, c in members:
            fill[best][lab] += c
    filled[:] = fill


def _assign_single(group: np.ndarray, label: np.ndarray, sizes: np.ndarray, rank: np.ndarray,
                   group_split: np.ndarray, target: np.ndarray, filled: np.ndarray) -> None:
    """Place free one-row groups, label by label, in seeded random order."""
    free_rows = np.flatnonzero((group_split[group] == NEW) & (sizes[group] == 1))
    if not len(free_rows):
        return
    free_rows = free_rows[np.lexsort((rank[group[free_rows]], label[free_rows]))]
    row_labels = label[free_rows]
    bounds = np.flatnonzero(np.diff(row_labels)) + 1
    for chunk in np.split(free_rows, bounds):
        lab = int(label[chunk[0]])
        quota = apportion(len(chunk), filled[:, lab], target[:, lab])
        group_split[group[chunk]] = np.repeat(np.arange(len(quota)), quota)
        filled[:, lab] += quota


def _fill_empty_splits(group_split: np.ndarray, sizes: np.ndarray, rank: np.ndarray,
                       free: np.ndarray, fractions: np.ndarray) -> None:
    """A split with a non-zero fraction does not stay empty while another split holds two or
    more free groups: it takes the smallest free group of the split most over its target.

    Few large groups (five videos, say) would otherwise all fit the big train split.
    """
    n_splits = len(fractions)
    for empty in reversed(range(n_splits)):
        rows = np.bincount(group_split, weights=sizes, minlength=n_splits)
        if fractions[empty] == 0 or rows[empty] > 0:
            continue
        movable = np.bincount(group_split[free], minlength=n_splits)
        donors = [s for s in range(n_splits) if movable[s] >= 2]
        if not donors:
            continue
        donor = max(donors, key=lambda s: rows[s] / fractions[s])
        candidates = free[group_split[free] == donor]
        smallest = candidates[np.lexsort((rank[candidates], sizes[candidates]))[0]]
        group_split[smallest] = empty


def apportion(k: int, filled: np.ndarray, target: np.ndarray) -> np.ndarray:
    """How many of ``k`` items each split gets when every item goes to the split with the
    lowest ``(filled + 1/2) / target`` (ties to the lower index): Webster's method."""
    usable = np.flatnonzero(target > 0)
    steps = np.arange(k)
    priority = (filled[usable, None] + steps[None, :] + 0.5) / target[usable, None]
    which = np.repeat(usable, k)
    chosen = np.lexsort((which, priority.ravel()))[:k]
    return np.bincount(which[chosen], minlength=len(target))
