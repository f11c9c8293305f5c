"""The promotion rules on numbers: pass, fail on uplift, on a slice, on ECE, on latency."""

from __future__ import annotations

from textloop.config import PromotionSettings
from textloop.stages.versions.policy import Comparison, check_policy, goal_met, goal_rule, passed

POLICY = PromotionSettings(min_uplift=0.01, max_slice_drop=0.02, max_ece=0.05,
                           max_latency_ms=50.0)
CHAMPION = {"macro_f1": 0.80, "ece": 0.03,
            "slices": {"lang=en": {"macro_f1": 0.82}, "lang=fr": {"macro_f1": 0.75}}}
FAST = {"n": 20, "p50_ms": 2.0, "p95_ms": 4.0}
PER_CLASS = {"per_class": {"spam": {"f1": 0.84, "support": 40},
                           "ham": {"f1": 0.76, "support": 60}}}


def compare(candidate: dict, champion: dict | None = CHAMPION, latency: dict | None = FAST
            ) -> Comparison:
    return Comparison(goal_metric="macro_f1", candidate=candidate, champion=champion,
                      champion_version=1, release="v2", latency=latency)


def by_rule(comparison: Comparison, policy: PromotionSettings = POLICY) -> dict[str, tuple]:
    return {r.rule: (r.status, r.sentence) for r in check_policy(policy, comparison)}


def test_a_better_calibrated_fast_candidate_passes_every_rule() -> None:
    candidate = {"macro_f1": 0.83, "ece": 0.02,
                 "slices": {"lang=en": {"macro_f1": 0.85}, "lang=fr": {"macro_f1": 0.74}},
                 "per_class": {"spam": {"f1": 0.86, "support": 40},
                               "ham": {"f1": 0.80, "support": 60}}}
    rules = by_rule(compare(candidate, champion={**CHAMPION, **PER_CLASS}))
    assert {status for status, _ in rules.values()} == {"pass"}
    assert rules["uplift"][1] == ("macro_f1 0.8300 vs champion m1 0.8000 on v2 test: "
                                  "uplift +0.0300 >= required +0.0100")
    assert "largest drop is 0.0100 (slice 'lang=fr')" in rules["slices"][1]
    assert passed(check_policy(POLICY, compare(candidate)))


def test_too_small_an_uplift_fails() -> None:
    rules = check_policy(POLICY, compare({"macro_f1": 0.805, "ece": 0.02}))
    uplift = rules[0]
    assert (uplift.rule, uplift.status) == ("uplift", "fail")
    assert "uplift +0.0050 < required +0.0100" in uplift.sentence
    assert not passed(rules)


def test_a_slice_that_drops_more_than_the_tolerance_fails_even_with_uplift() -> None:
    candidate = {"macro_f1": 0.90, "ece": 0.02,
                 "slices": {"lang=en": {"macro_f1": 0.95}, "lang=fr": {"macro_f1": 0.70}}}
    rules = by_rule(compare(candidate))
    assert rules["uplift"][0] == "pass"
    status, sentence = rules["slices"]
    assert status == "fail"
    assert "1 of 2 slices drop more than 0.0200" in sentence
    assert "slice 'lang=fr' macro_f1 0.7500 -> 0.7000 (drop 0.0500)" in sentence


def test_calibration_error_above_the_bound_fails() -> None:
    status, sentence = by_rule(compare({"macro_f1": 0.9, "ece": 0.08}))["calibration"]
    assert (status, sentence) == ("fail", "calibrated ECE 0.0800 > 0.0500")


def test_latency_over_budget_fails_with_the_measured_percentile() -> None:
    slow = {"n": 20, "p50_ms": 40.0, "p95_ms": 75.5}
    status, sentence = by_rule(compare({"macro_f1": 0.9, "ece": 0.01}, latency=slow))["latency"]
    assert status == "fail"
    assert sentence == "p95 75.50 ms over 20 single-text predictions > budget 50 ms"


def test_missing_champion_slices_and_bounds_are_skipped_with_a_reason() -> None:
    open_policy = PromotionSettings(max_slice_drop=0.02, max_ece=None, max_latency_ms=None)
    rules = by_rule(compare({"macro_f1": 0.6, "ece": 0.5}, champion=None), open_policy)
    assert rules["uplift"] == ("skip", "no champion yet: macro_f1 0.6000 has nothing to be "
                                       "compared with")
    assert rules["slices"] == ("skip", "no slices declared: the evaluation metrics carry no "
                                       "per-slice numbers")
    assert rules["calibration"][0] == "skip" and "max_ece is null" in rules["calibration"][1]
    assert rules["latency"][0] == "skip" and "measured p95 4.00 ms" in rules["latency"][1]


def test_a_candidate_without_the_goal_metric_fails_uplift() -> None:
    rules = by_rule(compare({"ece": 0.01}))
    assert rules["uplift"][0] == "fail" and "has no macro_f1" in rules["uplift"][1]


def test_an_error_metric_counts_a_lower_value_as_the_uplift() -> None:
    champion = {"mae": 0.30, "slices": {"short": {"mae": 0.20}, "long": {"mae": 0.40}}}
    better = {"mae": 0.25, "slices": {"short": {"mae": 0.21}, "long": {"mae": 0.30}}}
    lower = Comparison(goal_metric="mae", candidate=better, champion=champion,
                       champion_version=1, release="v2", latency=FAST, higher_is_better=False)
    rules = by_rule(lower)
    assert rules["uplift"][0] == "pass" and "uplift +0.0500" in rules["uplift"][1]
    assert rules["slices"][0] == "pass"
    worse_slice = {**better, "slices": {"short": {"mae": 0.25}, "long": {"mae": 0.30}}}
    rules = by_rule(Comparison(goal_metric="mae", candidate=worse_slice, champion=champion,
                               champion_version=1, release="v2", latency=FAST,
                               higher_is_better=False))
    assert rules["slices"][0] == "fail" and "'short'" in rules["slices"][1]


def test_a_slice_too_small_to_trust_never_blocks_a_promotion() -> None:
    candidate = {"macro_f1": 0.83, "ece": 0.02,
                 "slices": {"lang=en": {"macro_f1": 0.85},
                            "lang=fr": {"macro_f1": 0.40, "too_small": True}}}
    rules = by_rule(compare(candidate))
    assert rules["slices"][0] == "pass" and "1 slices compared" in rules["slices"][1]


def _goal(value: float | None, target: float, higher: bool = True) -> Comparison:
    metric = "macro_f1" if higher else "mae"
    return Comparison(goal_metric=metric, candidate={} if value is None else {metric: value},
                      higher_is_better=higher, goal_target=target)


def test_the_goal_rule_passes_fails_or_says_it_is_missed() -> None:
    assert goal_rule(False, _goal(0.93, 0.9)) == goal_rule(True, _goal(0.93, 0.9))
    assert goal_rule(True, _goal(0.93, 0.9)).sentence == "goal met: macro_f1 0.9300 >= 0.9"
    required = goal_rule(True, _goal(0.85, 0.9))
    assert required.status == "fail"
    assert required.sentence == ("goal not met: macro_f1 0.8500, goal >= 0.9 "
                                 "(promotion.require_goal)")
    optional = goal_rule(False, _goal(0.85, 0.9))
    assert optional.status == "skip" and "not required" in optional.sentence
    assert goal_rule(True, _goal(None, 0.9)).status == "fail"
    assert goal_rule(False, _goal(None, 0.9)).status == "skip"


def test_an_error_metric_goal_is_met_from_below() -> None:
    assert goal_met(_goal(0.4, 0.5, higher=False)) is True
    assert goal_met(_goal(0.6, 0.5, higher=False)) is False
    assert goal_met(_goal(None, 0.5)) is None


def test_the_goal_rule_joins_the_policy_when_a_target_is_given() -> None:
    comparison = Comparison(goal_metric="macro_f1", candidate={"macro_f1": 0.8, "ece": 0.01},
                            latency=FAST, goal_target=0.9)
    strict = PromotionSettings(max_latency_ms=50.0, require_goal=True)
    rules = check_policy(strict, comparison)
    assert [r.rule for r in rules] == ["uplift", "slices", "classes", "calibration", "latency",
                                       "goal"]
    assert not passed(rules)
    assert passed(check_policy(PromotionSettings(max_latency_ms=50.0), comparison))


def test_a_class_that_loses_more_f1_than_the_limit_fails_naming_it() -> None:
    candidate = {"macro_f1": 0.86, "ece": 0.02,
                 "per_class": {"spam": {"f1": 0.70, "support": 40},
                               "ham": {"f1": 0.95, "support": 60}}}
    status, sentence = by_rule(compare(candidate, champion={**CHAMPION, **PER_CLASS}))[
        "classes"]
    assert status == "fail"  # macro F1 went up, spam went down
    assert sentence == ("1 of 2 classes drop more than 0.1000 F1 against champion m1: "
                        "class 'spam' F1 0.8400 -> 0.7000 (drop 0.1400)")
    lenient = PromotionSettings(max_class_drop=0.15)
    assert by_rule(compare(candidate, champion={**CHAMPION, **PER_CLASS}), lenient)[
        "classes"] == ("pass", "2 classes compared against champion m1; the largest F1 drop is "
                               "0.1400 (class 'spam'), within 0.1500")


def test_a_span_types_drop_is_read_from_a_versions_snapshot() -> None:
    """A registered span version keeps ``per_class_f1`` with the support and says its
    labels are span types."""
    champion = {"entity_micro_f1": 0.7, "per_class_f1": {"PER": 0.8, "PHONE": 0.95},
                "per_class_support": {"PER": 50, "PHONE": 30}, "per_label_kind": "type"}
    candidate = {"entity_micro_f1": 0.75, "per_type": {
        "PER": {"f1": 0.9, "support": 50}, "PHONE": {"f1": 0.6, "support": 30}}}
    status, sentence = by_rule(Comparison("entity_micro_f1", candidate, champion, 3))[
        "classes"]
    assert status == "fail"
    assert sentence.endswith("type 'PHONE' F1 0.9500 -> 0.6000 (drop 0.3500)")
    assert sentence.startswith("1 of 2 types drop more than 0.1000 F1 against champion m3")


def test_classes_too_small_to_judge_are_named_and_never_decisive() -> None:
    champion = {"macro_f1": 0.8, "per_class": {"spam": {"f1": 0.9, "support": 40},
                                               "rare": {"f1": 0.9, "support": 5}}}
    candidate = {"macro_f1": 0.8, "per_class": {"spam": {"f1": 0.88, "support": 40},
                                                "rare": {"f1": 0.2, "support": 5}}}
    status, sentence = by_rule(compare(candidate, champion))["classes"]
    assert status == "pass"
    assert sentence.endswith("; 1 with fewer than 20 test examples left out ('rare')")
    only_rare = {"macro_f1": 0.8, "per_class": {"rare": {"f1": 0.2, "support": 5}}}
    assert by_rule(compare(only_rare, champion))["classes"] == (
        "skip", "no class both sides scored on at least 20 test examples; 1 with fewer than "
                "20 test examples left out ('rare')")


def test_the_class_rule_skips_with_a_reason_without_numbers_to_compare() -> None:
    candidate = {"macro_f1": 0.9, **PER_CLASS}
    assert by_rule(compare(candidate, champion=None))["classes"] == (
        "skip", "no champion to compare 2 classes' F1 with")
    assert by_rule(compare(candidate))["classes"] == (
        "skip", "champion m1 has no per-class F1 numbers to compare with")
    assert by_rule(compare({"macro_f1": 0.9}))["classes"] == (
        "skip", "the candidate's evaluation has no per-class F1")
    assert by_rule(compare(candidate), PromotionSettings(max_class_drop=None))["classes"] == (
        "skip", "not checked (promotion.max_class_drop is null)")
