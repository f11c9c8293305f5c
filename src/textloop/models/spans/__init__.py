"""Span models: estimators that learn ``(start, end, label)`` spans over texts.

``estimator.MiniLMCrf`` (registered as ``textloop.model.minilm-crf.v1``) reads MiniLM's
per-token vectors and decodes with a constrained linear-chain CRF (``crf.py``); ``shape.py``
holds the token-shape flags it adds. No torch anywhere.
"""
