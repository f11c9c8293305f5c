"""Typos: adjacent letters swapped, a letter dropped or a letter inserted, in some words;
keyboard slips onto a neighbouring key, on QWERTY or, for Hangul, on the two-set layout.

The robustness probe ``typos`` is version 2: a word holding a Hangul syllable gets a jamo
slip (``hangul_typo``, as the ``typo.v3`` generator makes), because version 1's letter
edits make of Korean what no one types (an ASCII letter inside a word, whole syllables
swapped or dropped); any other word gets version 1's letter edit. Version 1 stays
registered, so an old evaluation's probe re-runs identically.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

from textloop.hangul import FINALS, INITIALS, JAMO_OF_KEY, KEYS, MEDIALS, compose, is_syllable, jamo
from textloop.strategies.perturb.base import edit_some_words

TWO_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]|[^\W\d_]{2}", re.DOTALL)


class Typos:
    """One edit in each of a ``rate`` share of the words with two or more letters (at least
    one word per text): swap two neighbouring letters, delete a letter or insert one."""

    def __init__(self, rate: float = 0.1) -> None:
        self.rate = rate

    def __call__(self, text: str, rng: random.Random) -> str:
        return edit_some_words(text, rng, self.rate, TWO_LETTERS, typo)


class ScriptTypos(Typos):
    """Version 1 with Korean typed as Korean: words holding a Hangul syllable (even one
    syllable long) are eligible and get one jamo slip; other words as in version 1."""

    def __call__(self, text: str, rng: random.Random) -> str:
        return edit_some_words(text, rng, self.rate, HANGUL_OR_TWO_LETTERS,
                               lambda word, r: script_typo(word, r, other=typo))


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one letter-level edit; always different from ``word``."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    swaps = [i for i in letters if i + 1 < len(word) and word[i + 1].isalpha()
             and word[i].lower() != word[i + 1].lower()]
    kind = rng.choice(("swap", "delete", "insert"))
    if kind == "swap" and swaps:
        i = rng.choice(swaps)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    i = rng.choice(letters)
    if kind == "insert":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    return word[:i] + word[i + 1:]


QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _qwerty_neighbours() -> dict[str, str]:
    """Each letter's neighbouring keys on a QWERTY keyboard (same row and the rows next to
    it, offset as keys are staggered): the keys a finger slips onto."""
    position = {ch: (row, col) for row, keys in enumerate(QWERTY_ROWS)
                for col, ch in enumerate(keys)}
    neighbours = {}
    for ch, (row, col) in position.items():
        near = [other for other, (r, c) in position.items() if other != ch and (
            (r == row and abs(c - col) == 1) or (r == row - 1 and c in (col, col + 1))
            or (r == row + 1 and c in (col - 1, col)))]
        neighbours[ch] = "".join(sorted(near))
    return neighbours


QWERTY_NEIGHBOURS = _qwerty_neighbours()


def keyboard_typo(word: str, rng: random.Random) -> str:
    """``word`` with one slip of the finger: a letter replaced by a neighbouring key, a
    neighbouring key pressed as well, or (a third of the time) one of ``typo``'s edits.
    Always different from ``word``; the case of the letter hit is kept."""
    keys = [i for i, ch in enumerate(word) if ch.lower() in QWERTY_NEIGHBOURS]
    kind = rng.choice(("replace", "press-both", "typo"))
    if kind == "typo" or not keys:
        return typo(word, rng)
    i = rng.choice(keys)
    slip = rng.choice(QWERTY_NEIGHBOURS[word[i].lower()])
    slip = slip.upper() if word[i].isupper() else slip
    if kind == "replace":
        return word[:i] + slip + word[i + 1:]
    at = i + rng.randint(0, 1)  # the slipped key lands before or after the intended one
    return word[:at] + slip + word[at:]


def _dubeolsik_neighbours() -> dict[str, str]:
    """Each single-key jamo's neighbours on the two-set Korean keyboard: the jamo of the
    QWERTY keys next to its key (a shifted jamo such as ㄲ slips onto unshifted keys)."""
    return {j: "".join(JAMO_OF_KEY[k] for k in QWERTY_NEIGHBOURS[key.lower()])
            for j, key in KEYS.items() if len(key) == 1}


DUBEOLSIK_NEIGHBOURS = _dubeolsik_neighbours()
_DOUBLED = {"ㄱ": "ㄲ", "ㅅ": "ㅆ"}  # the finals a repeated key turns into one final
HANGUL_OR_TWO_LETTERS = re.compile(f"{TWO_LETTERS.pattern}|[가-힣]", re.DOTALL)


def hangul_typo(word: str, rng: random.Random) -> str:
    """``word`` with one jamo of one of its Hangul syllables slipped, the syllable recomposed:
    the initial, the vowel or the final replaced by a neighbouring key's jamo on the two-set
    layout, the final's last key dropped, or a final ㄱ/ㅅ doubled (ㄲ/ㅆ). Typos on Hangul
    must work on jamo: a Latin-letter edit of a syllable is not a slip anyone makes, and
    inserting or deleting whole syllables changes the word far more than one key does.
    Characters other than Hangul syllables are left as they are; ``word`` must hold one."""
    i = rng.choice([at for at, ch in enumerate(word) if is_syllable(ch)])
    initial, medial, final = jamo(word[i])
    options = {
        "initial": [compose(j, medial, final) for j in DUBEOLSIK_NEIGHBOURS[initial]
                    if j in INITIALS],
        "medial": [compose(initial, j, final) for j in DUBEOLSIK_NEIGHBOURS.get(medial, "")
                   if j in MEDIALS],
        "final": [compose(initial, medial, j) for j in DUBEOLSIK_NEIGHBOURS.get(final, "")
                  if final and j in FINALS],
        "drop": [compose(initial, medial, _last_key_dropped(final))] if final else [],
        "double": [compose(initial, medial, _DOUBLED[final])] if final in _DOUBLED else [],
    }
    kind = rng.choice([kind for kind, slips in options.items() if slips])
    return word[:i] + rng.choice(options[kind]) + word[i + 1:]


def _last_key_dropped(final: str) -> str:
    """The final left when its last key is missed: ㄺ (ㄹ, ㄱ) gives ㄹ, a one-key one none."""
    keys = KEYS[final]
    return JAMO_OF_KEY[keys[0]] if len(keys) == 2 else ""


def script_typo(word: str, rng: random.Random,
                other: Callable[[str, random.Random], str] = keyboard_typo) -> str:
    """A jamo slip (``hangul_typo``) in a word with Hangul syllables, else ``other``'s edit
    (``keyboard_typo`` for the synth generator, ``typo`` for the robustness probe)."""
    if any(map(is_syllable, word)):
        return hangul_typo(word, rng)
    return other(word, rng)
