"""Markup and identifiers survive every model-free generator: tags, entities, URLs, e-mail
addresses, @mentions and numbers come out exactly as they went in, while the words around
them are still edited; the ``.v1`` generators keep their old behaviour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.strategies.synth.tiny_wordnet import write_tiny_wordnet
from textloop.progress import NULL_PROGRESS
from textloop.strategies.synth import Brief, Request, Seed, make_generator
from textloop.strategies.synth.protected import mask

AUGMENTERS = ["synonym", "swap", "insert", "delete", "typo"]
SPANS = ["<br />", "&amp;", "<a href=\"https://shop.example/win\">", "</a>",
         "https://prize.example/claim?id=7", "win@prize.example", "@prizeteam", "£250",
         "10kg", "&#39;"]
SEEDS = (
    Seed("a", "win a free phone<br />claim the prize &amp; cash now at "
              "<a href=\"https://shop.example/win\">the shop</a> today"),
    Seed("b", "claim your cash prize of £250 at https://prize.example/claim?id=7 or "
              "mail win@prize.example"),
    Seed("c", "free phone and 10kg of cash for you, ask @prizeteam &#39;now&#39; to win"),
)


def generator(name: str, folder: Path, version: str = ""):
    settings: dict[str, object] = {"rate": 0.5}
    if name in ("synonym", "insert"):
        settings["wordnet_dir"] = str(folder)
    return make_generator(f"textloop.synth.{name}.{version}" if version else name, **settings)


@pytest.fixture(scope="module")
def wordnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_wordnet(tmp_path_factory.mktemp("wordnet"))


def spans_in_order(text: str) -> list[str]:
    return [span for span in re.findall("|".join(map(re.escape, SPANS)), text)]


@pytest.mark.parametrize("name", AUGMENTERS)
def test_protected_spans_come_out_untouched_and_in_order(name: str, wordnet: Path) -> None:
    gen = generator(name, wordnet)
    candidates = gen.generate(Request(Brief("spam", "", SEEDS), 30, seed=0), NULL_PROGRESS)
    assert len(candidates) >= 10 and gen.name.startswith(f"textloop.synth.{name}.v")
    assert gen.protects and not gen.name.endswith(".v1")  # the newest version protects
    seeds = {seed.record_id: seed.text for seed in SEEDS}
    for candidate in candidates:
        seed = seeds[candidate.seed_ids[0]]
        assert candidate.text != seed
        assert spans_in_order(candidate.text) == spans_in_order(seed), candidate.text
        assert "Brigate" not in candidate.text and "\ue000" not in candidate.text


def test_the_synonym_generator_leaves_the_br_of_a_tag_alone(tmp_path: Path) -> None:
    """The reported case: WordNet knows "br" (the Red Brigades)."""
    folder = write_tiny_wordnet(tmp_path)
    gen = make_generator("synonym", wordnet_dir=str(folder), rate=1.0)
    seed = Seed("r1", "a great movie<br /><br />call my phone")
    [candidate] = gen.generate(Request(Brief("pos", "", (seed,)), 1), NULL_PROGRESS)
    assert candidate.text.startswith("a great movie<br /><br />call my ")
    assert candidate.text.split()[-1] != "phone"  # the words around it are still edited


def test_the_v1_generators_still_edit_markup_as_words(tmp_path: Path) -> None:
    """Old configurations make the same texts: v1 is kept as it was."""
    folder = write_tiny_wordnet(tmp_path)
    gen = make_generator("textloop.synth.synonym.v1", wordnet_dir=str(folder), rate=1.0)
    seed = Seed("r1", "a great movie<br /><br />call my phone")
    [candidate] = gen.generate(Request(Brief("pos", "", (seed,)), 1), NULL_PROGRESS)
    assert re.search(r"<(Brigate Rosse|Red Brigades) />", candidate.text), candidate.text
    assert gen.name == "textloop.synth.synonym.v1"


@pytest.mark.parametrize(("text", "spans"), [
    ("see <b>this</b> &amp; that", ["<b>", "</b>", "&amp;"]),
    ("go to https://a.example/x?y=1. Now!", ["https://a.example/x?y=1"]),
    ("mail me at jo.ann+x@mail.example.org, or @jo_ann", ["jo.ann+x@mail.example.org",
                                                          "@jo_ann"]),
    ("it is 3.5GB, 20% off, $12.99 and 5 pm", ["3.5GB", "20%", "$12.99", "5"]),
    ("a < b and c > d, no tags here", []),
])
def test_what_counts_as_protected(text: str, spans: list[str]) -> None:
    masked = mask(text)
    assert list(masked.spans) == spans
    assert masked.restore(masked.text) == text


def test_an_edit_that_drops_or_reorders_a_span_is_refused() -> None:
    masked = mask("<b>bold</b> and plain")
    opening, closing = masked.text[0], masked.text[5]
    assert masked.restore(masked.text.replace(closing, "")) is None
    assert masked.restore(f"{closing}bold{opening} and plain") is None
    assert masked.restore(masked.text.replace("plain", "simple")) == "<b>bold</b> and simple"
