"""The report's error-analysis sections: order, gaps, sentences, and skipped probes."""

from __future__ import annotations

import pytest

from textloop.reports.error_analysis import error_analysis_view, fairness_sentence

SLICES = {"len=<50": {"n": 40, "macro_f1": 0.70, "accuracy": 0.8, "too_small": False},
          "len=≥50": {"n": 3, "macro_f1": 0.95, "accuracy": 1.0, "too_small": True},
          "lang=fr": {"n": 0, "macro_f1": None, "accuracy": None, "too_small": True}}


def group(name: str, n: int, too_small: bool) -> dict:
    return {"group": name, "n": n, "too_small": too_small, "selection_rate": {"spam": 0.5},
            "tpr": {"spam": 0.9}, "fpr": {"spam": None}}


def section(**overrides) -> dict:
    base = {"field": "channel", "positive_label": "spam", "min_rows": 20,
            "demographic_parity_difference": 0.12, "equalized_odds_difference": 0.3,
            "demographic_parity_label": "spam", "equalized_odds_label": "spam",
            "groups": [group("email", 300, False), group("fax", 4, True)]}
    return {**base, **overrides}


def test_slices_come_worst_first_with_the_gap_to_the_whole_split() -> None:
    view = error_analysis_view({"macro_f1": 0.8, "slices": SLICES}, "macro_f1")
    assert [row["key"] for row in view["slices"]] == ["len=<50", "len=≥50", "lang=fr"]
    assert view["slices"][0]["gap"] == pytest.approx(-0.1)
    assert view["slices"][2]["gap"] is None


def test_sections_missing_from_the_metrics_are_absent_from_the_view() -> None:
    view = error_analysis_view({"macro_f1": 0.8}, "macro_f1")
    assert view["slices"] is None and view["fairness"] == [] and view["robustness"] is None
    assert not view["probes_skipped"]
    skipped = error_analysis_view({"slices": {}, "robustness": None}, "macro_f1")
    assert skipped["slices"] == [] and skipped["probes_skipped"]


def test_fairness_sentence_reads_both_differences_and_warns_about_small_groups() -> None:
    text = fairness_sentence(section())
    assert text.startswith("Across channel groups the share predicted “spam” differs by up "
                           "to 0.120 (demographic-parity difference)")
    assert "by up to 0.300 (equalized-odds difference)" in text
    assert "Groups under 20 rows (fax) make these gaps noisy." in text
    one_vs_rest = fairness_sentence(section(positive_label=None,
                                            demographic_parity_label="billing"))
    assert "Taking each label as the positive one in turn" in one_vs_rest
    assert "0.120 for “billing”" in one_vs_rest


def test_fairness_rows_show_the_rates_of_the_focus_label() -> None:
    view = error_analysis_view({"fairness": {"channel": section()}}, "macro_f1")
    rows = view["fairness"][0]["rows"]
    assert view["fairness"][0]["label"] == "spam"
    assert (rows[0]["selection"], rows[0]["tpr_value"], rows[0]["fpr_value"]) == (0.5, 0.9, None)


def test_probes_come_worst_first() -> None:
    robustness = {"goal_metric": "macro_f1", "clean": {"macro_f1": 0.9}, "rows": 10, "of": 10,
                  "probes": [{"probe": "lowercase", "macro_f1": 0.9, "macro_f1_drop": 0.0},
                             {"probe": "typos", "macro_f1": 0.8, "macro_f1_drop": 0.1}]}
    view = error_analysis_view({"robustness": robustness}, "macro_f1")["robustness"]
    assert [row["title"] for row in view["table"]] == ["typos", "lower case"]
    assert view["clean_goal"] == 0.9 and view["rows"] == 10
