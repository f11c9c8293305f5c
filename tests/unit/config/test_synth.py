"""The ``synth:`` section and per-label ``seeds:`` of textloop.yaml: defaults, values, and
mistakes named by their key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from textloop.config import SynthSettings, load_spec, write_spec
from textloop.errors import ConfigError

HEAD = "name: p\nlabels:\n  - {name: a, description: about a, seeds: ['an a text', 'another']}\n" \
       "  - {name: b}\n"


def load(tmp_path: Path, extra: str = ""):
    path = tmp_path / "textloop.yaml"
    path.write_text(HEAD + extra, encoding="utf-8")
    return load_spec(path)


def message(tmp_path: Path, extra: str) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, extra)
    return info.value.message


def test_defaults_ask_a_model_free_generator_for_three_classes() -> None:
    synth = SynthSettings()
    assert (synth.generator, synth.per_class, synth.classes) == (None, 50, 3)
    assert synth.evaluate.seeds == 5 and synth.evaluate.max_class_f1_loss == 0.01
    assert synth.evaluate.min_macro_f1_delta == 0.005 and synth.gate.given() == {}


def test_seeds_and_a_synth_section_are_read(tmp_path: Path) -> None:
    spec = load(tmp_path, """
synth:
  generator: openai
  options: {base_url: 'http://127.0.0.1:8080/v1', model: smollm2, temperature: 0.9}
  per_class: 20
  classes: 2
  template: generate.v1
  gate: {tau: 0.6, near_dup_cosine: 0.95}
  evaluate: {seeds: 3, max_class_f1_loss: 0.02}
""")
    assert spec.labels[0].seeds == ["an a text", "another"] and spec.labels[1].seeds == []
    synth = spec.synth
    assert synth.options == {"base_url": "http://127.0.0.1:8080/v1", "model": "smollm2",
                             "temperature": 0.9}
    assert (synth.per_class, synth.classes, synth.template) == (20, 2, "generate.v1")
    assert synth.gate.given() == {"tau": 0.6, "near_dup_cosine": 0.95}
    assert (synth.evaluate.seeds, synth.evaluate.max_class_f1_loss) == (3, 0.02)


def test_a_saved_spec_keeps_seeds_and_leaves_out_empty_ones(tmp_path: Path) -> None:
    spec = load(tmp_path, "synth: {per_class: 7}\n")
    write_spec(tmp_path / "textloop.yaml", spec)
    saved = yaml.safe_load((tmp_path / "textloop.yaml").read_text(encoding="utf-8"))
    assert "seeds" in saved["labels"][0] and "seeds" not in saved["labels"][1]
    again = load_spec(tmp_path / "textloop.yaml")
    assert again.labels == spec.labels and again.synth == spec.synth


@pytest.mark.parametrize(("extra", "expected"), [
    ("synth: {generater: swap}\n", "unknown key `synth.generater`: did you mean `generator`?"),
    ("synth: {per_class: 0}\n", "key `synth.per_class`"),
    ("synth: {classes: -1}\n", "key `synth.classes`"),
    ("synth: {gate: {tau: 1.5}}\n", "key `synth.gate.tau`"),
    ("synth: {gate: {min_chars: 50, max_chars: 10}}\n", "gate.min_chars (50) is above"),
    ("synth: {gate: {near_dup_jacard: 0.8}}\n", "did you mean `near_dup_jaccard`?"),
    ("synth: {evaluate: {seeds: 0}}\n", "key `synth.evaluate.seeds`"),
    ("synth: {evaluate: {max_class_f1_loss: 2}}\n", "key `synth.evaluate.max_class_f1_loss`"),
    ("synth: {options: [base_url]}\n", "key `synth.options`"),
])
def test_a_wrong_synth_value_names_its_key(tmp_path: Path, extra: str, expected: str) -> None:
    assert expected in message(tmp_path, extra)


def test_an_empty_seed_text_names_the_label_key(tmp_path: Path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text("name: p\nlabels: [{name: a, seeds: ['ok', '  ']}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"labels\.0\.seeds.*seed 1 is empty"):
        load_spec(path)
