"""The promotion policy: each rule of ``promotion:`` in ``textloop.yaml`` judged on numbers.

Pure functions over metric dicts, so the policy is tested without training a model and the
same verdict is reproduced from the numbers recorded with a promotion. Every rule says
``pass``, ``fail`` or ``skip`` with one sentence holding the numbers it compared: a refused
promotion must tell the user exactly what to fix, and a skipped rule must say why it did not
count rather than pass silently.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from textloop.config import PromotionSettings
from textloop.storage.model_versions import version_name

Status = Literal["pass", "fail", "skip"]
_EPS = 1e-12


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: Status
    sentence: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Comparison:
    """What the rules look at: the candidate's test metrics and the champion's on the same
    release (``champion`` is None when there is no champion yet)."""

    goal_metric: str
    candidate: dict[str, Any]
    champion: dict[str, Any] | None = None
    champion_version: int | None = None
    release: str | None = None
    latency: dict[str, float] | None = None
    higher_is_better: bool = True  # False for error metrics (a regression goal such as mae)
    goal_target: float | None = None  # goal.target in textloop.yaml; None: no goal rule

    def gain(self, before: float, after: float) -> float:
        """How much better ``after`` is than ``before`` on the goal metric (negative: worse)."""
        return after - before if self.higher_is_better else before - after


def check_policy(settings: PromotionSettings, comparison: Comparison) -> list[RuleResult]:
    """Every rule of the policy, in a fixed order: uplift, slices, classes, calibration,
    latency, and the goal when the comparison has a target."""
    rules = [uplift_rule(settings.min_uplift, comparison),
             slice_rule(settings.max_slice_drop, comparison),
             class_rule(settings.max_class_drop, settings.min_class_support, comparison),
             ece_rule(settings.max_ece, comparison.candidate),
             latency_rule(settings.max_latency_ms, comparison.latency)]
    if comparison.goal_target is not None:
        rules.append(goal_rule(settings.require_goal, comparison))
    return rules


def goal_met(c: Comparison) -> bool | None:
    """Whether the candidate's test value reaches the goal; None without a value or target."""
    value = _number(c.candidate.get(c.goal_metric))
    if value is None or c.goal_target is None:
        return None
    margin = value - c.goal_target if c.higher_is_better else c.goal_target - value
    return margin >= -_EPS


def goal_rule(require: bool, c: Comparison) -> RuleResult:
    """The goal metric must reach ``goal.target`` when ``require_goal``; said either way.

    A champion that misses the project's goal is a decision someone should see, so the rule
    never passes silently: not required, a miss is ``skip`` with the numbers.
    """
    metric, target = c.goal_metric, c.goal_target
    value, met = _number(c.candidate.get(metric)), goal_met(c)
    op = ">=" if c.higher_is_better else "<="
    if value is None:
        return RuleResult("goal", "fail" if require else "skip",
                          f"the candidate has no {metric} on test to compare with the goal "
                          f"{op} {target:g}")
    if met:
        return RuleResult("goal", "pass", f"goal met: {metric} {value:.4f} {op} {target:g}")
    missed = f"goal not met: {metric} {value:.4f}, goal {op} {target:g}"
    if require:
        return RuleResult("goal", "fail", f"{missed} (promotion.require_goal)")
    return RuleResult("goal", "skip", f"{missed}; not required (set promotion.require_goal: "
                                      "true to refuse such a version)")


def passed(results: list[RuleResult]) -> bool:
    return not any(r.status == "fail" for r in results)


def uplift_rule(min_uplift: float, c: Comparison) -> RuleResult:
    """The goal metric must beat the champion's by ``min_uplift`` on the same test release."""
    metric = c.goal_metric
    value = _number(c.candidate.get(metric))
    if value is None:
        return RuleResult("uplift", "fail", f"the candidate has no {metric} on test; "
                                            "evaluate it on the test split first")
    if c.champion is None:
        return RuleResult("uplift", "skip", f"no champion yet: {metric} {value:.4f} has "
                                            "nothing to be compared with")
    base = _number(c.champion.get(metric))
    if base is None:
        return RuleResult("uplift", "skip",
                          f"champion {version_name(c.champion_version)} has no {metric}")
    delta = c.gain(base, value)
    ok = delta >= min_uplift - _EPS
    where = f" on {c.release} test" if c.release else ""
    sign = ">=" if ok else "<"
    return RuleResult("uplift", "pass" if ok else "fail",
                      f"{metric} {value:.4f} vs champion {version_name(c.champion_version)} "
                      f"{base:.4f}{where}: "
                      f"uplift {delta:+.4f} {sign} required {min_uplift:+.4f}")


def slice_rule(max_drop: float | None, c: Comparison) -> RuleResult:
    """No slice may lose more than ``max_drop`` of the goal metric against the champion."""
    if max_drop is None:
        return RuleResult("slices", "skip", "not checked (promotion.max_slice_drop is null)")
    slices = c.candidate.get("slices") or {}
    if not slices:
        return RuleResult("slices", "skip", "no slices declared: the evaluation metrics carry "
                                            "no per-slice numbers")
    if c.champion is None:
        return RuleResult("slices", "skip", f"no champion to compare {len(slices)} slices with")
    drops = _slice_drops(c, slices, c.champion.get("slices") or {})
    if not drops:
        return RuleResult("slices", "skip", f"champion {version_name(c.champion_version)} has "
                                            f"none of the {len(slices)} slices")
    return _drop_verdict("slices", drops, max_drop, noun="slice", plural="slices",
                         metric=c.goal_metric)


def _drop_verdict(rule: str, drops: list[tuple[str, float, float, float]], max_drop: float,
                  *, noun: str, plural: str, metric: str, unit: str = "", against: str = "",
                  tail: str = "") -> RuleResult:
    """Fail naming every (name, drop, before, after) that drops more than ``max_drop``,
    else pass naming the largest drop: the verdict of the slice and class rules."""
    worse = [d for d in drops if d[1] > max_drop + _EPS]
    if worse:
        listed = "; ".join(f"{noun} {name!r} {metric} {before:.4f} -> {after:.4f} "
                           f"(drop {drop:.4f})" for name, drop, before, after in worse)
        return RuleResult(rule, "fail", f"{len(worse)} of {len(drops)} {plural} drop more "
                                        f"than {max_drop:.4f}{unit}{against}: {listed}{tail}")
    name, drop, _, _ = max(drops, key=lambda d: d[1])
    return RuleResult(rule, "pass", f"{len(drops)} {plural} compared{against}; the largest "
                                    f"{metric + ' ' if unit else ''}drop is "
                                    f"{max(drop, 0.0):.4f} ({noun} {name!r}), within "
                                    f"{max_drop:.4f}{tail}")


def _slice_drops(c: Comparison, slices: dict[str, Any], before: dict[str, Any]
                 ) -> list[tuple[str, float, float, float]]:
    """(slice, drop, champion value, candidate value) for slices both sides measured on
    enough rows (a slice flagged ``too_small`` on either side is left out)."""
    out = []
    for name in sorted(slices):
        if (slices[name] or {}).get("too_small") or (before.get(name) or {}).get("too_small"):
            continue  # a handful of rows moves a lot by chance: reported, never decisive
        after = _number((slices[name] or {}).get(c.goal_metric))
        base = _number((before.get(name) or {}).get(c.goal_metric))
        if after is not None and base is not None:
            out.append((name, -c.gain(base, after), base, after))
    return out


def class_rule(max_drop: float | None, min_support: int, c: Comparison) -> RuleResult:
    """No class (span type) may lose more than ``max_drop`` in F1 against the champion.

    A better headline can hide a class the new model gave up on (macro F1 up while a rare
    class collapses; entity micro-F1 up on PER while PHONE, the personal data to mask,
    drops). Classes with fewer than ``min_support`` test examples on either side are left
    out of the verdict and named, as slices flagged ``too_small`` are.
    """
    if max_drop is None:
        return RuleResult("classes", "skip", "not checked (promotion.max_class_drop is null)")
    kind, after = per_label_f1(c.candidate)
    plural = "classes" if kind == "class" else "types"
    if not after:
        return RuleResult("classes", "skip", f"the candidate's evaluation has no per-{kind} "
                                             "F1")
    if c.champion is None:
        return RuleResult("classes", "skip", f"no champion to compare {len(after)} {plural}' "
                                             "F1 with")
    _, before = per_label_f1(c.champion)
    champion = version_name(c.champion_version)
    if not before:
        return RuleResult("classes", "skip", f"champion {champion} has no per-{kind} F1 "
                                             "numbers to compare with")
    compared, small = [], []
    for label in [name for name in after if name in before]:
        (new, new_n), (old, old_n) = after[label], before[label]
        if new is None or old is None:
            continue
        if min(n for n in (new_n, old_n, min_support) if n is not None) < min_support:
            small.append(label)
            continue
        compared.append((label, old - new, old, new))
    left_out = (f"; {len(small)} with fewer than {min_support} test examples left out "
                f"({', '.join(repr(x) for x in small)})" if small else "")
    if not compared:
        return RuleResult("classes", "skip", f"no {kind} both sides scored on at least "
                                             f"{min_support} test examples{left_out}")
    return _drop_verdict("classes", compared, max_drop, noun=kind, plural=plural,
                         metric="F1", unit=" F1", against=f" against champion {champion}",
                         tail=left_out)


def per_label_f1(metrics: dict[str, Any]
                 ) -> tuple[str, dict[str, tuple[float | None, int | None]]]:
    """(``class`` or ``type``, label -> (F1, test support)) from an evaluation's
    ``per_class`` (classification) or ``per_type`` (spans), or from a version's snapshot
    (``per_class_f1``, with ``per_class_support`` and ``per_label_kind`` when it was
    registered with them). The support is None where it was not kept."""
    for key, kind in (("per_type", "type"), ("per_class", "class")):
        rows = metrics.get(key)
        if isinstance(rows, dict) and rows:
            return kind, {str(label): (_number((row or {}).get("f1")),
                                       _count((row or {}).get("support")))
                          for label, row in rows.items()}
    kind = "type" if metrics.get("per_label_kind") == "type" else "class"
    support = metrics.get("per_class_support") or {}
    return kind, {str(label): (_number(f1), _count(support.get(label)))
                  for label, f1 in (metrics.get("per_class_f1") or {}).items()}


def ece_rule(max_ece: float | None, candidate: dict[str, Any]) -> RuleResult:
    """The calibrated expected calibration error on test must stay within ``max_ece``."""
    if max_ece is None:
        return RuleResult("calibration", "skip", "not checked (promotion.max_ece is null)")
    ece = _number(candidate.get("ece"))
    if ece is None:
        return RuleResult("calibration", "skip", "the candidate's evaluation has no ECE")
    ok = ece <= max_ece + _EPS
    return RuleResult("calibration", "pass" if ok else "fail",
                      f"calibrated ECE {ece:.4f} {'<=' if ok else '>'} {max_ece:.4f}")


def latency_rule(max_ms: float | None, latency: dict[str, float] | None) -> RuleResult:
    """The 95th percentile of single-text predictions must stay within ``max_ms``."""
    measured = "" if latency is None else (f"p95 {latency['p95_ms']:.2f} ms over "
                                           f"{int(latency['n'])} single-text predictions")
    if max_ms is None:
        note = f"; measured {measured}" if measured else ""
        return RuleResult("latency", "skip",
                          f"no budget (promotion.max_latency_ms is null){note}")
    if latency is None:
        return RuleResult("latency", "skip", "latency was not measured")
    ok = latency["p95_ms"] <= max_ms
    return RuleResult("latency", "pass" if ok else "fail",
                      f"{measured} {'<=' if ok else '>'} budget {max_ms:g} ms")


def _count(value: Any) -> int | None:
    return None if isinstance(value, bool) or not isinstance(value, int) else value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
