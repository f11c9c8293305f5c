"""The agreement coefficients, re-exported: they are pure computations and live in
``textloop.measures.agreement``, where span agreement (``measures.span_agreement``) uses the
same Cohen's kappa and ``Coefficient`` as the classification report."""

from __future__ import annotations

from textloop.measures.agreement import (
    FLEISS_UNEQUAL_NOTE,
    LEVELS,
    Coefficient,
    Level,
    cohen_kappa,
    coincidences,
    fleiss_kappa,
    krippendorff_alpha,
    strength,
)

__all__ = ["FLEISS_UNEQUAL_NOTE", "LEVELS", "Coefficient", "Level", "cohen_kappa",
           "coincidences", "fleiss_kappa", "krippendorff_alpha", "strength"]
