"""The ``clean:`` section: expected personal-data kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.config import ProjectSpec, load_spec
from textloop.errors import ConfigError


def test_expected_personal_data_kinds_are_checked(tmp_path: Path) -> None:
    spec = ProjectSpec.model_validate({"name": "p", "labels": [{"name": "spam"}],
                                       "clean": {"pii": {"expected": ["url"]}}})
    assert spec.clean.pii.expected == ["url"]
    assert ProjectSpec.model_validate({"name": "p", "labels": [{"name": "a"}]}
                                      ).clean.pii.expected == []
    path = tmp_path / "textloop.yaml"
    path.write_text("name: p\nlabels: [{name: spam}]\nclean:\n  pii:\n    expected: [links]\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"clean\.pii\.expected") as info:
        load_spec(path)
    assert "'links'" in str(info.value) and "url, email" in str(info.value)
