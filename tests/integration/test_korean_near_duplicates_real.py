"""Near-duplicates among real Korean comments: a changed particle still finds the original.

Five-byte shingles span one to two Hangul syllables, which finds a changed particle (이 to
가, 은 to 는) in comments of 20 characters or more; in shorter ones one syllable is too large
a share of the shingles, and Korean projects shingle by character pairs instead.
"""

from __future__ import annotations

import random

import pytest

from tests.conftest import shared_data
from textloop.stages.clean.duplicates import near_pairs

pytestmark = pytest.mark.integration

SWAP = {"이": "가", "가": "이", "은": "는", "는": "은", "을": "를", "를": "을", "도": "만",
        "의": "에"}


def with_other_particle(text: str, rng: random.Random) -> str | None:
    """The text with one word's final particle swapped, or None when no word ends in one."""
    words = text.split()
    ends = [i for i, word in enumerate(words) if len(word) >= 2 and word[-1] in SWAP]
    if not ends:
        return None
    i = rng.choice(ends)
    words[i] = words[i][:-1] + SWAP[words[i][-1]]
    return " ".join(words)


def found_again(lines: list[str], language: str | None, min_chars: int
                ) -> tuple[int, int, list[float]]:
    """(edited copies linked to their own original, edited copies, link scores) when
    comments of at least ``min_chars`` characters are copied with one particle changed."""
    rng = random.Random(0)
    sample = rng.sample(lines, 3000)
    originals, edited = [], []
    for text in sample:
        changed = with_other_particle(text, rng) if len(text) >= min_chars else None
        if changed and changed != text and len(edited) < 200:
            originals.append(text)
            edited.append(changed)
    kept = set(originals)
    others = [t for t in sample if t not in kept][:1500]
    pairs, scores = near_pairs(originals + others + edited, language=language)
    first_edit = len(originals) + len(others)
    linked = {text - first_edit: leader for leader, text in pairs if text >= first_edit}
    assert all(leader == k for k, leader in linked.items())  # never to another comment
    return len(linked), len(edited), scores


@pytest.fixture(scope="module")
def lines() -> list[str]:
    path = shared_data("korean", "raw_korean_hate_speech", "unlabeled_comments_5.txt")
    return list(dict.fromkeys(line.strip() for line in
                              path.read_text(encoding="utf-8").splitlines() if line.strip()))


def test_longer_comments_with_a_changed_particle_are_found_by_byte_shingles(
        lines: list[str]) -> None:
    found, edited, scores = found_again(lines, None, 20)
    assert found >= 0.9 * edited, found  # measured: 189 of 200 (misses: MinHash estimates)
    assert min(scores) >= 0.7


def test_korean_projects_find_short_comments_with_a_changed_particle(lines: list[str]) -> None:
    by_pairs, edited, _ = found_again(lines, "ko", 8)
    by_bytes, _, _ = found_again(lines, None, 8)
    # measured: 186 of 200 by character pairs, 162 by bytes (200 and 189 from 20 characters)
    assert by_pairs >= 0.85 * edited and by_pairs >= by_bytes + 0.05 * edited, (
        by_pairs, by_bytes)
