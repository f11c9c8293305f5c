"""The MLP head (``embed-mlp``): numpy network, losses, and the estimator."""

from textloop.models.mlp.estimator import EmbedMLP, EpochCallback
from textloop.models.mlp.losses import LOSSES

__all__ = ["LOSSES", "EmbedMLP", "EpochCallback"]
