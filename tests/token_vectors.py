"""MiniLM token vectors computed once per test session, for the span tests that ask for it.

The span tests run the real loop (train, suggest, clean, synth, retrain, evaluate) on the
same WNUT-17 sentences, each step encoding its texts again: most of their time is the
encoder pass over texts it has already read. Inside ``token_vectors_memo`` every token
encoder keeps what it computed (``token_states.memo``, as simulations and cross-validated
cleaning do) and the next test that asks for the fixture starts with it. Reading a kept
vector is exact (a text's vectors never change within an encoder), so what the tests check
is unchanged; the first encoding of each text still runs the real graph.

Outside the fixture nothing is kept: the memo's own tests and every other test see the
encoders as a user does.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import pytest

MEMO_BYTES = 512 * 2**20
"""Room for the vectors of the span tests' sentences (about 30 kB each)."""

_kept: dict[str, OrderedDict[Any, Any]] = {}
"""What each encoder (by model id) kept, between the tests that use the fixture."""


@pytest.fixture
def token_vectors_memo() -> Iterator[None]:
    from textloop.models.embedders import token_states

    with token_states.memo(MEMO_BYTES):
        for encoder in token_states._ENCODERS:
            saved = _kept.get(encoder.model_id)
            if saved:
                with encoder._lock:
                    encoder._kept.update(saved)
                    encoder._kept_bytes = sum(v.nbytes for v in encoder._kept.values())
        try:
            yield
        finally:  # before the memo's exit forgets them
            for encoder in token_states._ENCODERS:
                with encoder._lock:
                    saved = _kept.setdefault(encoder.model_id, OrderedDict())
                    saved.update(encoder._kept)
            for saved in _kept.values():  # the oldest go first, as in the memo itself
                size = sum(v.nbytes for v in saved.values())
                while size > MEMO_BYTES and saved:
                    size -= saved.popitem(last=False)[1].nbytes
