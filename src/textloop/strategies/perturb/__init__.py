"""Text perturbations for robustness probes, registered as ``textloop.perturb.NAME.vN``."""

from textloop.strategies.perturb.base import (
    DEFAULT_PROBES,
    Perturbation,
    make_perturbation,
    perturb_texts,
)

__all__ = ["DEFAULT_PROBES", "Perturbation", "make_perturbation", "perturb_texts"]
