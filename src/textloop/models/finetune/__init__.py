"""Fine-tuning the MiniLM encoder (``setfit``, ``lora``): what both models share.

Training needs the ``train`` extra (torch, transformers, peft); prediction does not. A tuned
encoder is saved as plain weight arrays and run on ONNX Runtime through the same graph
builder as the stock embedder, so ``predict``, ``evaluate`` and ``serve`` need no torch.
"""
