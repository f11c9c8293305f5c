"""Text perturbations: registered by versioned name, seeded, and really changing the texts."""

from __future__ import annotations

import random

import pytest

from textloop.errors import NotFoundError
from textloop.strategies.perturb import DEFAULT_PROBES, make_perturbation, perturb_texts
from textloop.strategies.perturb.punctuation import MARKS
from textloop.strategies.perturb.typos import QWERTY_NEIGHBOURS, keyboard_typo, typo

TEXTS = ["Win a FREE phone, reply now!", "see you at lunch later", "Ok. Thanks :)",
         "the meeting moved to Tuesday afternoon because of the strike"]


def test_every_default_probe_has_a_versioned_name() -> None:
    names = [make_perturbation(name)[0] for name in DEFAULT_PROBES]
    assert names == ["textloop.perturb.typos.v2", "textloop.perturb.lowercase.v1",
                     "textloop.perturb.uppercase.v1", "textloop.perturb.strip-punct.v1",
                     "textloop.perturb.add-punct.v1"]
    with pytest.raises(NotFoundError, match="no perturb named 'emoji'"):
        make_perturbation("emoji")


@pytest.mark.parametrize("name", ["typos", "add-punct"])
def test_random_probes_repeat_with_the_seed_and_change_every_text(name: str) -> None:
    _, first = perturb_texts(name, TEXTS, seed=1)
    assert perturb_texts(name, TEXTS, seed=1)[1] == first
    assert perturb_texts(name, TEXTS, seed=2)[1] != first
    assert all(a != b for a, b in zip(TEXTS, first, strict=True))


def test_typos_touch_a_share_of_words_and_keep_the_spacing() -> None:
    _, changed = perturb_texts("typos", TEXTS, seed=0)
    long_before, long_after = TEXTS[3].split(" "), changed[3].split(" ")
    assert len(long_after) == len(long_before)  # whitespace kept, one edit inside words
    assert sum(a != b for a, b in zip(long_before, long_after, strict=True)) == 1  # 10% of 10


def test_a_single_typo_always_changes_the_word() -> None:
    rng = random.Random(0)
    for word in ["aa", "book", "Ok.", "zz", "hello"]:
        for _ in range(20):
            assert typo(word, rng) != word


def test_case_and_punctuation_probes() -> None:
    assert perturb_texts("lowercase", TEXTS)[1][0] == "win a free phone, reply now!"
    assert perturb_texts("uppercase", TEXTS)[1][1] == "SEE YOU AT LUNCH LATER"
    stripped = perturb_texts("strip-punct", TEXTS)[1]
    assert stripped[0] == "Win a FREE phone reply now" and stripped[2] == "Ok Thanks "
    added = perturb_texts("add-punct", TEXTS)[1][1]
    assert sum(ch in MARKS for ch in added) >= 1
    assert "".join(ch for ch in added if ch not in MARKS) == TEXTS[1]


def test_qwerty_neighbours_are_the_keys_around_each_key() -> None:
    assert QWERTY_NEIGHBOURS["s"] == "adewxz"
    assert QWERTY_NEIGHBOURS["q"] == "aw" and QWERTY_NEIGHBOURS["m"] == "jkn"
    assert all(ch not in near and all(ch in QWERTY_NEIGHBOURS[n] for n in near)
               for ch, near in QWERTY_NEIGHBOURS.items())  # symmetric, never itself


def test_a_keyboard_typo_slips_onto_a_neighbouring_key_or_makes_a_typo() -> None:
    rng = random.Random(0)
    kinds = set()
    for word in ["hello", "Phone", "ok", "zz"]:
        for _ in range(30):
            slipped = keyboard_typo(word, rng)
            assert slipped != word
            differ = [i for i, (a, b) in enumerate(zip(word, slipped, strict=False)) if a != b]
            if len(slipped) == len(word) and len(differ) == 1:
                i = differ[0]
                if slipped[i].lower() in QWERTY_NEIGHBOURS[word[i].lower()]:
                    kinds.add("replace")
                    assert slipped[i].isupper() == word[i].isupper()
            if len(slipped) == len(word) + 1:
                kinds.add("longer")
    assert kinds == {"replace", "longer"}
