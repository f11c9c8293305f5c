"""``minilm-tagger``: fine-tuned in torch, monitored per epoch, decoded under the tag scheme's
rules, spans mapped back to code points exactly (any script), served from int8 or fp32 ONNX
graphs of the same weights, and restored and run where torch cannot be imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contract.test_span_models import SPANS, TEXTS, UNSEEN
from tests.unit.spans.test_records import PIECES
from textloop.errors import IntegrityError, InvalidInputError, MissingExtraError
from textloop.models.bundle import to_bundle
from textloop.models.finetune.base_encoder import load_base_encoder
from textloop.models.finetune.linear_head import LinearHead
from textloop.models.finetune.tokenizer import truncating_tokenizer
from textloop.models.spans.tagger import MiniLMTagger
from textloop.models.spans.tagger_training import windows
from textloop.spans import Span
from textloop.spans.matching import word_tokens
from textloop.storage.bundles import save_bundle

pytestmark = [pytest.mark.model, pytest.mark.slow]
TINY = {"epochs": 3, "max_seq_len": 32, "batch_size": 8, "learning_rate": 3e-4,
        "head_learning_rate": 3e-3}
"""Learns the contract's small corpus in seconds (train entity F1 1.0 by epoch 2)."""
ACCENTED = ["café", "Ñandú", "ﬁne", "naïve", "Ångström", "e\u0301"]
"""Words the uncased tokenizer lower-cases, strips of accents or decomposes."""


@pytest.fixture(scope="module")
def fitted() -> tuple[MiniLMTagger, list[dict[str, float]]]:
    epochs: list[dict[str, float]] = []
    model = MiniLMTagger(**TINY).fit(
        TEXTS, SPANS, validation=([*UNSEEN[:2], *TEXTS[:4]], [[], [], *SPANS[:4]]),
        on_epoch=lambda epoch, metrics, _: epochs.append(metrics) is not None)
    return model, epochs


def _with_head(model: MiniLMTagger, bias: dict[str, float]) -> MiniLMTagger:
    """A copy of ``model`` whose head scores every token by ``bias`` per tag alone
    (whatever the encoder says)."""
    arrays, extra = model.export_state()
    copy = MiniLMTagger.from_state(model.get_params(), arrays, extra, list(model.classes_))
    weight = np.zeros_like(copy.head_.weight)
    scores = np.zeros_like(copy.head_.bias)
    for tag, value in bias.items():
        scores[copy.tags_.index(tag)] = value
    copy.set_weights((copy.encoder_weights_, LinearHead(weight, scores)))
    return copy


def test_reports_loss_and_entity_f1_every_epoch(fitted) -> None:
    model, epochs = fitted
    assert len(epochs) == TINY["epochs"] == model.epochs_run_
    keys = {"train/loss", "train/entity_micro_f1", "val/loss", "val/entity_micro_f1"}
    assert all(set(row) == keys for row in epochs)
    assert epochs[-1]["train/loss"] < epochs[0]["train/loss"]
    assert epochs[-1]["train/entity_micro_f1"] == 1.0
    assert model.predict(TEXTS) == SPANS


def test_int8_and_fp32_graphs_of_the_same_weights_agree(fitted) -> None:
    model, _ = fitted
    int8 = model.predict_scored(TEXTS)
    model.set_params(precision="fp32")
    try:
        fp32 = model.predict_scored(TEXTS)
    finally:
        model.set_params(precision="int8")
    assert [[s for s, _ in row] for row in fp32] == [[s for s, _ in row] for row in int8] == SPANS
    assert max(abs(a - b) for r8, r32 in zip(int8, fp32, strict=True)
               for (_, a), (_, b) in zip(r8, r32, strict=True)) < 0.05


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from([*PIECES, *ACCENTED, " "]), min_size=1, max_size=10))
def test_spans_map_back_to_code_points_exactly(fitted, parts: list[str]) -> None:
    """Every token tagged B-PER: one span per token, at the token's exact code points
    (Hangul and CJK one per character, ZWJ emoji and combining marks whole, accents the
    tokenizer strips kept); inside tags most probable: the only valid reading is one span
    from the first token to the last (``B-PER I-PER ...``), never a leading ``I-PER``."""
    model, _ = fitted
    text = "".join(parts)
    tokens = word_tokens(text)
    begins = _cached(model, "B-PER").predict_scored([text])[0]
    assert [span for span, _ in begins] == [Span(s, e, "PER") for s, e in tokens]
    assert all(0.0 < score <= 1.0 for _, score in begins)
    inside = _cached(model, "I-PER").predict([text])[0]
    assert inside == ([Span(tokens[0][0], tokens[-1][1], "PER")] if tokens else [])


_HEADS: dict[str, MiniLMTagger] = {}


def _cached(model: MiniLMTagger, tag: str) -> MiniLMTagger:
    """Every token ``B-PER``, or (``I-PER``) inside tags most probable, ``B-PER`` next."""
    if tag not in _HEADS:
        _HEADS[tag] = _with_head(model, {"B-PER": 20.0} if tag == "B-PER"
                                 else {"I-PER": 20.0, "B-PER": 10.0})
    return _HEADS[tag]


def test_a_long_text_gets_a_tag_for_every_token(fitted) -> None:
    """Longer than a window (32 pieces): read in overlapping windows, no token lost; and the
    training windows hold every token once, on token boundaries."""
    model, _ = fitted
    text = " ".join(f"Seoul{i} 김연아 👩\u200d💻" for i in range(40))
    tokens = word_tokens(text)
    assert _cached(model, "B-PER").predict([text])[0] == [Span(s, e, "PER") for s, e in tokens]
    cut = windows(truncating_tokenizer(load_base_encoder(), 32), [text], [tokens],
                  [[0] * len(tokens)], use_shapes=True)
    assert len(cut) > 1 and all(len(w.ids) <= 32 for w in cut)
    covered = [w.first_token + i for w in cut for i in range(len(w.starts))]
    assert covered == list(range(len(tokens)))


def test_a_restored_model_predicts_where_torch_cannot_be_imported(fitted, tmp_path) -> None:
    model, _ = fitted
    save_bundle(tmp_path / "bundle", to_bundle(model, "textloop.model.minilm-tagger.v1", {}))
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "class NoTorch:\n"  # sys.modules['torch'] = None would break scipy's own import
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.partition('.')[0] in ('torch', 'transformers'):\n"
        "            raise ImportError(f'{name} is blocked')\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "from textloop.models.bundle import from_bundle\n"
        "from textloop.storage.bundles import load_bundle\n"
        f"model = from_bundle(load_bundle(Path({str(tmp_path / 'bundle')!r})), 'bundle')\n"
        f"rows = model.predict_scored({UNSEEN!r})\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules\n"
        "print(json.dumps([[[s.start, s.end, s.label, p] for s, p in r] for r in rows]))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, env=None, cwd=Path(__file__).resolve().parents[4])
    assert done.returncode == 0, done.stderr
    expected = [[[s.start, s.end, s.label, p] for s, p in row]
                for row in model.predict_scored(UNSEEN)]
    got = json.loads(done.stdout)
    assert [[r[:3] for r in row] for row in got] == [[r[:3] for r in row] for row in expected]
    assert np.allclose([r[3] for row in got for r in row],
                       [r[3] for row in expected for r in row], atol=1e-6)


def test_a_state_tuned_from_another_base_is_refused(fitted) -> None:
    model, _ = fitted
    arrays, extra = model.export_state()
    with pytest.raises(IntegrityError, match="tuned from 'all-MiniLM-other'"):
        MiniLMTagger.from_state(model.get_params(), arrays, {**extra, "base": "all-MiniLM-other"},
                                list(model.classes_))


def test_fitting_without_torch_names_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingExtraError) as caught:
        MiniLMTagger(**TINY).fit(TEXTS, SPANS)
    assert caught.value.hint == 'pip install "textloop[train]"'
    assert "minilm-tagger" in caught.value.message


def test_bad_parameters_are_refused_naming_them() -> None:
    with pytest.raises(InvalidInputError, match="precision 'int4'"):
        MiniLMTagger(precision="int4").fit(TEXTS, SPANS)
    with pytest.raises(InvalidInputError, match="pooling 'last'"):
        MiniLMTagger(pooling="last").fit(TEXTS, SPANS)
