from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import ConfigError, NotFoundError
from textloop.models.embedders import embedder_names, get_embedder, minilm_embedder
from textloop.models.embedders.factory import model_file
from textloop.registry import REGISTRY


def test_both_precisions_are_registered_under_versioned_names(private_cache) -> None:
    assert embedder_names() == ["minilm-fp32", "minilm-int8", "use-multilingual-v3-fp32",
                                "use-multilingual-v3-int8"]  # no encoder added here
    assert REGISTRY.resolve("embedder", "minilm-int8")[0] == "textloop.embedder.minilm-int8.v2"
    assert REGISTRY.resolve("embedder", "minilm-fp32")[0] == "textloop.embedder.minilm-fp32.v1"
    assert REGISTRY.resolve("embedder", "use-multilingual-v3-int8")[0] == \
        "textloop.embedder.use-multilingual-v3-int8.v1"


def test_the_batch_dependent_int8_v1_is_retired_with_a_reason() -> None:
    with pytest.raises(ConfigError, match="retired") as info:
        get_embedder("textloop.embedder.minilm-int8.v1")
    assert "textloop.embedder.minilm-int8.v2" in (info.value.hint or "")


def test_model_ids_name_precision_and_int8_scheme() -> None:
    """The model id is the embedding cache key: a new int8 scheme must not reuse the old one."""
    assert get_embedder("minilm-int8").model_id == "all-MiniLM-L6-v2/int8-per-token-exact"
    assert get_embedder("minilm-fp32").model_id == "all-MiniLM-L6-v2/fp32"
    assert get_embedder("use-multilingual-v3-int8").model_id == \
        "use-multilingual-v3/int8-per-token-exact"
    assert get_embedder("use-multilingual-v3-fp32").model_id == "use-multilingual-v3/fp32"


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError) as info:
        get_embedder("minilm-int4")
    assert "minilm-int8" in (info.value.hint or "") and "minilm-fp32" in (info.value.hint or "")


@pytest.mark.model
def test_instances_are_shared_per_name(minilm_dir) -> None:
    assert get_embedder() is get_embedder("minilm-int8")
    assert get_embedder("textloop.embedder.minilm-int8.v2") is get_embedder("minilm-int8")
    assert get_embedder("minilm-fp32") is not get_embedder("minilm-int8")


@pytest.mark.model
def test_a_truncated_variant_embeds_only_its_first_tokens_under_its_own_id(minilm_dir) -> None:
    short = minilm_embedder("int8", max_tokens=8)  # [CLS], six words, [SEP]
    assert short.model_id == "all-MiniLM-L6-v2/int8-per-token-exact/max8"
    full = get_embedder("minilm-int8")
    words = "one two three four five six seven eight nine ten eleven twelve"
    cut, whole = short.encode([words, "one two"])
    first_six = full.encode([" ".join(words.split()[:6])])[0]
    assert np.allclose(cut, first_six, atol=1e-6)
    assert not np.allclose(cut, full.encode([words])[0], atol=1e-3)
    assert np.allclose(whole, full.encode(["one two"])[0], atol=1e-6)
    assert model_file("int8").stat().st_size < model_file("fp32").stat().st_size
