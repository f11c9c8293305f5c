"""What counts as a storable text, and the identity of a text: one definition for every door.

Texts enter the store through file imports, the crawler, the labeling app, synthetic data,
and the inference server's prediction log and feedback. Each of those doors must accept and
refuse the same texts, and must give the same text the same record id, or rows that are the
same to a user become different rows (or one bad row breaks a batch written beside it).
"""

from __future__ import annotations

import hashlib
import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def normalize_text(value: str) -> str:
    """Surrounding whitespace and Windows line endings carry no meaning; drop them."""
    return value.replace("\r\n", "\n").strip()


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as text, or None when it can.

    A NUL character is almost always binary data, and a lone UTF-16 surrogate (``"\\ud800"``
    in a JSON escape) is not text at all: UTF-8 cannot encode it, so writing it fails later,
    far from the request that sent it.
    """
    if "\x00" in text:
        return "contains a NUL character (binary data?)"
    if _SURROGATE.search(text) is not None:
        return "contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text"
    return None


def content_hash(text: str) -> str:
    """sha256 of the text's UTF-8 bytes: the store's dedup key and the source of record ids."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def record_id(hash_hex: str) -> str:
    """Stable id from the content hash: the same text has the same id in every store."""
    return hash_hex[:16]
