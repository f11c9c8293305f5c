"""The error-analysis sections of the evaluation report, shaped for the template.

The numbers come from ``metrics.json`` (``slices``, ``fairness``, ``robustness``); this module
only orders them (worst slice first, worst probe first) and writes the sentences that say
how to read them.
"""

from __future__ import annotations

from typing import Any

from textloop.reports.templating import number

PROBE_NAMES = {"typos": "typos", "lowercase": "lower case", "uppercase": "UPPER CASE",
               "strip-punct": "punctuation removed", "add-punct": "punctuation added"}


def error_analysis_view(metrics: dict[str, Any], goal_metric: str) -> dict[str, Any]:
    """What the template shows; a section is None when the metrics do not carry it."""
    return {"goal_metric": goal_metric,
            "slices": slice_rows(metrics, goal_metric) if "slices" in metrics else None,
            "fairness": [fairness_view(section)
                         for section in (metrics.get("fairness") or {}).values()],
            "robustness": robustness_view(metrics.get("robustness")),
            "probes_skipped": "robustness" in metrics and metrics["robustness"] is None}


def slice_rows(metrics: dict[str, Any], goal_metric: str) -> list[dict[str, Any]]:
    """Slices worst first on the goal metric (unmeasured last), with the gap to the whole."""
    overall = metrics.get(goal_metric)
    rows = []
    for key, values in (metrics.get("slices") or {}).items():
        value = values.get(goal_metric)
        gap = None if value is None or overall is None else value - overall
        rows.append({**values, "key": key, "goal": value, "gap": gap})
    return sorted(rows, key=lambda r: (r["goal"] is None, r["goal"] or 0.0, r["key"]))


def fairness_view(section: dict[str, Any]) -> dict[str, Any]:
    """One field's groups with the rates of one label, and the sentence reading the gaps."""
    label = (section.get("positive_label") or section.get("equalized_odds_label")
             or section.get("demographic_parity_label"))
    groups = [{**row, "selection": row["selection_rate"].get(label),
               "tpr_value": row["tpr"].get(label), "fpr_value": row["fpr"].get(label)}
              for row in section["groups"]]
    return {**section, "label": label, "rows": groups, "sentence": fairness_sentence(section)}


def fairness_sentence(section: dict[str, Any]) -> str:
    """How to read the two differences, in one sentence (plus a warning on small groups)."""
    dp, eo = (section.get("demographic_parity_difference"),
              section.get("equalized_odds_difference"))
    if dp is None:
        return f"No group of {section['field']} could be measured."
    if section.get("positive_label"):
        sentence = (f"Across {section['field']} groups the share predicted "
                    f"“{section['positive_label']}” differs by up to {dp:.3f} (demographic-"
                    f"parity difference) and the true- or false-positive rate by up to "
                    f"{number(eo)} (equalized-odds difference)")
    else:
        sentence = (f"Taking each label as the positive one in turn, the share predicted "
                    f"differs across {section['field']} groups by up to {dp:.3f} for "
                    f"“{section['demographic_parity_label']}” (demographic-parity difference) "
                    f"and the true- or false-positive rate by up to {number(eo)} for "
                    f"“{section.get('equalized_odds_label')}” (equalized-odds difference)")
    sentence += "; 0 would mean every group is treated alike."
    small = [row["group"] for row in section["groups"] if row["too_small"]]
    if small and len(small) == len(section["groups"]):
        sentence += f" Every group has fewer than {section['min_rows']} rows: the gaps are noisy."
    elif small:
        sentence += (f" Groups under {section['min_rows']} rows ({', '.join(small)}) make "
                     f"these gaps noisy.")
    return sentence


def robustness_view(robustness: dict[str, Any] | None) -> dict[str, Any] | None:
    """Probes worst first on the goal metric's drop, each with a readable name."""
    if not robustness:
        return None
    goal = robustness["goal_metric"]
    rows = [{**probe, "title": PROBE_NAMES.get(probe["probe"], probe["probe"]),
             "goal": probe.get(goal), "goal_drop": probe.get(f"{goal}_drop")}
            for probe in robustness["probes"]]
    rows.sort(key=lambda r: (r["goal_drop"] is None, -(r["goal_drop"] or 0.0), r["probe"]))
    return {**robustness, "table": rows, "clean_goal": robustness["clean"].get(goal)}
