"""What the label-issue flags are worth: the estimates behind them, which flags to keep, and
the words that tell a person how many of them to expect to be false.

Applied after a method has combined its views (``strategies/cleaning/precision.py`` holds
the estimates), so any registered method gets it: the method proposes, this decides what is
flagged and what is only ranked. ``--min-precision`` flags the longest top of the ranking
whose expected precision reaches the target; without it the method's flags stay, unless the
model errs about as often as the labels seem to, when only the records more likely
mislabeled than not stay flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from textloop.errors import InvalidInputError
from textloop.strategies.cleaning import LabelIssues
from textloop.strategies.cleaning.precision import LabelErrorEstimates, estimate_errors

RANKED_SHOWN = 200
"""Ranked-but-not-flagged records kept in the summary (most likely wrong first)."""


def check_min_precision(value: float | None) -> None:
    """Refuse a target no flag set can have, before anything is computed."""
    if value is not None and not 0.0 < value <= 1.0:
        raise InvalidInputError(f"--min-precision is {value:g} (expected a share above 0 and "
                                "at most 1)", hint="pass e.g. --min-precision 0.8 for 8 real "
                                                   "errors in 10 flags")


@dataclass(frozen=True)
class FlagPrecision:
    """The flags to keep and what the summary, the report and the findings say about them."""

    issues: LabelIssues
    """The method's issues with ``flagged`` cut to the flags kept."""
    estimates: LabelErrorEstimates
    details: dict[str, Any]
    """The summary's ``precision`` block (JSON-ready)."""
    warnings: list[str]


def flag_precision(issues: LabelIssues, labels: np.ndarray, ids: Sequence[str],
                   min_precision: float | None) -> FlagPrecision:
    """Estimate, then keep the flags that reach ``min_precision`` (or that can be trusted);
    see the module docstring."""
    estimates = estimate_errors(labels, issues.proba)
    proposed = issues.flagged
    if min_precision is not None:
        kept = estimates.reaching(np.ones(len(labels), dtype=bool), min_precision)
    else:
        kept = estimates.trusted(proposed)
    ranked, _ = estimates.ranking(proposed & ~kept)
    details = {
        "noise_rate": round(estimates.overall_noise_rate, 4),
        "model_error_rate": round(estimates.overall_model_error, 4),
        "model_as_noisy": estimates.model_as_noisy,
        "rough": estimates.rough,
        "anchors_per_class": int(np.median(estimates.anchors)),
        "min_precision": min_precision,
        "expected_precision": _rounded(estimates.precision(kept)),
        "proposed": int(proposed.sum()),
        "proposed_precision": _rounded(estimates.precision(proposed)),
        "ranked_not_flagged": len(ranked),
        "ranked": [{"record_id": ids[i],
                    "error_probability": round(float(estimates.error_probability[i]), 4)}
                   for i in ranked[:RANKED_SHOWN]],
    }
    return FlagPrecision(replace(issues, flagged=kept), estimates, details,
                         _warnings(details))


def per_class_estimates(estimates: LabelErrorEstimates, classes: Sequence[str]
                        ) -> dict[str, dict[str, float]]:
    """label -> estimated noise rate and model error rate (for the per-class table)."""
    return {label: {"noise_rate": round(float(estimates.noise_rate[c]), 4),
                    "model_error_rate": round(float(estimates.model_error[c]), 4)}
            for c, label in enumerate(classes)}


def _warnings(details: dict[str, Any]) -> list[str]:
    """The sentence a person must read before trusting the flags, when it applies."""
    if not details["model_as_noisy"]:
        return []
    if details["rough"]:
        return [f"the model may err about as often as the labels seem to (estimated model "
                f"error {details['model_error_rate']:.0%}, label noise "
                f"{details['noise_rate']:.0%}), but these estimates rest on about "
                f"{details['anchors_per_class']} records per class, too few to trust: "
                "every proposed flag is kept; review them in order of their chance of being "
                "wrong, or label more records per class"]
    false = 1.0 - (details["proposed_precision"] or 0.0)
    said = (f"the model errs as often as the labels seem to (estimated model error "
            f"{details['model_error_rate']:.0%}, label noise {details['noise_rate']:.0%}): "
            f"expect about {false:.0%} of the {details['proposed']:,} proposed flags to be "
            "false")
    if details["ranked_not_flagged"]:
        kept = details["expected_precision"]
        said += (f"; {details['ranked_not_flagged']:,} of them are ranked, not flagged"
                 + ("" if kept is None else
                    f" (the flags kept: about {1.0 - kept:.0%} false)"))
    return [said]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
