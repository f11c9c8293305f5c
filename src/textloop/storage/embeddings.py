"""Embedding cache keyed by (model id, content hash): nothing is embedded twice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from textloop.storage.dialect import insert_ignore
from textloop.storage.engine import WRITE
from textloop.storage.schema import embeddings

if TYPE_CHECKING:  # NumPy loads with the first vector: `textloop status` never needs it
    import numpy as np

_CHUNK = 900


class SqlEmbeddingCache:
    """Stores float32 vectors as raw bytes; implements the embedders' cache protocol."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        import numpy as np

        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        with self._engine.connect() as conn:
            for start in range(0, len(unique), _CHUNK):
                query = select(embeddings.c.content_hash, embeddings.c.vector).where(
                    embeddings.c.model_id == model_id,
                    embeddings.c.content_hash.in_(unique[start:start + _CHUNK]))
                for content_hash, blob in conn.execute(query):
                    found[content_hash] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        import numpy as np

        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        rows = [{"model_id": model_id, "content_hash": h, "vector": matrix[i].tobytes()}
                for i, h in enumerate(hashes)]
        with self._engine.connect().execution_options(**WRITE) as conn, conn.begin():
            insert_ignore(conn, embeddings, rows)
