from __future__ import annotations

import pytest

from textloop.errors import NotFoundError
from textloop.models.embedders import embedder_names, get_embedder
from textloop.registry import REGISTRY


def test_both_precisions_are_registered_under_versioned_names() -> None:
    assert embedder_names() == ["minilm-fp32", "minilm-int8"]
    assert REGISTRY.resolve("embedder", "minilm-int8")[0] == "textloop.embedder.minilm-int8.v1"
    assert REGISTRY.resolve("embedder", "minilm-fp32")[0] == "textloop.embedder.minilm-fp32.v1"


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError) as info:
        get_embedder("minilm-int4")
    assert "minilm-int8" in (info.value.hint or "") and "minilm-fp32" in (info.value.hint or "")


@pytest.mark.model
def test_instances_are_shared_per_name(minilm_dir) -> None:
    assert get_embedder() is get_embedder("minilm-int8")
    assert get_embedder("textloop.embedder.minilm-int8.v1") is get_embedder("minilm-int8")
    assert get_embedder("minilm-fp32") is not get_embedder("minilm-int8")
