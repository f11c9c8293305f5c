"""``setfit``: contrastive tuning of the MiniLM encoder on sentence pairs, then a
logistic-regression head (the SetFit recipe). Training needs the ``train`` extra."""

from textloop.models.setfit.estimator import SetFitClassifier

__all__ = ["SetFitClassifier"]
