"""The shared text rules: what is a storable text, how a text is identified, how a name looks."""

from __future__ import annotations

import pytest

from textloop.texts import hidden_character, skeleton

# --- names: invisible characters and look-alikes ----------------------------------------------

@pytest.mark.parametrize(("name", "found"), [
    ("spam\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\u202espam", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("sp\x07am", "U+0007"),
    ("tab\there", "U+0009"),
    ("soft\u00adhyphen", "U+00AD SOFT HYPHEN"),
])
def test_hidden_characters_are_named(name, found) -> None:
    assert found in hidden_character(name)


@pytest.mark.parametrize("name", ["spam", "no spam", "스팸", "café", "naïve-bayes", "PER"])
def test_visible_names_have_no_hidden_character(name) -> None:
    assert hidden_character(name) is None


@pytest.mark.parametrize("variant", ["\u0455\u0440\u0430m", "SPAM", "Spam", "ｓｐａｍ",
                                     "𝐬𝐩𝐚𝐦", "spa\u200bm", "ѕpam"])
def test_look_alikes_share_a_skeleton(variant) -> None:
    assert skeleton(variant) == skeleton("spam")


@pytest.mark.parametrize(("a", "b"), [("spam", "scam"), ("ham", "harm"), ("PER", "ORG"),
                                      ("스팸", "햄")])
def test_different_names_have_different_skeletons(a, b) -> None:
    assert skeleton(a) != skeleton(b)
