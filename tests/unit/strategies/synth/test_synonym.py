"""Synonym replacement: content words swapped for WordNet synonyms in their case, stop
words kept, and a clear error without WordNet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.strategies.synth.tiny_wordnet import write_tiny_wordnet
from textloop.errors import MissingDataError
from textloop.progress import NULL_PROGRESS
from textloop.strategies.synth import Brief, Request, Seed, make_generator
from textloop.strategies.synth.synonym import match_case
from textloop.strategies.synth.wordnet import DEBIAN_FOLDER, has_wordnet


def test_every_content_word_with_synonyms_is_replaced_in_its_case(tmp_path: Path) -> None:
    gen = make_generator("synonym", wordnet_dir=str(write_tiny_wordnet(tmp_path)), rate=1.0)
    brief = Brief("spam", "", (Seed("r1", "URGENT: Win a FREE phone, the prize is yours"),))
    [candidate] = gen.generate(Request(brief, 1, seed=0), NULL_PROGRESS)
    assert re.fullmatch(r"PRESSING: Gain a (COMPLIMENTARY|GRATIS) "
                        r"(telephone|telephone set|call|ring), the (award|loot) is yours",
                        candidate.text), candidate.text
    assert dict(candidate.params) == {"rate": 1.0, "senses": 2, "seed": 0}


def test_a_small_rate_replaces_one_word_and_keeps_stop_words(tmp_path: Path) -> None:
    gen = make_generator("synonym", wordnet_dir=str(write_tiny_wordnet(tmp_path)))
    seed = Seed("r1", "win cash and claim the car")
    for request_seed in range(5):
        [candidate] = gen.generate(Request(Brief("spam", "", (seed,)), 1, seed=request_seed),
                                   NULL_PROGRESS)
        words = candidate.text.split()
        kept = [word for word in ("win", "cash", "claim", "car") if word in words]
        assert len(kept) == 3 and {"and", "the"} <= set(words)


def test_without_wordnet_the_generator_cannot_be_made(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="were not found in") as caught:
        make_generator("synonym", wordnet_dir=str(tmp_path))
    assert "wordnet-base" in caught.value.hint


def test_the_system_wordnet_gives_real_synonyms() -> None:
    if not has_wordnet(DEBIAN_FOLDER):
        pytest.skip(f"no WordNet in {DEBIAN_FOLDER}: run scripts/install-wordnet.sh")
    seed = Seed("r1", "Congratulations, you have a cheap car")
    [candidate] = make_generator("synonym", rate=1.0).generate(
        Request(Brief("spam", "", (seed,)), 1), NULL_PROGRESS)
    parts = re.fullmatch(r"(.+), you have a (\w+) (.+)", candidate.text)  # stop words stay
    assert parts is not None and parts[2] != "cheap", candidate.text
    assert parts[3] in {"auto", "automobile", "machine", "motorcar",
                                          "railcar", "railway car", "railroad car", "gondola"}


@pytest.mark.parametrize(("original", "replacement", "expected"), [
    ("car", "automobile", "automobile"), ("Car", "automobile", "Automobile"),
    ("CAR", "motor car", "MOTOR CAR"), ("A", "angstrom", "Angstrom"),
    ("car", "vitamin A", "vitamin A")])
def test_match_case(original: str, replacement: str, expected: str) -> None:
    assert match_case(original, replacement) == expected
