"""What every model-free generator promises: the same texts for the same request seed,
each different from its seed and from the others, seeds used in turn, provenance recorded."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.strategies.synth.conftest import sms_brief
from tests.unit.strategies.synth.tiny_wordnet import write_tiny_wordnet
from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS
from textloop.strategies.synth import Brief, Request, Seed, make_generator
from textloop.strategies.synth.synonym import words_with_synonyms
from textloop.strategies.synth.wordnet import WordNet

AUGMENTERS = ["synonym", "swap", "insert", "delete", "typo"]


def augmenter(name: str, wordnet: Path, **settings: object):
    if name in ("synonym", "insert"):
        settings["wordnet_dir"] = str(wordnet)
    return make_generator(name, **settings)


@pytest.fixture(scope="module")
def wordnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_wordnet(tmp_path_factory.mktemp("wordnet"))


@pytest.fixture(scope="module")
def brief(wordnet: Path) -> Brief:
    """Six real spam texts, each with a word the tiny WordNet has synonyms for."""
    tiny = WordNet(wordnet)
    seeds = [seed for seed in sms_brief(n=30).seeds
             if words_with_synonyms(tiny, seed.text, senses=2)]
    return replace(sms_brief(n=1), seeds=tuple(seeds[:6]))


@pytest.mark.parametrize("name", AUGMENTERS)
def test_the_same_seed_gives_the_same_texts_and_another_seed_others(
        name: str, wordnet: Path, brief: Brief) -> None:
    gen = augmenter(name, wordnet)
    first = gen.generate(Request(brief, count=12, seed=1), NULL_PROGRESS)
    again = augmenter(name, wordnet).generate(Request(brief, count=12, seed=1), NULL_PROGRESS)
    other = gen.generate(Request(brief, count=12, seed=2), NULL_PROGRESS)
    assert [c.text for c in first] == [c.text for c in again]
    assert [c.text for c in first] != [c.text for c in other]


@pytest.mark.parametrize("name", AUGMENTERS)
def test_each_text_changes_its_seed_and_names_it(name: str, wordnet: Path,
                                                 brief: Brief) -> None:
    gen = augmenter(name, wordnet, rate=0.2)
    candidates = gen.generate(Request(brief, count=12, seed=0), NULL_PROGRESS)
    seeds = {seed.record_id: seed.text for seed in brief.seeds}
    assert len(candidates) == 12
    assert len({c.text for c in candidates}) == 12
    assert [c.seed_ids[0] for c in candidates[:6]] == list(seeds)  # seeds in turn
    for c in candidates:
        assert len(c.seed_ids) == 1 and c.text != seeds[c.seed_ids[0]]
        version = "v3" if name == "typo" else "v2"  # typo.v3 slips Hangul by jamo
        assert c.generator == f"textloop.synth.{name}.{version}" and c.label == "spam"
        assert c.model is None and c.template is None
        assert c.params["rate"] == 0.2 and c.params["seed"] == 0


@pytest.mark.parametrize("name", AUGMENTERS)
def test_no_seeds_is_an_error_that_says_what_to_do(name: str, wordnet: Path) -> None:
    with pytest.raises(InvalidInputError, match="needs at least one seed text") as caught:
        augmenter(name, wordnet).generate(Request(Brief("spam", "", ()), 3), NULL_PROGRESS)
    assert "LLM generator" in caught.value.hint


def test_a_seed_that_cannot_change_gives_fewer_texts_not_copies(wordnet: Path) -> None:
    brief = Brief("spam", "", (Seed("r1", "hello"),))
    assert make_generator("swap").generate(Request(brief, 5), NULL_PROGRESS) == []
    assert make_generator("delete").generate(Request(brief, 5), NULL_PROGRESS) == []


@pytest.mark.parametrize("rate", [0, 1.5])
def test_a_rate_outside_zero_to_one_is_refused(rate: float) -> None:
    with pytest.raises(InvalidInputError, match="share of the words"):
        make_generator("swap", rate=rate)
