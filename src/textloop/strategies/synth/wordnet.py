"""Synonyms from WordNet's own database files, read with a small parser (no NLTK needed).

WordNet ships as plain text: ``index.POS`` lists each lemma with the byte offsets of its
synsets (most frequent sense first) and ``data.POS`` holds one synset per line at that
offset, with the words that share the sense. Debian's ``wordnet-base`` package lays these
out in /usr/share/wordnet; NLTK's downloaded ``wordnet`` corpus is the same files, so it is
read the same way when NLTK can say where it is. The index files are sorted, so a lemma is
found by bisection over their lines, and a synset by seeking to its offset: nothing is
parsed up front, and loading is little more than reading 6 MB.
"""

from __future__ import annotations

import bisect
import functools
from pathlib import Path

from textloop.errors import MissingDataError

DEBIAN_FOLDER = Path("/usr/share/wordnet")
PARTS_OF_SPEECH = ("noun", "verb", "adj", "adv")
INSTALL_HINT = ("on Debian or Ubuntu: sudo apt-get install wordnet-base "
                "(or scripts/install-wordnet.sh); elsewhere: pip install nltk && "
                "python -m nltk.downloader wordnet")


class WordNet:
    """Synonyms of a word, looked up in one WordNet database folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._indexes = {pos: _Index(folder / f"index.{pos}") for pos in PARTS_OF_SPEECH}
        self._synonyms: dict[tuple[str, int], tuple[str, ...]] = {}

    def synonyms(self, word: str, senses: int = 2) -> tuple[str, ...]:
        """Other words sharing one of the ``senses`` most frequent senses of ``word`` (each
        part of speech), in WordNet's order; ``()`` for an unknown word.

        Only the exact form is looked up, never its lemma: replacing "running" with a
        synonym of "run" would put a base form where an inflected one stood."""
        key = (word.lower(), senses)
        if key not in self._synonyms:
            self._synonyms[key] = self._lookup(*key)
        return self._synonyms[key]

    def _lookup(self, word: str, senses: int) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for pos, index in self._indexes.items():
            for offset in index.offsets(word)[:senses]:
                for other in self._synset_words(pos, offset):
                    if other.lower() != word:
                        found.setdefault(other)
        return tuple(found)

    def _synset_words(self, pos: str, offset: int) -> list[str]:
        """The words of the synset at ``offset`` in ``data.POS``: ``offset lexfile type
        count(hex) word lexid word lexid ...``; adjectives may carry a marker like ``(a)``."""
        with open(self.folder / f"data.{pos}", "rb") as handle:
            handle.seek(offset)
            fields = handle.readline().decode("utf-8", "replace").split()
        count = int(fields[3], 16)
        words = fields[4:4 + 2 * count:2]
        return [word.split("(")[0].replace("_", " ") for word in words]


class _Index:
    """One ``index.POS`` file, searched by bisection: its lines are sorted by lemma (the
    licence header lines start with a space, so they sort first)."""

    def __init__(self, path: Path) -> None:
        self._lines = path.read_bytes().rstrip(b"\n").split(b"\n")

    def offsets(self, word: str) -> tuple[int, ...]:
        """Synset offsets of ``word``, most frequent sense first. A line reads ``lemma pos
        synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset...``."""
        lemma = word.replace(" ", "_").encode("utf-8")
        if not lemma:  # the header lines' key
            return ()
        at = bisect.bisect_left(self._lines, lemma, key=_lemma)
        if at == len(self._lines) or _lemma(self._lines[at]) != lemma:
            return ()
        fields = self._lines[at].split()
        return tuple(int(offset) for offset in fields[len(fields) - int(fields[2]):])


def _lemma(line: bytes) -> bytes:
    return line.split(b" ", 1)[0]


def has_wordnet(folder: Path) -> bool:
    """Whether ``folder`` holds WordNet's index and data files for every part of speech."""
    return all((folder / f"{kind}.{pos}").is_file()
               for pos in PARTS_OF_SPEECH for kind in ("index", "data"))


def wordnet_folders() -> list[Path]:
    """Where WordNet is looked for when no folder is given: Debian's, then NLTK's corpus."""
    folders = [DEBIAN_FOLDER]
    try:
        import nltk
        folders.append(Path(str(nltk.data.find("corpora/wordnet"))))
    except (ImportError, LookupError):
        pass
    return folders


@functools.lru_cache(maxsize=4)
def load_wordnet(folder: str | None = None) -> WordNet:
    """The WordNet in ``folder``, or in the first place ``wordnet_folders`` names; loaded
    once per folder. ``MissingDataError`` saying where it looked and how to install it."""
    candidates = [Path(folder)] if folder is not None else wordnet_folders()
    for candidate in candidates:
        if has_wordnet(candidate):
            return WordNet(candidate)
    looked = ", ".join(str(path) for path in candidates)
    raise MissingDataError(
        f"WordNet's database files (index.noun, data.noun, ...) were not found in {looked}",
        hint=f"install WordNet: {INSTALL_HINT}")


def try_wordnet(folder: str | None = None) -> WordNet | None:
    """``load_wordnet``, or ``None`` where WordNet is not installed (for optional use)."""
    try:
        return load_wordnet(folder)
    except MissingDataError:
        return None
