"""A small feed-forward network in numpy: ReLU hidden layers, dropout, Adam, L2.

Weights live in a flat dict of arrays (``W0``, ``b0``, ``W1``, ...) so they can be copied for
early stopping and saved in a bundle as they are. Everything random draws from one
``numpy.random.Generator``, so a seed fixes the whole run.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

Weights = dict[str, np.ndarray]
DTYPE = np.float32


def init_weights(sizes: list[int], rng: np.random.Generator) -> Weights:
    """He-initialised weights for layer sizes ``[inputs, hidden..., classes]``."""
    weights: Weights = {}
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        scale = np.sqrt(2.0 / fan_in)
        weights[f"W{i}"] = (rng.standard_normal((fan_in, fan_out)) * scale).astype(DTYPE)
        weights[f"b{i}"] = np.zeros(fan_out, dtype=DTYPE)
    return weights


def n_layers(weights: Weights) -> int:
    return sum(1 for key in weights if key.startswith("W"))


def forward(weights: Weights, x: np.ndarray, dropout: float = 0.0,
            rng: np.random.Generator | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Class scores, plus each layer's input (after ReLU and dropout) for the backward pass.

    Dropout is inverted (kept units are scaled up while training), so prediction needs no
    rescaling; it only applies when ``rng`` is given.
    """
    inputs = []
    h = x
    last = n_layers(weights) - 1
    for i in range(last + 1):
        inputs.append(h)
        h = h @ weights[f"W{i}"] + weights[f"b{i}"]
        if i < last:
            h = np.maximum(h, 0.0)
            if rng is not None and dropout > 0.0:
                keep = rng.random(h.shape) >= dropout
                h = h * keep / DTYPE(1.0 - dropout)
    return h, inputs


def backward(weights: Weights, inputs: list[np.ndarray], grad_scores: np.ndarray,
             l2: float, dropout: float = 0.0) -> Weights:
    """Gradients of the loss (plus ``l2/2 * |W|^2``) for every weight array.

    A hidden unit's input to the next layer is zero exactly when ReLU or dropout zeroed
    it, so the saved layer inputs are enough to gate the gradient; kept units carry the
    same ``1 / (1 - dropout)`` scale as in the forward pass.
    """
    grads: Weights = {}
    delta = grad_scores.astype(DTYPE)
    scale = DTYPE(1.0 / (1.0 - dropout))
    for i in reversed(range(n_layers(weights))):
        grads[f"W{i}"] = inputs[i].T @ delta + l2 * weights[f"W{i}"]
        grads[f"b{i}"] = delta.sum(axis=0)
        if i > 0:
            delta = (delta @ weights[f"W{i}"].T) * (inputs[i] > 0) * scale
    return grads


@dataclass
class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction; state is per weight name."""

    learning_rate: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        self.t = 0
        self.m: Weights = {}
        self.v: Weights = {}

    def step(self, weights: Weights, grads: Weights) -> None:
        self.t += 1
        correct1 = 1.0 - self.beta1 ** self.t
        correct2 = 1.0 - self.beta2 ** self.t
        for key, grad in grads.items():
            m = self.m.setdefault(key, np.zeros_like(grad))
            v = self.v.setdefault(key, np.zeros_like(grad))
            m *= self.beta1
            m += (1.0 - self.beta1) * grad
            v *= self.beta2
            v += (1.0 - self.beta2) * grad * grad
            update = self.learning_rate * (m / correct1) / (np.sqrt(v / correct2) + self.eps)
            weights[key] -= update.astype(DTYPE)
