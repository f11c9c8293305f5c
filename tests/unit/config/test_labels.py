"""The ``labels:`` section: names a command line can carry."""

from __future__ import annotations

import pytest

from textloop.config import ProjectSpec


def test_spec_rejects_label_with_comma() -> None:
    with pytest.raises(ValueError, match="comma"):
        ProjectSpec(name="x", labels=[{"name": "a,b"}])
