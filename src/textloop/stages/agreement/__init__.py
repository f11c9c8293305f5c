"""Inter-annotator agreement: the statistics (``stats``) and the project report (``report``;
``spans`` for span projects).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.agreement.answers import ADJUDICATION_PATH as ADJUDICATION_PATH
    from textloop.stages.agreement.breakdown import ConsensusAgreement as ConsensusAgreement
    from textloop.stages.agreement.breakdown import LabelDisagreement as LabelDisagreement
    from textloop.stages.agreement.breakdown import PairAgreement as PairAgreement
    from textloop.stages.agreement.released import agreement_headline as agreement_headline
    from textloop.stages.agreement.released import release_agreement as release_agreement
    from textloop.stages.agreement.report import AgreementReport as AgreementReport
    from textloop.stages.agreement.report import agreement_report as agreement_report
    from textloop.stages.agreement.report import build_report as build_report
    from textloop.stages.agreement.spans import SpanAgreement as SpanAgreement
    from textloop.stages.agreement.spans import span_agreement_report as span_agreement_report
    from textloop.stages.agreement.stats import Coefficient as Coefficient
    from textloop.stages.agreement.stats import cohen_kappa as cohen_kappa
    from textloop.stages.agreement.stats import fleiss_kappa as fleiss_kappa
    from textloop.stages.agreement.stats import krippendorff_alpha as krippendorff_alpha
    from textloop.stages.agreement.stats import strength as strength

__all__, __getattr__ = lazy_front(__name__, {
    "breakdown": ("ConsensusAgreement", "LabelDisagreement", "PairAgreement"),
    "answers": ("ADJUDICATION_PATH",),
    "released": ("agreement_headline", "release_agreement"),
    "report": ("AgreementReport", "agreement_report", "build_report"),
    "spans": ("SpanAgreement", "span_agreement_report"),
    "stats": ("Coefficient", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "strength"),
})
