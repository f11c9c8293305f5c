"""The ``release:`` section: split fractions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.config.specs import VALID, write
from textloop.config import load_spec
from textloop.errors import ConfigError


def test_split_fractions_must_sum_to_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"must be 1\.0"):
        load_spec(write(tmp_path, VALID + "release: {train: 0.5, validation: 0.1, test: 0.1}\n"))
