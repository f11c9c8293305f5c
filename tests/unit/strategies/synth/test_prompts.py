"""Prompt templates load by version, and texts come back out of every common reply shape."""

from __future__ import annotations

import pytest

from textloop.errors import NotFoundError
from textloop.strategies.synth import Brief, Seed
from textloop.strategies.synth.prompts import (
    NO_DESCRIPTION,
    generation_prompt,
    load_template,
    parse_texts,
)


@pytest.mark.parametrize("reply", [
    "1. Win a car today\n2) Free pizza for you\n3: Call now",
    "Sure! Here are three texts:\n\n1. \"Win a car today\"\n2. 'Free pizza for you'\n"
    "3. “Call now”\n\nLet me know if you need more.",
    "- Win a car today\n* Free pizza for you\n• Call now",
    '{"text": "Win a car today"}\n{"text": "Free pizza for you"}\n{"text": "Call now"}',
    '```json\n["Win a car today", "Free pizza for you", "Call now"]\n```',
    '1. {"text": "Win a car today"}\n2. "Free pizza for you"\n\n3. Call   now',
    "Win a car today\nFree pizza for you\nCall now",
    "Here you go:\nWin a car today\nFree pizza for you\nCall now",
])
def test_texts_come_out_of_every_common_list_shape(reply: str) -> None:
    assert parse_texts(reply) == ["Win a car today", "Free pizza for you", "Call now"]


def test_numbers_inside_texts_are_kept() -> None:
    assert parse_texts("1. 2 for 1 pizzas tonight\n2. 24/7 support: call 0800") == [
        "2 for 1 pizzas tonight", "24/7 support: call 0800"]


def test_empty_items_headings_and_numbers_alone_are_dropped() -> None:
    assert parse_texts('1. ""\n2.\n3. real text\n[]') == ["real text"]
    assert parse_texts("1. First text:\n2. 1.1.1\n3. Win a car\n#4 More examples:") == [
        "Win a car"]
    assert parse_texts("") == []


def test_generation_prompt_fills_every_field_and_survives_dollars_and_braces() -> None:
    brief = Brief("spam", "Ads that cost $$$ {money}", (Seed("r1", "Pay $5\nnow {x}"),),
                  ("ham", "promo"))
    prompt = generation_prompt(load_template("generate.v1"), brief, brief.seeds, 4)
    assert "Ads that cost $$$ {money}" in prompt and "- Pay $5 now {x}" in prompt
    assert '"ham", "promo"' in prompt and "Write 4 new examples" in prompt
    assert "$" not in prompt.replace("$$$", "").replace("$5", "")  # no placeholder left


def test_a_brief_without_seeds_or_description_says_so() -> None:
    prompt = generation_prompt(load_template("generate.v1"), Brief("ham", "", ()), (), 2)
    assert f'"ham" ({NO_DESCRIPTION})' in prompt and "(none yet)" in prompt
    assert "other classes: none." in prompt


def test_an_unknown_template_version_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match=r"generate\.v9") as caught:
        load_template("generate.v9")
    assert "generate.v1" in caught.value.hint and "judge.v1" in caught.value.hint
