"""Inter-annotator agreement: the statistics (``stats``) and the project report (``report``)."""

from textloop.stages.agreement.breakdown import (
    ConsensusAgreement,
    LabelDisagreement,
    PairAgreement,
)
from textloop.stages.agreement.report import (
    ADJUDICATION_PATH,
    AgreementReport,
    agreement_report,
    build_report,
)
from textloop.stages.agreement.stats import (
    Coefficient,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)

__all__ = [
    "ADJUDICATION_PATH",
    "AgreementReport",
    "Coefficient",
    "ConsensusAgreement",
    "LabelDisagreement",
    "PairAgreement",
    "agreement_report",
    "build_report",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
]
