"""A tiny WordNet database written in WordNet's own file format (index.POS sorted by lemma,
data.POS with each synset at its byte offset), so the parser and the synonym generators are
tested on known synonyms without the system's WordNet."""

from __future__ import annotations

from pathlib import Path

HEADER = "  1 This is a tiny test database in the WordNet 3.0 format.  \n"

# part of speech -> synsets, most frequent sense first within each word
SYNSETS: dict[str, list[list[str]]] = {
    "noun": [["prize", "award"], ["prize", "loot"], ["phone", "telephone", "telephone_set"],
             ["cash", "hard_cash", "money"], ["car", "automobile", "auto"],
             ["br", "Brigate_Rosse", "Red_Brigades"]],  # WordNet's reading of <br />
    "verb": [["win", "gain"], ["call", "ring", "phone"], ["claim", "take"]],
    "adj": [["free(a)", "complimentary", "gratis"], ["urgent", "pressing"]],
    "adv": [["now", "today"]],
}
POS_LETTER = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


def write_tiny_wordnet(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for pos, synsets in SYNSETS.items():
        offsets: dict[str, list[int]] = {}
        data = HEADER
        for words in synsets:
            offset = len(data.encode())
            fields = [f"{offset:08d}", "00", POS_LETTER[pos], f"{len(words):02x}"]
            for word in words:
                fields += [word, "0"]
                offsets.setdefault(word.split("(")[0].lower(), []).append(offset)
            data += " ".join([*fields, "000", "|", "a gloss"]) + "  \n"
        (folder / f"data.{pos}").write_text(data)
        lines = [f"{lemma} {POS_LETTER[pos]} {len(offs)} 1 @ {len(offs)} 0 "
                 + " ".join(f"{o:08d}" for o in offs) + "  "
                 for lemma, offs in sorted(offsets.items())]
        (folder / f"index.{pos}").write_text(HEADER + "\n".join(lines) + "\n")
    return folder
