"""Spans over text: the span type, its stored form and checks, and (in other modules) tag
schemes, tokenisation and file formats. Pure code: no store, no models."""

from __future__ import annotations

from textloop.spans.core import (
    Span,
    SpanError,
    canonical,
    check_spans,
    decode_spans,
    encode_spans,
    from_utf16,
    span_from,
    spans_from_utf16,
    spans_to_utf16,
    to_utf16,
    utf16_offsets,
)

__all__ = ["Span", "SpanError", "canonical", "check_spans", "decode_spans", "encode_spans",
           "from_utf16", "span_from", "spans_from_utf16", "spans_to_utf16", "to_utf16",
           "utf16_offsets"]
