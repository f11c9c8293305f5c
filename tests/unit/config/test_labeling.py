"""``labeling.suggest_llm`` in textloop.yaml: unset by default, read when given, and each
mistake named by its key (a key pasted in place of a variable name is never repeated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.config.specs import write
from textloop.config import LabelingSettings, load_spec
from textloop.errors import ConfigError

HEAD = "name: p\ntask: spans\nlabels:\n  - {name: PER, description: People}\n"


def message(tmp_path: Path, labeling: str) -> str:
    """The error a spec with this ``labeling:`` section gets."""
    with pytest.raises(ConfigError) as info:
        load_spec(write(tmp_path, HEAD + labeling))
    return info.value.message


def test_no_llm_is_asked_unless_configured() -> None:
    assert LabelingSettings().suggest_llm is None


def test_the_section_is_read_with_defaults_for_what_is_left_out(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, HEAD + """
labeling:
  suggest_llm:
    base_url: http://localhost:11434/v1
    model: qwen2.5:7b
    examples: 5
    temperature: 0.1
"""))
    llm = spec.labeling.suggest_llm
    assert llm is not None
    assert (llm.base_url, llm.model, llm.examples, llm.temperature) == (
        "http://localhost:11434/v1", "qwen2.5:7b", 5, 0.1)
    assert (llm.api_key_env, llm.timeout, llm.max_retries, llm.template) == (
        "OPENAI_API_KEY", 60.0, 3, "spans.v1")


@pytest.mark.parametrize(("section", "expected"), [
    ("{base_url: http://h/v1}", "missing required key `labeling.suggest_llm.model`"),
    ("{base_url: localhost:11434, model: m}",
     "key `labeling.suggest_llm.base_url`: base_url must be an http:// or https:// URL"),
    ("{base_url: http://h/v1, model: m, temprature: 0.5}",
     "unknown key `labeling.suggest_llm.temprature`: did you mean `temperature`?"),
    ("{base_url: http://h/v1, model: m, examples: 50}", "key `labeling.suggest_llm.examples`"),
    ("{base_url: http://h/v1, model: m, timeout: 0}", "key `labeling.suggest_llm.timeout`"),
])
def test_mistakes_are_named_by_their_key(tmp_path: Path, section: str, expected: str) -> None:
    assert expected in message(tmp_path, f"labeling:\n  suggest_llm: {section}\n")


def test_a_key_pasted_as_api_key_env_is_refused_without_repeating_it(tmp_path: Path) -> None:
    said = message(tmp_path, "labeling:\n  suggest_llm: {base_url: http://h/v1, model: m, "
                             "api_key_env: sk-proj-SECRET123}\n")
    assert "labeling.suggest_llm" in said and "api_key_env must name an environment" in said
    assert "SECRET123" not in said
