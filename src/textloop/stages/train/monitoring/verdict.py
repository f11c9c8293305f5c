"""The training verdict: underfitting, overfitting, diverging or healthy, with its evidence.

The rules read the per-epoch curves and are checked in this order; the first that holds wins:

1. **diverging**: ``train/loss`` or ``val/loss`` is NaN or infinite at some epoch, or
   ``train/loss`` ended at least ``diverge_rise`` (50%) above its first epoch: the optimiser
   makes things worse, usually a learning rate that is too high.
2. **overfitting**: ``val/loss`` rose at least ``overfit_rise`` (10%) from its lowest epoch to
   the last epoch while ``train/loss`` kept falling: the model learns the training rows, not
   the task.
3. **underfitting**: on the training split itself the goal metric (``train/macro_f1`` for a
   macro-F1 goal) stays below the goal's target at the epoch kept: the model cannot even fit
   the data it sees. The evidence says whether ``train/loss`` had flattened (less than
   ``flat_change``, 2%, over the last ``window`` epochs: a bigger model is needed) or was still
   falling (more epochs are needed).
4. **healthy** otherwise.

Each verdict comes with one sentence of evidence that quotes the numbers and epochs, so the
reader can check it against the curves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["diverging", "overfitting", "underfitting", "healthy"]
Row = dict[str, float]


@dataclass(frozen=True)
class VerdictRules:
    """Thresholds of the rules above (relative changes: 0.10 means 10%)."""

    diverge_rise: float = 0.5
    overfit_rise: float = 0.10
    flat_change: float = 0.02
    window: int = 3


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    evidence: str
    advice: str
    restored_epoch: int | None = None

    @property
    def sentence(self) -> str:
        """``<evidence>: <kind>; restored epoch N`` (the last part only when one was)."""
        restored = f"; restored epoch {self.restored_epoch}" if self.restored_epoch else ""
        return f"{self.evidence}: {self.kind}{restored}"


@dataclass(frozen=True)
class Goal:
    metric: str = "macro_f1"
    target: float = 0.9
    higher_is_better: bool = True

    def met(self, value: float) -> bool:
        return value >= self.target if self.higher_is_better else value <= self.target

    @property
    def spelled(self) -> str:
        return f"{self.metric} {'≥' if self.higher_is_better else '≤'} {self.target:g}"


def judge(history: Sequence[Row], *, goal: Goal | None = None, restored_epoch: int | None = None,
          rules: VerdictRules | None = None) -> Verdict:
    """The verdict for per-epoch rows (``epoch``, ``train/loss``, ``val/loss``, ...)."""
    if not history:
        raise ValueError("no epochs to judge")
    goal, rules = goal or Goal(), rules or VerdictRules()
    last = int(history[-1]["epoch"])
    shown = restored_epoch if restored_epoch is not None and restored_epoch < last else None
    for rule in (_diverging, _overfitting):
        found = rule(history, rules)
        if found is not None:
            return Verdict(found[0], found[1], found[2], shown)
    under = _underfitting(history, goal, rules, restored_epoch or last)
    if under is not None:
        return Verdict("underfitting", under[0], under[1], shown)
    return Verdict("healthy", _healthy_evidence(history), "", shown)


def _series(history: Sequence[Row], key: str) -> list[float] | None:
    values = [row.get(key) for row in history]
    return None if any(v is None for v in values) else [float(v) for v in values if v is not None]


def _change(before: float, after: float) -> float:
    return (after - before) / abs(before) if before else math.inf if after > before else 0.0


def _epochs(history: Sequence[Row], first: int, last: int) -> str:
    a, b = int(history[first]["epoch"]), int(history[last]["epoch"])
    return f"epoch {a}" if a == b else f"epochs {a}–{b}"


def _diverging(history: Sequence[Row], rules: VerdictRules) -> tuple[Kind, str, str] | None:
    advice = "lower learning_rate (e.g. divide it by 10)"
    for row in history:
        for key in ("train/loss", "val/loss"):
            value = row.get(key)
            if value is not None and not math.isfinite(value):
                return "diverging", f"{key} became {value} at epoch {int(row['epoch'])}", advice
    train = _series(history, "train/loss")
    if train and len(train) >= 2 and _change(train[0], train[-1]) >= rules.diverge_rise:
        rise = _change(train[0], train[-1])
        return ("diverging", f"train/loss rose {rise:.0%} over {_epochs(history, 0, -1)} "
                f"({train[0]:.3g} → {train[-1]:.3g})", advice)
    return None


def _overfitting(history: Sequence[Row], rules: VerdictRules) -> tuple[Kind, str, str] | None:
    val, train = _series(history, "val/loss"), _series(history, "train/loss")
    if not val or not train or len(val) < 2:
        return None
    best = min(range(len(val)), key=lambda i: val[i])
    if best == len(val) - 1:
        return None
    rise, fall = _change(val[best], val[-1]), -_change(train[best], train[-1])
    if rise < rules.overfit_rise or fall <= 0:
        return None
    evidence = (f"val/loss rose {rise:.0%} over {_epochs(history, best + 1, -1)} while "
                f"train/loss fell {fall:.0%}")
    return ("overfitting", evidence,
            "keep the restored epoch; for more, add labeled data or raise dropout or l2")


def _underfitting(history: Sequence[Row], goal: Goal, rules: VerdictRules,
                  kept: int) -> tuple[str, str] | None:
    key = f"train/{goal.metric}" if f"train/{goal.metric}" in history[0] else "train/macro_f1"
    row = next((r for r in history if int(r["epoch"]) == kept), history[-1])
    value, train = row.get(key), _series(history, "train/loss")
    if value is None or goal.met(value) or not train:
        return None
    start = max(0, len(train) - rules.window)
    change = _change(train[start], train[-1]) if len(train) > 1 else 0.0
    reached = (f"{key} reached only {value:.3f} at epoch {kept} "
               f"(goal {goal.spelled})")
    if abs(change) < rules.flat_change or len(train) == 1:
        return (f"{reached} while train/loss changed {abs(change):.1%} over "
                f"{_epochs(history, start, -1)}",
                "use a bigger model (hidden_units, hidden_layers), less dropout or l2, or a "
                "higher learning_rate")
    return (f"{reached} and train/loss was still falling ({change:+.1%} over "
            f"{_epochs(history, start, -1)})", "train for more epochs")


def _healthy_evidence(history: Sequence[Row]) -> str:
    train = _series(history, "train/loss") or []
    fell = f"train/loss fell {-_change(train[0], train[-1]):.0%}" if len(train) > 1 else ""
    val = _series(history, "val/loss")
    if val:
        best = min(range(len(val)), key=lambda i: val[i])
        low = (f"val/loss reached its lowest {val[best]:.3g} at epoch "
               f"{int(history[best]['epoch'])} of {int(history[-1]['epoch'])}")
        return f"{low} while {fell}" if fell else low
    return fell or f"one epoch, train/loss {train[0]:.3g}" if train else "no losses recorded"
