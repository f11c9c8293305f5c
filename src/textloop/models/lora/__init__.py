"""``lora``: LoRA adapters on MiniLM's attention and a linear head, trained end to end.
Training needs the ``train`` extra (torch, peft)."""

from textloop.models.lora.estimator import LoraClassifier

__all__ = ["LoraClassifier"]
