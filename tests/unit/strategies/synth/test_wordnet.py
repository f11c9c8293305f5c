"""The WordNet reader: synonyms from the database files, sense order, and a clear error
naming the install command where the files are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.strategies.synth.tiny_wordnet import write_tiny_wordnet
from textloop.errors import MissingDataError, MissingExtraError
from textloop.strategies.synth.wordnet import (
    DEBIAN_FOLDER,
    WordNet,
    has_wordnet,
    load_wordnet,
    try_wordnet,
)


@pytest.fixture
def tiny(tmp_path: Path) -> WordNet:
    return WordNet(write_tiny_wordnet(tmp_path / "wn"))


def test_synonyms_come_from_every_part_of_speech_most_frequent_sense_first(tiny: WordNet
                                                                            ) -> None:
    assert tiny.synonyms("prize", senses=2) == ("award", "loot")
    assert tiny.synonyms("prize", senses=1) == ("award",)
    assert tiny.synonyms("phone") == ("telephone", "telephone set", "call", "ring")
    assert tiny.synonyms("Free") == ("complimentary", "gratis")  # marker (a) dropped
    assert tiny.synonyms("cash") == ("hard cash", "money")


def test_unknown_words_have_no_synonyms(tiny: WordNet) -> None:
    for word in ["zebra", "aaa", "zzz", "", "café", "prizes"]:
        assert tiny.synonyms(word) == ()


def test_a_folder_without_wordnet_names_the_install(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not has_wordnet(empty)
    with pytest.raises(MissingDataError) as caught:
        load_wordnet(str(empty))
    assert str(empty) in caught.value.message and "index.noun" in caught.value.message
    assert "apt-get install wordnet-base" in caught.value.hint
    assert "nltk.downloader wordnet" in caught.value.hint
    assert isinstance(caught.value, MissingExtraError)  # same exit code and HTTP status
    assert try_wordnet(str(empty)) is None


def test_the_system_wordnet_when_installed() -> None:
    if not has_wordnet(DEBIAN_FOLDER):
        pytest.skip(f"no WordNet in {DEBIAN_FOLDER}: run scripts/install-wordnet.sh")
    wordnet = load_wordnet()
    assert wordnet.folder == DEBIAN_FOLDER
    assert {"automobile", "motorcar"} <= set(wordnet.synonyms("car"))
    assert "telephone" in wordnet.synonyms("phone")
    assert wordnet.synonyms("the") == ()
