"""Random swap, deletion and insertion: the words they touch, and where inserted words come
from with and without WordNet."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.unit.strategies.synth.tiny_wordnet import write_tiny_wordnet
from textloop.progress import NULL_PROGRESS
from textloop.strategies.synth import Brief, Request, Seed, make_generator

SEEDS = (Seed("a", "win a free phone now by replying to this message today please"),
         Seed("b", "cash prize waiting claim it"))
BRIEF = Brief("spam", "", SEEDS)


def texts(name: str, count: int = 4, **settings: object) -> list[str]:
    gen = make_generator(name, **settings)
    return [c.text for c in gen.generate(Request(BRIEF, count, seed=3), NULL_PROGRESS)]


def test_swap_keeps_the_words_and_moves_some() -> None:
    for text, seed in zip(texts("swap"), SEEDS * 2, strict=True):
        assert Counter(text.split()) == Counter(seed.text.split())


def test_delete_drops_a_rate_share_of_the_words() -> None:
    gen = make_generator("delete", rate=0.2)
    out = gen.generate(Request(BRIEF, 4, seed=3), NULL_PROGRESS)
    seeds = {seed.record_id: seed.text.split() for seed in SEEDS}
    kept = {"a": 10, "b": 4}  # 12 words -> 2 gone, 5 -> 1
    assert len(out) == 4 and {c.seed_ids[0] for c in out} == {"a", "b"}
    for candidate in out:
        words = seeds[candidate.seed_ids[0]]
        assert len(candidate.text.split()) == kept[candidate.seed_ids[0]]
        assert set(candidate.text.split()) <= set(words)


def test_insert_adds_synonyms_of_the_texts_own_words(tmp_path: Path) -> None:
    folder = str(write_tiny_wordnet(tmp_path))
    gen = make_generator("insert", wordnet_dir=folder)
    candidates = gen.generate(Request(BRIEF, 4, seed=3), NULL_PROGRESS)
    synonyms = {"gain", "complimentary", "gratis", "telephone", "telephone set", "call",
                "ring", "today", "now", "hard cash", "money", "award", "loot", "take"}
    for c, seed in zip(candidates, SEEDS * 2, strict=True):
        added = Counter(c.text.split()) - Counter(seed.text.split())
        assert added and all(word in " ".join(synonyms).split() for word in added)
    assert candidates[0].params["source"] == "wordnet"


def test_insert_without_wordnet_takes_words_of_the_other_seeds(tmp_path: Path) -> None:
    gen = make_generator("insert", wordnet_dir=str(tmp_path))  # an empty folder
    candidates = gen.generate(Request(BRIEF, 2, seed=3), NULL_PROGRESS)
    for c, seed, other in zip(candidates, SEEDS, reversed(SEEDS), strict=True):
        added = Counter(c.text.split()) - Counter(seed.text.split())
        assert added and set(added) <= set(other.text.split())
    assert candidates[0].params["source"] == "seeds"


KOREAN = Brief("neg", "", (
    Seed("k1", "배송이 너무 느려서 결국 환불을 요청했습니다"),
    Seed("k2", "학교에 가는 길에 친구를 만났어요 정말 반가웠어요")))


def test_swap_and_delete_move_whole_eojeol_in_korean() -> None:
    """A Korean word between spaces (eojeol) is a stem with its particle or ending: moved
    or dropped whole, 학교에 stays 학교에, never 학교 apart from 에."""
    seeds = {seed.record_id: seed.text.split() for seed in KOREAN.seeds}
    for name in ("swap", "delete"):
        gen = make_generator(name, rate=0.3)
        candidates = gen.generate(Request(KOREAN, 6, seed=2), NULL_PROGRESS)
        assert len(candidates) == 6
        for candidate in candidates:
            before, after = seeds[candidate.seed_ids[0]], candidate.text.split()
            assert after != before
            if name == "swap":
                assert Counter(after) == Counter(before)
            else:
                assert len(after) == len(before) - round(0.3 * len(before))
                rest = iter(before)
                assert all(word in rest for word in after)  # the others, in order
